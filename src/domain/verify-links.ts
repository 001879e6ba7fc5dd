import { signToken, verifyToken, type TokenPayload } from "./tokens";

/**
 * `lf_verify`: what a person's click on a signed email link adds to the page it lands on, so
 * that the browser it lands in is verified as the lead the email was sent to (issue 12).
 * Short-lived (the page reads it at once) and single use (LeadStore records its id: a
 * forwarded or logged URL verifies nobody else). Signed under LF_LINK_SECRET, with its own
 * purpose, so no other token stands in for it.
 */
export const VERIFY_PARAM = "lf_verify";
export const VERIFY_TTL_MS = 10 * 60_000;

interface VerifyPayload extends TokenPayload {
  exp: number;
  /** The lead the email was for. */
  l: string;
  /** The token's id: its single use. */
  j: string;
}

export function mintVerifyToken(secret: string, leadId: string, now: number): Promise<string> {
  return signToken(secret, "verify", { exp: Math.floor((now + VERIFY_TTL_MS) / 1000), l: leadId, j: crypto.randomUUID() });
}

/** The lead and token id of a genuine, unexpired token; null for anything else. */
export async function readVerifyToken(secret: string, token: string, now: number) {
  const payload = await verifyToken<VerifyPayload>(secret, "verify", token, now);
  if (!payload || typeof payload.l !== "string" || typeof payload.j !== "string") return null;
  return { leadId: payload.l, tokenId: payload.j, expiresAt: payload.exp * 1000 };
}

/** The landing URL with the parameter added, only for pages of the site itself. */
export function withVerifyParam(url: string, siteOrigin: string, token: string): string {
  const target = new URL(url);
  if (target.origin !== siteOrigin) return url;
  target.searchParams.set(VERIFY_PARAM, token);
  return target.toString();
}
