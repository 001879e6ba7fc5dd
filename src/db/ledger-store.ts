import { sql, type SQL } from "drizzle-orm";
import type { LeadInput } from "../domain/facts";
import { parseStoredTraits } from "../domain/traits";
import type { Cause, LedgerState, Transition } from "../domain/review-at";
import { d1Batch, rows, run, runBatch, step, type Step } from "./batch";
import { rollupStatements, type PlannedContact } from "./account-rollup-sql";
import { ACCOUNT_LINK, accountOf } from "./account-sql";
import { toLoaded, type LeadRow } from "./lead-rows";

/**
 * The segment ledger's SQL (`lead_segments`, `segment_transitions`; src/app/segment-ledger.ts).
 * Writes are compare-and-set on `lead_segments.revision`: a review writes only if nothing
 * (another review, a write's mark) changed the row since it read it.
 */

/** Deletes a lead's ledger, holdout and routing rows; `lead` is the SQL after `lead_id` (`= ?` or `IN (...)`), in the caller's batch. */
export function deleteLedger(lead: SQL, when: SQL = sql`1`): SQL[] {
  return [
    sql`DELETE FROM holdout_assignments WHERE lead_id ${lead} AND ${when}`,
    // Its account's rollup forgets it at the next review batch (the cron's, within a minute),
    // which recomputes every rollup flagged so (src/db/account-rollup-sql.ts).
    sql`UPDATE account_rollups SET computed_at = 0 WHERE domain IN (SELECT domain FROM account_contacts WHERE lead_id ${lead} AND ${when})`,
    sql`DELETE FROM account_contacts WHERE lead_id ${lead} AND ${when}`,
    sql`DELETE FROM routing_attempts WHERE delivery_id IN (SELECT id FROM routing_deliveries WHERE lead_id ${lead} AND ${when})`,
    sql`DELETE FROM routing_deliveries WHERE lead_id ${lead} AND ${when}`,
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
  return markEach(sql`SELECT ${lead} AS id`, cause, now);
}

/** markForReview for every lead a query selects (`SELECT ... AS id`), in one statement: an account's leads. */
export function markEach(leads: SQL, cause: Cause, now: number): SQL {
  // An event's own change is dated by the walk (the event's time); any other cause outranks
  // it, and among those the first since the last review is kept, with its time.
  const takes = sql.raw("(pending_cause IS NULL OR (pending_cause = 'event' AND excluded.pending_cause <> 'event'))");
  return sql`INSERT INTO lead_segments (lead_id, review_at, pending_cause, pending_at, revision)
    SELECT m.id, ${now}, ${cause}, ${now}, lower(hex(randomblob(8))) FROM (${leads}) m WHERE m.id IS NOT NULL
    ON CONFLICT (lead_id) DO UPDATE SET review_at = min(coalesce(review_at, excluded.review_at), excluded.review_at),
      pending_at = CASE WHEN ${takes} THEN excluded.pending_at ELSE pending_at END,
      pending_cause = CASE WHEN ${takes} THEN excluded.pending_cause ELSE pending_cause END, revision = excluded.revision`;
}

/**
 * Before a traits write, in its batch: keeps the lead's traits as they were, when this write
 * is the first change without a time since the last review (an earlier one keeps its own).
 */
export function keepPriorTraits(lead: SQL): SQL {
  return keepEachPriorTraits(sql`= ${lead}`);
}

/** The same for many leads: `leads` is the SQL after `lead_id` (`= ?` or `IN (...)`). */
export function keepEachPriorTraits(leads: SQL): SQL {
  return sql`UPDATE lead_segments SET prior_traits = (SELECT traits FROM leads WHERE id = lead_segments.lead_id)
    WHERE lead_id ${leads} AND (pending_cause IS NULL OR pending_cause = 'event')`;
}

/** A lead's ledger row as a review needs it: what is recorded, and the revision to compare-and-set on. */
export interface LedgerMark {
  state: LedgerState & { configVersion: number | null };
  revision: string;
}

export interface LedgerRead extends LedgerMark {
  leadId: string;
  lead: LeadInput;
}

interface SegmentRow {
  lead_id: string;
  segment_id: string | null;
  since: number | null;
  config_version: number | null;
  evaluated_at: number | null;
  review_at: number | null;
  pending_cause: Cause | null;
  pending_at: number | null;
  prior_traits: string | null;
  revision: string;
}

const SEGMENT_COLUMN_LIST = "lead_id, segment_id, since, config_version, evaluated_at, review_at, pending_cause, pending_at, prior_traits, revision";
const SEGMENT_COLUMNS = sql.raw(SEGMENT_COLUMN_LIST);

function toMark(row: SegmentRow | undefined): LedgerMark {
  return {
    revision: row?.revision ?? "",
    state: {
      segmentId: row?.segment_id ?? null,
      since: row?.since ?? null,
      configVersion: row?.config_version ?? null,
      evaluatedAt: row?.evaluated_at ?? null,
      pendingCause: row?.pending_cause ?? null,
      pendingAt: row?.pending_at ?? null,
      priorTraits: row?.prior_traits ? parseStoredTraits(row.prior_traits) : null,
      reviewAt: row?.review_at ?? null,
    },
  };
}

/**
 * The lead's ledger row as one column of a SELECT on `leads` (`ledger`), for a write whose mark
 * the events trigger made (migrations/0025): read back in the write's own lead SELECT, after it.
 */
export const LEDGER_COLUMN = sql.raw(`(SELECT json_array(${SEGMENT_COLUMN_LIST}) FROM lead_segments WHERE lead_id = leads.id) AS ledger`);

/** The `ledger` column's row; null when the lead has no ledger row (it stored no event and was never reviewed). */
export function ledgerOfColumn(column: string | null | undefined): LedgerMark | null {
  if (!column) return null;
  const [lead_id, segment_id, since, config_version, evaluated_at, review_at, pending_cause, pending_at, prior_traits, revision] = JSON.parse(column) as unknown[];
  return toMark({ lead_id, segment_id, since, config_version, evaluated_at, review_at, pending_cause, pending_at, prior_traits, revision } as SegmentRow);
}

/**
 * The write's mark as a step that also answers the ledger row after it (RETURNING): what
 * the write path compares its own evaluation with, in the same round trip. Null when the
 * lead does not exist.
 */
export function markAndRead(lead: SQL, cause: Cause, now: number): Step<LedgerMark | null> {
  return step(sql`${markForReview(lead, cause, now)} RETURNING ${SEGMENT_COLUMNS}`, (r) => {
    const row = (r.results as SegmentRow[] | undefined)?.[0];
    return row ? toMark(row) : null;
  });
}

export interface ReviewWrite {
  segmentId: string;
  since: number;
  evaluatedAt: number;
  reviewAt: number | null;
  transitions: Transition[];
}

/** How a batch of reviews is written (LedgerStore.writeReviews). */
export interface ReviewWriteOptions {
  /** Leads due for review that no longer exist: their ledger rows are deleted. */
  gone?: string[];
  now?: number;
  /** Routing's quiet period (ms) for the deliveries planned. */
  quietMs?: number;
  /** Whether a changed account rollup marks the account's other leads for review (some condition reads `account.*`). */
  marksAccountLeads?: boolean;
}

/** One lead's review to write: its plan, and the revision it was planned on. */
export interface PlannedReview {
  leadId: string;
  revision: string;
  plan: ReviewWrite;
  /** Routing's deliveries of its transitions (src/app/routing.ts), written with them. */
  deliveries?: PlannedDelivery[];
  /** Holdout arms of the segments it entered (src/domain/holdout.ts); a lead's first arm in a segment is kept. */
  holdouts?: PlannedHoldout[];
  /** Its row among its account's contacts (src/db/account-rollup-sql.ts); null: none. */
  contact?: PlannedContact | null;
}

export interface PlannedHoldout {
  segment: string;
  arm: "control" | "treatment";
  salt: string;
  share: number;
  at: number;
}

/** A delivery to write with a review's transitions; `rank`: 0 for the review's first change to its destination, 1 for the second... */
export interface PlannedDelivery {
  id: string;
  destination: string;
  rule: number;
  pool: string[] | null;
  from: string | null;
  to: string;
  cause: string;
  at: number;
  rank: number;
}

/**
 * The planned deliveries of the reviews whose compare-and-set took, of known leads only (an
 * anonymous lead, or a browser's unverified claim, never routes). A change is sent now,
 * unless it is a flap: it takes the lead back to where the last delivery to that destination
 * (within the quiet period) came from, or a held one is already waiting. A flap is held, one
 * row per lead and destination, which later flaps update; when the period ends the sweep
 * sends the net change since the last delivery, or nothing when the lead is back there.
 * One statement per `rank` (a review's first, second, later change to a destination), so
 * each sees the rows the one before wrote; a third or later change of one review is held.
 */
function insertDeliveries(each: SQL, configVersion: number, now: number, quietMs: number, rank: number): SQL {
  const lead = sql.raw("p.value ->> 'lead'");
  const destination = sql.raw("d.value ->> 'destination'");
  const last = sql`(SELECT r.sent_at, r.from_segment, r.to_segment FROM routing_deliveries r
    WHERE r.lead_id = ${lead} AND r.destination = ${destination} AND r.status NOT IN ('held', 'dropped')
    ORDER BY r.sent_at DESC LIMIT 1)`;
  const waiting = sql`EXISTS (SELECT 1 FROM routing_deliveries h WHERE h.lead_id = ${lead} AND h.destination = ${destination} AND h.status = 'held')`;
  const flap = sql`coalesce((SELECT sent_at > ${now - quietMs} AND from_segment IS d.value ->> 'to' FROM ${last}), 0)`;
  const held = rank >= 2 ? sql`1` : sql`(${waiting} OR ${flap})`;
  return sql`INSERT INTO routing_deliveries (id, lead_id, destination, from_segment, to_segment, cause, at, config_version, rule, pool,
      status, next_at, enqueued_at, created_at, sent_at)
    SELECT d.value ->> 'id', ${lead}, ${destination},
      CASE WHEN ${held} THEN coalesce((SELECT to_segment FROM ${last}), d.value ->> 'from') ELSE d.value ->> 'from' END,
      d.value ->> 'to', d.value ->> 'cause', d.value ->> 'at', ${configVersion}, d.value ->> 'rule',
      CASE WHEN d.value ->> 'pool' IS NULL THEN NULL ELSE d.value -> 'pool' END,
      CASE WHEN ${held} THEN 'held' ELSE 'pending' END,
      CASE WHEN ${held} THEN coalesce((SELECT sent_at FROM ${last}), ${now}) + ${quietMs} ELSE ${now} END,
      ${now}, ${now}, CASE WHEN ${held} THEN NULL ELSE ${now} END
    FROM ${each}, json_each(p.value -> 'deliveries') d
    WHERE min(d.value ->> 'rank', 2) = ${rank}
      AND (SELECT revision FROM lead_segments WHERE lead_id = ${lead}) = p.value ->> 'next'
      AND EXISTS (SELECT 1 FROM leads WHERE id = ${lead} AND email IS NOT NULL)
    ORDER BY p.key, d.key
    ON CONFLICT (lead_id, destination) WHERE status = 'held'
      DO UPDATE SET to_segment = excluded.to_segment, cause = excluded.cause, at = excluded.at,
        config_version = excluded.config_version, rule = excluded.rule, pool = excluded.pool`;
}

/** Leads a sweep batch reads at once, by an SQL list of their ids. */
function readLeads(ids: SQL) {
  return {
    // The lead with its account, as the hot path reads it (src/db/store.ts selectLead), so the
    // ledger records the segment the lead is served.
    leads: rows<LeadRow>(sql`SELECT id, traits, claimed_traits, email IS NOT NULL AS identified,
      ${accountOf(sql`leads.account_domain`)} AS account, ${ACCOUNT_LINK} AS account_link FROM leads WHERE id IN ${ids}`),
    activity: rows<{ lead_id: string; key: string; total: number; recent: string }>(
      sql`SELECT lead_id, key, total, recent FROM lead_activity WHERE lead_id IN ${ids}`,
    ),
    segments: rows<SegmentRow>(sql`SELECT ${SEGMENT_COLUMNS} FROM lead_segments WHERE lead_id IN ${ids}`),
  };
}

export class LedgerStore {
  constructor(private readonly d1: D1Database) {}

  /** A lead (by an SQL expression for its id) with its ledger row; null when the lead does not exist. */
  async read(lead: SQL): Promise<LedgerRead | null> {
    return (await this.readMany(sql`(${lead})`))[0] ?? null;
  }

  /**
   * The leads due for review at `now` (their computed `reviewAt`, or a write's mark), soonest
   * first, at most `limit`, each with its ledger row, in one round trip (by
   * `lead_segments_review_at`), and `due`: the ids found, including leads that no longer exist.
   */
  async readDue(now: number, limit: number): Promise<{ due: string[]; reads: LedgerRead[] }> {
    const ids = sql`(SELECT lead_id FROM lead_segments WHERE review_at <= ${now} ORDER BY review_at, lead_id LIMIT ${limit})`;
    const { due, ...read } = await runBatch(this.d1, { due: rows<{ lead_id: string }>(sql`SELECT lead_id FROM ${ids}`), ...readLeads(ids) });
    return { due: due.map((r) => r.lead_id), reads: assemble(read) };
  }

  /** Leads by id with their ledger rows, in one round trip (leads that no longer exist are left out). */
  async readIds(ids: string[]): Promise<LedgerRead[]> {
    return this.readMany(sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  }

  private async readMany(ids: SQL): Promise<LedgerRead[]> {
    return assemble(await runBatch(this.d1, readLeads(ids)));
  }

  /**
   * Writes reviews in one round trip, each only if its row still holds the revision it was
   * planned on (compare-and-set): the recorded segment, the next review time, and the
   * transitions, inserted only for the rows whose compare-and-set took. Forgets the ledger
   * rows of `gone` leads (erased or merged away since they became due). Answers the lead ids
   * written.
   */
  async writeReviews(reviews: PlannedReview[], configVersion: number, options: ReviewWriteOptions = {}): Promise<Set<string>> {
    const { gone = [], now = Date.now(), quietMs = 0, marksAccountLeads = true } = options;
    const planned = JSON.stringify(
      reviews.map(({ leadId, revision, plan, deliveries, holdouts, contact }) => ({
        lead: leadId, revision, next: crypto.randomUUID(), segment: plan.segmentId, since: plan.since,
        evaluated: plan.evaluatedAt, review: plan.reviewAt, transitions: plan.transitions, deliveries: deliveries ?? [], holdouts: holdouts ?? [],
        contact: contact ?? null,
      })),
    );
    const touched = JSON.stringify([...new Set(reviews.flatMap((r) => (r.contact ? [r.contact.domain] : [])))]);
    const forgotten = JSON.stringify(gone);
    const each = sql`json_each(${planned}) p`;
    // Statements that can do nothing for these reviews are left out (a review after a write's
    // response has its mark's row, at least one transition, and nothing gone): each one costs
    // the batch a statement's work even when it matches no row.
    const { written } = await runBatch(this.d1, {
      // A lead reviewed for the first time (no mark: an old lead) gets its row here.
      create: reviews.every((r) => r.revision !== "") ? [] : run(sql`INSERT OR IGNORE INTO lead_segments (lead_id, revision)
        SELECT p.value ->> 'lead', '' FROM ${each} WHERE p.value ->> 'revision' = '' AND EXISTS (SELECT 1 FROM leads WHERE id = p.value ->> 'lead')`),
      written: rows<{ lead_id: string }>(sql`UPDATE lead_segments SET segment_id = p.value ->> 'segment', since = p.value ->> 'since',
          config_version = ${configVersion}, evaluated_at = p.value ->> 'evaluated', review_at = p.value ->> 'review', pending_cause = NULL, pending_at = NULL, prior_traits = NULL,
          revision = p.value ->> 'next'
        FROM ${each} WHERE lead_segments.lead_id = p.value ->> 'lead' AND lead_segments.revision = p.value ->> 'revision'
        RETURNING lead_segments.lead_id`),
      transitions: reviews.every((r) => r.plan.transitions.length === 0) ? [] : run(sql`INSERT INTO segment_transitions (lead_id, from_segment, to_segment, at, cause, config_version)
        SELECT p.value ->> 'lead', t.value ->> 'from', t.value ->> 'to', t.value ->> 'at', t.value ->> 'cause', ${configVersion}
        FROM ${each}, json_each(p.value -> 'transitions') t
        WHERE (SELECT revision FROM lead_segments WHERE lead_id = p.value ->> 'lead') = p.value ->> 'next'
        ORDER BY p.key, t.key`),
      // Routing's outbox, in the transitions' batch and under their compare-and-set.
      deliveries: reviews.some((r) => r.deliveries?.length) ? [0, 1, 2].map((rank) => run(insertDeliveries(each, configVersion, now, quietMs, rank))) : [],
      // Holdout assignments, likewise: a lead's arm in a segment is its first (sticky).
      holdouts: reviews.some((r) => r.holdouts?.length)
        ? [run(sql`INSERT OR IGNORE INTO holdout_assignments (lead_id, segment_id, arm, salt, share, assigned_at)
            SELECT p.value ->> 'lead', h.value ->> 'segment', h.value ->> 'arm', h.value ->> 'salt', h.value ->> 'share', h.value ->> 'at'
            FROM ${each}, json_each(p.value -> 'holdouts') h
            WHERE (SELECT revision FROM lead_segments WHERE lead_id = p.value ->> 'lead') = p.value ->> 'next'`)]
        : [],
      // Account rollups, likewise (after the compare-and-set above).
      accounts: rollupStatements(each, (lead) => sql`(SELECT revision FROM lead_segments WHERE lead_id = ${lead}) = p.value ->> 'next'`, touched, now, marksAccountLeads).map(run),
      forget: gone.length === 0 ? [] : deleteLedger(sql`IN (SELECT value FROM json_each(${forgotten}))`, sql`NOT EXISTS (SELECT 1 FROM leads WHERE id = lead_id)`).map(run),
    });
    return new Set(written.map((r) => r.lead_id));
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
}

/** Reads of many leads, put together per lead (leads that no longer exist are left out). */
function assemble(read: {
  leads: LeadRow[];
  activity: { lead_id: string; key: string; total: number; recent: string }[];
  segments: SegmentRow[];
}): LedgerRead[] {
  const activity = new Map<string, typeof read.activity>();
  for (const row of read.activity) activity.set(row.lead_id, [...(activity.get(row.lead_id) ?? []), row]);
  const segments = new Map(read.segments.map((row) => [row.lead_id, row]));
  return read.leads.map((lead) => {
    const loaded = toLoaded([[lead], activity.get(lead.id) ?? []]);
    return { leadId: lead.id, lead: loaded, ...toMark(segments.get(lead.id)) };
  });
}
