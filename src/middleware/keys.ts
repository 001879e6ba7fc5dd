import { ApiError } from "../errors";

/**
 * The configured keys and how a presented key is compared with them. Every key variable
 * may list several comma-separated keys, so a key is rotated without downtime: add the new
 * one, move the callers to it, remove the old one.
 */

/** `"a, b,,c"` → `["a", "b", "c"]`: blanks are no key (an empty variable accepts nothing). */
export function keyList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((key) => key.trim()).filter(Boolean);
}

export interface AdminToken {
  /** Who uses it: the author of every change made with it. */
  name: string;
  token: string;
}

let parsedAdminTokens: { source: string; tokens: AdminToken[] } | undefined;

/**
 * `LF_ADMIN_TOKENS="ada:tok1,ops:tok2"`, plus the deprecated single `LF_ADMIN_TOKEN`, named
 * `admin`. An entry without a name (or without a token) is ignored and logged, never
 * accepted: a change made with it could not say who made it.
 */
export function adminTokens(env: Pick<Cloudflare.Env, "LF_ADMIN_TOKENS" | "LF_ADMIN_TOKEN">): AdminToken[] {
  const legacy = (env.LF_ADMIN_TOKEN ?? "").trim();
  const source = `${env.LF_ADMIN_TOKENS ?? ""}\n${legacy}`;
  if (parsedAdminTokens?.source === source) return parsedAdminTokens.tokens;
  const tokens: AdminToken[] = [];
  keyList(env.LF_ADMIN_TOKENS).forEach((entry, index) => {
    const colon = entry.indexOf(":");
    const [name, token] = [entry.slice(0, Math.max(colon, 0)).trim(), entry.slice(colon + 1).trim()];
    if (name && token) tokens.push({ name, token });
    else console.error(`LF_ADMIN_TOKENS: entry ${index + 1} is not name:token, so it is ignored`);
  });
  if (legacy) tokens.push({ name: "admin", token: legacy });
  parsedAdminTokens = { source, tokens };
  return tokens;
}

/**
 * The index of the candidate equal to `presented`, or -1. Both sides are hashed first, so
 * the comparison also hides the lengths, and every candidate is compared whatever matched
 * before: the time taken says neither which key matched nor whether one did.
 */
export async function matchingKey(presented: string, candidates: readonly string[]): Promise<number> {
  const encoder = new TextEncoder();
  const [digest, ...digests] = await Promise.all([presented, ...candidates].map((key) => crypto.subtle.digest("SHA-256", encoder.encode(key))));
  let found = -1;
  digests.forEach((candidate, index) => {
    const equal = crypto.subtle.timingSafeEqual(digest!, candidate);
    found = equal && found < 0 ? index : found;
  });
  return found;
}

/** The ESP key presented anywhere but the email content routes. */
export const espKeyForbidden = () =>
  new ApiError(403, "forbidden", "This key (LF_ESP_KEY) may only read email content; this endpoint takes another key.");

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/** The password of `Authorization: Basic base64(user:password)`; null when absent or malformed. */
export function basicPassword(header: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? "");
  if (!match) return null;
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(match[1]!), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
  // The user name is ignored, whatever its encoding; only the password must be UTF-8.
  const colon = bytes.indexOf(0x3a);
  if (colon < 0 || colon === bytes.length - 1) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes.subarray(colon + 1));
  } catch {
    return null;
  }
}
