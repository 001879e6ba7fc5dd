import { hmacSha256 } from "./tokens";

/**
 * Erase and export (GDPR articles 17 and 15): what the audit trail keeps of an email. No I/O.
 */

/**
 * What the audit trail keeps of an email: hex HMAC-SHA256 under LF_LINK_SECRET of
 * `privacy|<email>` (the email trimmed and lower-cased, as every route takes it). A plain
 * SHA-256 would not do: anyone holding the table could hash a list of candidate addresses
 * and find the ones that were erased. With the secret, the operator can still answer "was
 * ada@example.com erased, and when?" by computing the same value. Rotating the secret
 * (which also retires every email link) makes older rows unmatchable.
 */
export async function emailAuditHash(secret: string, email: string): Promise<string> {
  const mac = await hmacSha256(secret, `privacy|${email}`);
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}
