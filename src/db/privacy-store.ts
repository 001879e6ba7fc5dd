import { sql, type SQL } from "drizzle-orm";
import { d1Batch } from "./batch";
import { leadOfEmail } from "./store";

/** One `privacy_requests` row (see ./schema.ts): who asked for what about which email hash, when. */
export interface PrivacyAudit {
  id: string;
  emailHash: string;
  actor: string;
  at: number;
}

/**
 * Erase and export of one lead (GDPR articles 17 and 15). Each method is one batch, so D1
 * runs it as one transaction together with its audit row; every statement finds the lead
 * in SQL by its email, so a write racing the erase lands either before it (and is erased)
 * or after it (and finds no lead to add to: a new event for the email starts a new lead).
 */
export class PrivacyStore {
  constructor(private readonly d1: D1Database) {}

  /**
   * Deletes the lead with this email and every row about it: events, aggregates, visitors,
   * the `lead_merges` rows pointing to it (so email links minted for leads merged into it
   * resolve to nothing) or from it. Events another lead recorded through one of its browsers
   * (a shared laptop that later identified as this person) stay that lead's, without the
   * browser id. Returns whether there was a lead; the audit row says the same.
   */
  async erase(email: string, audit: PrivacyAudit): Promise<boolean> {
    const L = leadOfEmail(email);
    const results = await d1Batch(this.d1, [
      auditRow("erase", audit, L),
      sql`DELETE FROM events WHERE lead_id = ${L}`,
      // No index on visitor_id (it would cost every insert): an erase is rare, a scan is fine.
      sql`UPDATE events SET visitor_id = NULL WHERE visitor_id IN (SELECT id FROM visitors WHERE lead_id = ${L})`,
      sql`DELETE FROM lead_activity WHERE lead_id = ${L}`,
      sql`DELETE FROM visitors WHERE lead_id = ${L}`,
      sql`DELETE FROM lead_merges WHERE into_id = ${L} OR from_id = ${L}`,
      // Last: every statement above finds the lead through this row.
      sql`DELETE FROM leads WHERE email = ${email} RETURNING id`,
    ]);
    return results.at(-1)!.length > 0;
  }
}

/** The audit row, inserted first in the batch: `found` is whether the lead existed before the request's work. */
function auditRow(action: "erase" | "export", audit: PrivacyAudit, lead: SQL): SQL {
  return sql`INSERT INTO privacy_requests (id, action, email_hash, found, actor, at)
    SELECT ${audit.id}, ${action}, ${audit.emailHash}, ${lead} IS NOT NULL, ${audit.actor}, ${audit.at}`;
}
