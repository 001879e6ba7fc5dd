import { isbot } from "isbot";

/**
 * Who fetched an email link or image: a person's mail client or browser, or a machine
 * acting before (or instead of) the person. Machine hits are still recorded, under their
 * own event category, so the default configuration can give them 0 points and a report
 * can count them; they never count as engagement by default.
 *
 * - `proxy`: a mail-privacy or image proxy fetched the image. Apple Mail Privacy
 *   Protection prefetches every image when the message is delivered, whether or not it is
 *   opened; Gmail and Yahoo fetch through their proxies. The open cannot be attributed to
 *   a person's attention. Only opens (images) are classified as proxies.
 * - `scanner`: a security gateway, link scanner or other bot (Proofpoint, Mimecast,
 *   Barracuda, Microsoft Safe Links, ...), a HEAD request, or no User-Agent at all.
 */
export type MailAgent = "person" | "proxy" | "scanner";

export interface HitRequest {
  method: string;
  userAgent: string | undefined;
  /** Autonomous system number of the client (Cloudflare's `request.cf.asn`). */
  asn?: number | undefined;
}

export interface AgentVerdict {
  agent: MailAgent;
  /** Which rule flagged the hit; null for a person. Stored with the event. */
  reason: string | null;
}

/** Apple Inc. Apple Mail Privacy Protection fetches images from Apple's own network. */
export const APPLE_ASN = 714;

/** Image proxies, matched on the User-Agent. Checked before isbot, which also flags them. */
const PROXY_SIGNATURES: [reason: string, pattern: RegExp][] = [
  ["gmail-image-proxy", /GoogleImageProxy|ggpht\.com/i],
  ["yahoo-mail-proxy", /YahooMailProxy/i],
  // Apple MPP's prefetcher sends a bare "Mozilla/5.0" with no platform or engine token.
  ["apple-mpp", /^Mozilla\/5\.0$/],
];

/**
 * Security gateways and link scanners that say who they are. Most also match isbot; the
 * list keeps them flagged whatever isbot's next release says. Scanners that imitate a
 * browser exactly (Safe Links detonation in a real Chrome, for example) cannot be told
 * apart by their request alone.
 */
const SCANNER_SIGNATURES: [reason: string, pattern: RegExp][] = [
  ["proofpoint", /proofpoint|urldefense/i],
  ["mimecast", /mimecast/i],
  ["barracuda", /barracuda/i],
  ["microsoft-safe-links", /safelinks|safe ?links/i],
  ["symantec", /symantec|messagelabs/i],
  ["cisco-ironport", /ironport/i],
  ["trend-micro", /trend ?micro/i],
  ["forcepoint", /forcepoint|websense/i],
  ["sophos", /sophos/i],
];

/** Classifies one hit on `/r/<token>` (`click`) or `/i/<token>` (`open`). */
export function classifyMailAgent(hit: "click" | "open", request: HitRequest): AgentVerdict {
  const ua = request.userAgent?.trim() ?? "";
  // A person's click or image load is a GET; gateways often check a link with HEAD first.
  if (request.method.toUpperCase() === "HEAD") return { agent: "scanner", reason: "head-request" };
  if (!ua) return { agent: "scanner", reason: "no-user-agent" };
  if (hit === "open") {
    if (request.asn === APPLE_ASN) return { agent: "proxy", reason: "apple-mpp" };
    for (const [reason, pattern] of PROXY_SIGNATURES) if (pattern.test(ua)) return { agent: "proxy", reason };
  }
  for (const [reason, pattern] of SCANNER_SIGNATURES) if (pattern.test(ua)) return { agent: "scanner", reason };
  if (isbot(ua)) return { agent: "scanner", reason: "bot" };
  return { agent: "person", reason: null };
}
