import { sql, type SQL } from "drizzle-orm";
import type { LeadInput } from "../domain/facts";
import type { Cause, LedgerState, Transition } from "../domain/review-at";
import { d1Batch, d1BatchResults } from "./batch";
import { toLoaded } from "./store";

/**
 * The segment ledger's SQL (`lead_segments`, `segment_transitions`; src/app/segment-ledger.ts).
 * Writes are compare-and-set on `lead_segments.revision`: a review writes only if nothing
 * (another review, a write's mark) changed the row since it read it.
 */

/** Deletes a lead's ledger rows; `lead` is the SQL after `lead_id` (`= ?` or `IN (...)`), in the caller's batch. */
export function deleteLedger(lead: SQL, when: SQL = sql`1`): SQL[] {
  return [
    sql`DELETE FROM lead_segments WHERE lead_id ${lead} AND ${when}`,
    sql`DELETE FROM segment_transitions WHERE lead_id ${lead} AND ${when}`,
  ];
}

/**
 * A write's mark, one statement in the write's own batch: the lead is due for review now, with
 * this cause (the first cause since the last review is kept), and holds a new revision, so a
 * review that read the row before the write does not write over it. Lost work after the
 * response is therefore never lost data: the sweep reviews every due lead.
 */
export function markForReview(lead: SQL, cause: Cause, now: number): SQL {
  return sql`INSERT INTO lead_segments (lead_id, review_at, pending_cause, revision)
    SELECT ${lead}, ${now}, ${cause}, lower(hex(randomblob(8))) WHERE ${lead} IS NOT NULL
    ON CONFLICT (lead_id) DO UPDATE SET review_at = min(coalesce(review_at, excluded.review_at), excluded.review_at),
      pending_cause = coalesce(pending_cause, excluded.pending_cause), revision = excluded.revision`;
}

export interface LedgerRead {
  leadId: string;
  lead: LeadInput;
  state: LedgerState & { configVersion: number | null };
  revision: string;
}

interface SegmentRow {
  segment_id: string | null;
  since: number | null;
  config_version: number | null;
  evaluated_at: number | null;
  review_at: number | null;
  pending_cause: Cause | null;
  revision: string;
}

export interface ReviewWrite {
  segmentId: string;
  since: number;
  evaluatedAt: number;
  reviewAt: number | null;
  transitions: Transition[];
}

export class LedgerStore {
  constructor(private readonly d1: D1Database) {}

  /** A lead (by an SQL expression for its id) with its ledger row; null when the lead does not exist. */
  async read(lead: SQL): Promise<LedgerRead | null> {
    const [leads, activity, segments] = await d1Batch(this.d1, [
      sql`SELECT id, traits FROM leads WHERE id = ${lead}`,
      sql`SELECT key, total, recent FROM lead_activity WHERE lead_id = ${lead}`,
      sql`SELECT segment_id, since, config_version, evaluated_at, review_at, pending_cause, revision FROM lead_segments WHERE lead_id = ${lead}`,
    ]);
    const loaded = toLoaded([leads, activity]);
    if (loaded.leadId === null) return null;
    const row = segments![0] as SegmentRow | undefined;
    return {
      leadId: loaded.leadId,
      lead: loaded,
      revision: row?.revision ?? "",
      state: {
        segmentId: row?.segment_id ?? null,
        since: row?.since ?? null,
        configVersion: row?.config_version ?? null,
        evaluatedAt: row?.evaluated_at ?? null,
        pendingCause: row?.pending_cause ?? null,
        reviewAt: row?.review_at ?? null,
      },
    };
  }

  /**
   * Writes a review in one batch if the row still holds `revision`: the recorded segment, the
   * next review time, and the transitions (inserted only when the compare-and-set took).
   * Answers whether it took. A lead erased meanwhile gets no row back.
   */
  async write(leadId: string, revision: string, review: ReviewWrite, configVersion: number): Promise<boolean> {
    const next = crypto.randomUUID();
    const steps = JSON.stringify(review.transitions);
    const results = await d1BatchResults(this.d1, [
      sql`INSERT OR IGNORE INTO lead_segments (lead_id) SELECT id FROM leads WHERE id = ${leadId}`,
      sql`UPDATE lead_segments SET segment_id = ${review.segmentId}, since = ${review.since}, config_version = ${configVersion},
          evaluated_at = ${review.evaluatedAt}, review_at = ${review.reviewAt}, pending_cause = NULL, revision = ${next}
        WHERE lead_id = ${leadId} AND revision = ${revision}`,
      sql`INSERT INTO segment_transitions (lead_id, from_segment, to_segment, at, cause, config_version)
        SELECT ${leadId}, t.value ->> 'from', t.value ->> 'to', t.value ->> 'at', t.value ->> 'cause', ${configVersion}
        FROM json_each(${steps}) t WHERE (SELECT revision FROM lead_segments WHERE lead_id = ${leadId}) = ${next}
        ORDER BY t.key`,
    ]);
    return results[1]!.meta.changes === 1;
  }

  /** Up to `limit` leads due for review at `now`, soonest first (by `lead_segments_review_at`). */
  async due(now: number, limit: number): Promise<string[]> {
    const [rows] = await d1Batch(this.d1, [
      sql`SELECT lead_id FROM lead_segments WHERE review_at <= ${now} ORDER BY review_at LIMIT ${limit}`,
    ]);
    return (rows as { lead_id: string }[]).map((r) => r.lead_id);
  }

  /**
   * A lead's recorded segment and its changes before `before` (epoch ms), newest first, at most
   * `limit`; null when no lead has the email.
   */
  async history(lead: SQL, limit: number, before: number | null) {
    const [found, rows, steps] = await d1Batch(this.d1, [
      sql`SELECT id FROM leads WHERE id = ${lead}`,
      sql`SELECT segment_id AS id, since, config_version AS configVersion, review_at AS reviewAt FROM lead_segments WHERE lead_id = ${lead}`,
      sql`SELECT from_segment AS "from", to_segment AS "to", at, cause, config_version AS configVersion FROM segment_transitions
        WHERE lead_id = ${lead} AND at < ${before ?? Number.MAX_SAFE_INTEGER} ORDER BY at DESC, id DESC LIMIT ${limit}`,
    ]);
    if (found!.length === 0) return null;
    type Current = { id: string | null; since: number | null; configVersion: number | null; reviewAt: number | null };
    type Step = { from: string | null; to: string; at: number; cause: string; configVersion: number };
    return { current: (rows![0] as Current | undefined) ?? null, history: steps as Step[] };
  }

  /** Forgets the ledger row of a lead that no longer exists (so it is not due forever). */
  async forget(leadId: string): Promise<void> {
    await d1Batch(this.d1, deleteLedger(sql`= ${leadId}`, sql`NOT EXISTS (SELECT 1 FROM leads WHERE id = ${leadId})`));
  }
}
