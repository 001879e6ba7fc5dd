import type { Context } from "hono";
import type { PrivacyAudit } from "../db/privacy-store";
import { emailAuditHash } from "../domain/privacy";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/**
 * The audit row of an erase or export request. Without LF_LINK_SECRET the email could
 * only be kept in a guessable form, so the request is refused (503) rather than audited so.
 */
export async function privacyAudit(c: Context<AppEnv>, email: string): Promise<PrivacyAudit> {
  const secret = c.env.LF_LINK_SECRET;
  if (!secret) throw new ApiError(503, "not_configured", "LF_LINK_SECRET is not set: the request cannot be audited without keeping the email.");
  // The one credential the server API has; a named key when keys are scoped.
  return { id: crypto.randomUUID(), emailHash: await emailAuditHash(secret, email), actor: "LF_API_KEY", at: c.var.now };
}
