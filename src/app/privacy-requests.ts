import type { PrivacyStore } from "../db/privacy-store";
import { EXPORT_FROM_START, EXPORT_PAGE_MAX, emailAuditHash, exportDocument, readExportCursor } from "../domain/privacy";
import { ApiError } from "../errors";
import { newDeliveryId } from "./routing";

/**
 * Erase and export (GDPR articles 17 and 15), whoever asks: the server API (`LF_API_KEY`) or
 * an admin in the console (`admin:<name>`). `actor` is what the audit row says asked.
 */
export interface PrivacyRequester {
  privacy: PrivacyStore;
  /** LF_LINK_SECRET: the audit keeps an HMAC of the email under it, never the email. */
  secret: string | undefined;
  actor: string;
  now: number;
  /** Webhook destinations told `lead.erased` (routing's live ones), and the queue for the notices. */
  erasureNotices?: { destinations: string[]; enqueue(ids: string[]): Promise<void> };
}

async function audit(requester: PrivacyRequester, email: string) {
  // Without the secret the email could only be kept in a guessable form: refused, not audited so.
  if (!requester.secret) throw new ApiError(503, "not_configured", "LF_LINK_SECRET is not set: the request cannot be audited without keeping the email.");
  return { id: crypto.randomUUID(), emailHash: await emailAuditHash(requester.secret, email), actor: requester.actor, at: requester.now };
}

export async function eraseLead(requester: PrivacyRequester, email: string): Promise<void> {
  const notices = (requester.erasureNotices?.destinations ?? []).map((destination) => ({ id: newDeliveryId(), destination }));
  const erased = await requester.privacy.erase(email, await audit(requester, email), notices);
  if (!erased) throw new ApiError(404, "not_found", "No lead has this email (already erased?).");
  if (notices.length > 0) await requester.erasureNotices!.enqueue(notices.map((n) => n.id));
}

export async function exportLead(requester: PrivacyRequester, email: string, page: { after?: string; limit?: number }) {
  const limit = page.limit ?? EXPORT_PAGE_MAX;
  const position = page.after === undefined ? EXPORT_FROM_START : readExportCursor(page.after);
  if (!position) {
    throw new ApiError(422, "validation_failed", "The query is not valid.", [{ path: "after", message: "not a `next` from an earlier page" }]);
  }
  const record = await requester.privacy.exportLead(email, position, limit, await audit(requester, email));
  if (!record) throw new ApiError(404, "not_found", "No lead has this email.");
  return exportDocument(record, limit, requester.now);
}
