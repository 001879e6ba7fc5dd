import { sql } from "drizzle-orm";
import type { TraitsPatch } from "../domain/traits";
import { rows, run, runBatch } from "./batch";
import { keepEachPriorTraits, markEach } from "./ledger-store";

/** One lead of a batch: its (normalized, unique) email, the traits to merge, the id it gets if new. */
export interface LeadSyncRow {
  email: string;
  traits: TraitsPatch;
  newLeadId: string;
}

/**
 * Bulk writes of trusted traits (a CRM sync, POST /v1/leads:batch). One method, one
 * `db.batch`: one round trip and one transaction, so a batch is written whole or not at all.
 * D1 binds at most 100 parameters per statement, so the rows go in as one JSON parameter
 * and every statement is set-based over `json_each` of it, whatever the number of rows.
 */
export class LeadSyncStore {
  constructor(private readonly d1: D1Database) {}

  /**
   * Merges each row's traits into the lead with its email (created if new; `null` removes a
   * trait), as PUT /v1/leads/{email} does for one: the previous traits kept for the ledger,
   * every lead marked for review (cause `traits`), so the sweep records its change of segment.
   * Emails must be unique within `leads`. Answers how many leads were created and updated.
   */
  async upsertTraits(leads: LeadSyncRow[], now: number): Promise<{ created: number; updated: number }> {
    const json = JSON.stringify(leads.map((l) => ({ email: l.email, traits: l.traits, id: l.newLeadId })));
    const emails = JSON.stringify(leads.map((l) => l.email));
    const sent = sql`json_each(${json}) r`;
    const existing = sql`(SELECT id FROM leads WHERE email IN (SELECT value FROM json_each(${emails})))`;
    const { updated, created } = await runBatch(this.d1, {
      prior: run(keepEachPriorTraits(sql`IN ${existing}`)),
      // Existing leads first: the patch itself (with its nulls) is merged into their traits...
      updated: rows(sql`UPDATE leads SET traits = json_patch(leads.traits, r.value -> 'traits'), updated_at = ${now}
        FROM ${sent} WHERE leads.email = r.value ->> 'email'
        RETURNING 1`),
      // ...then the new ones, which the update did not find (an existing email is left alone).
      created: rows(sql`INSERT INTO leads (id, email, traits, created_at, updated_at)
        SELECT r.value ->> 'id', r.value ->> 'email', json_patch('{}', r.value -> 'traits'), ${now}, ${now} FROM ${sent}
        WHERE NOT EXISTS (SELECT 1 FROM leads WHERE email = r.value ->> 'email')
        ON CONFLICT (email) DO NOTHING
        RETURNING 1`),
      mark: run(markEach(sql`SELECT id FROM ${existing}`, "traits", now)),
    });
    return { created: created.length, updated: updated.length };
  }
}
