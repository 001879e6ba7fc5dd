import { sql } from "drizzle-orm";
import { d1BatchResults } from "./batch";
import { deleteLedger } from "./ledger-store";
import { uuidBytes } from "./uuid";

/** The retention sweep's row in `sweep_state`. */
const SWEEP = "retention";
/**
 * The cursor once the walk has passed the newest lead: after every `created_at`, so the walk
 * examines nothing more until the sweep rests (`rest`), which sets it back to the start.
 */
const END_OF_WALK = Number.MAX_SAFE_INTEGER;

/**
 * The SQL of the retention sweep (src/app/retention.ts). Every method is one D1 batch, one
 * transaction, deleting a bounded number of rows chosen in SQL inside that transaction, so
 * a request running meanwhile sees either all of a batch or none of it. No statement scans
 * a table: events are found through `events_ts`, anonymous leads through
 * `leads_anonymous_created`, everything else by key.
 */
export class RetentionStore {
  constructor(private readonly d1: D1Database) {}

  /** Before this time (epoch ms) the sweep has nothing to do; 0 when it never ran. */
  async resumeAt(): Promise<number> {
    const [result] = await d1BatchResults(this.d1, [sql`SELECT resume_at FROM sweep_state WHERE name = ${SWEEP}`]);
    return (result!.results[0] as { resume_at: number } | undefined)?.resume_at ?? 0;
  }

  /** Nothing left: runs before `until` do nothing, and the next walk starts from the oldest lead. */
  async rest(until: number): Promise<void> {
    await d1BatchResults(this.d1, [
      sql`INSERT INTO sweep_state (name, resume_at) VALUES (${SWEEP}, ${until})
        ON CONFLICT (name) DO UPDATE SET resume_at = excluded.resume_at, cursor_created_at = NULL, cursor_id = NULL`,
    ]);
  }

  /**
   * Deletes up to `limit` events with `ts < before`; answers how many. `events_ts` holds the
   * key beside the time, so the oldest `limit` keys are read from it alone (only rows to
   * delete are read), each deleted by its key, and what an earlier batch deleted is simply
   * gone: the next batch starts where this one stopped, with no cursor. Deleting events fires
   * nothing: `lead_activity` is left exactly as it was.
   */
  async deleteEventsBefore(before: number, limit: number): Promise<number> {
    const [result] = await d1BatchResults(this.d1, [
      sql`DELETE FROM events WHERE (lead_id, id) IN (
        SELECT lead_id, id FROM events WHERE ts < ${before} ORDER BY ts LIMIT ${limit})`,
    ]);
    return result!.meta.changes;
  }

  /**
   * Deletes up to `limit` segment transitions dated before `before` (the events' cutoff): a
   * kept lead's ledger history is bounded like its events. The lead's current segment and
   * since when (`lead_segments`) stay; reports over a period before the cutoff read nothing.
   * The oldest are found through `segment_transitions_at`.
   */
  async deleteTransitionsBefore(before: number, limit: number): Promise<number> {
    const [result] = await d1BatchResults(this.d1, [
      sql`DELETE FROM segment_transitions WHERE id IN (
        SELECT id FROM segment_transitions WHERE at < ${before} ORDER BY at LIMIT ${limit})`,
    ]);
    return result!.meta.changes;
  }

  /**
   * Deletes up to `limit` finished routing deliveries (delivered, dead, disabled, dropped,
   * cancelled) created before `before`, with their attempts: routing's log is bounded like
   * the transitions it announces. Pending and held ones stay whatever their age. Found
   * through `routing_deliveries_created`.
   */
  async deleteDeliveriesBefore(before: number, limit: number): Promise<number> {
    const old = sql`(SELECT id FROM routing_deliveries WHERE created_at < ${before} AND status NOT IN ('pending', 'held') ORDER BY created_at LIMIT ${limit})`;
    const [, result] = await d1BatchResults(this.d1, [
      sql`DELETE FROM routing_attempts WHERE delivery_id IN ${old}`,
      sql`DELETE FROM routing_deliveries WHERE id IN ${old}`,
    ]);
    return result!.meta.changes;
  }

  /**
   * Deletes up to `limit` daily points rows of days before `beforeDay` (days since the epoch):
   * the cap only reads today's, so yesterday's are kept for a day at most (by the day index);
   * and up to `limit` expired email-link verifications. Answers the larger count.
   */
  async deleteDailyPointsBefore(beforeDay: number, limit: number, now: number): Promise<number> {
    const [points, verifications] = await d1BatchResults(this.d1, [
      sql`DELETE FROM visitor_daily_points WHERE (visitor_id, day) IN (
        SELECT visitor_id, day FROM visitor_daily_points WHERE day < ${beforeDay} LIMIT ${limit})`,
      // Expired email-link verifications: their tokens are refused anyway.
      sql`DELETE FROM identity_verifications WHERE id IN (
        SELECT id FROM identity_verifications WHERE expires_at < ${now} LIMIT ${limit})`,
    ]);
    return Math.max(points!.meta.changes, verifications!.meta.changes);
  }

  /**
   * Examines the next `limit` anonymous leads created before `idleBefore`, after the cursor
   * (oldest first), and deletes those whose newest activity (the newest timestamp in their
   * aggregates, or their last update) is before `idleBefore`: lead, visitors, events and
   * aggregates. Which leads are idle is decided in SQL, in the same transaction as the
   * deletes, so a visitor coming back is either counted first (the lead is kept) or finds
   * its lead gone and starts a new one; never an event on a deleted lead. The cursor moves to
   * the last lead examined; past the newest (`examined < limit`) it stays at the end, so a
   * run still deleting events does not walk the leads again.
   */
  async sweepAnonymousLeads(
    idleBefore: number,
    limit: number,
  ): Promise<{ examined: number; leadsDeleted: number; eventsDeleted: number }> {
    const newestActivity = sql`max(l.updated_at,
      coalesce((SELECT max(json_extract(a.recent, '$[0]')) FROM lead_activity a WHERE a.lead_id = l.id), 0))`;
    const cursor = sql`(SELECT coalesce(cursor_created_at, -1), coalesce(cursor_id, '') FROM sweep_state WHERE name = ${SWEEP})`;
    const last = (column: string) =>
      sql`(SELECT ${sql.raw(column)} FROM retention_batch ORDER BY created_at DESC, lead_id DESC LIMIT 1)`;
    const passedNewest = sql`(SELECT count(*) FROM retention_batch) < ${limit}`;
    const idle = sql`(SELECT lead_id FROM retention_batch WHERE idle)`;
    const idleBytes = sql`(SELECT ${uuidBytes(sql`lead_id`)} FROM retention_batch WHERE idle)`;
    const results = await d1BatchResults(this.d1, [
      sql`INSERT OR IGNORE INTO sweep_state (name) VALUES (${SWEEP})`,
      // INDEXED BY: the planner would otherwise take `email IS NULL` to the unique email index and sort.
      sql`INSERT INTO retention_batch (lead_id, created_at, idle)
        SELECT l.id, l.created_at, ${newestActivity} < ${idleBefore}
        FROM leads l INDEXED BY leads_anonymous_created
        WHERE l.email IS NULL AND l.created_at < ${idleBefore} AND (l.created_at, l.id) > ${cursor}
        ORDER BY l.created_at, l.id LIMIT ${limit}`,
      sql`UPDATE sweep_state SET
          cursor_created_at = CASE WHEN ${passedNewest} THEN ${END_OF_WALK} ELSE ${last("created_at")} END,
          cursor_id = CASE WHEN ${passedNewest} THEN '' ELSE ${last("lead_id")} END
        WHERE name = ${SWEEP}`,
      sql`DELETE FROM events WHERE lead_id IN ${idleBytes}`,
      sql`DELETE FROM lead_activity WHERE lead_id IN ${idle}`,
      sql`DELETE FROM identity_claims WHERE visitor_id IN (SELECT id FROM visitors WHERE lead_id IN ${idle})`,
      sql`DELETE FROM visitor_daily_points WHERE visitor_id IN (SELECT id FROM visitors WHERE lead_id IN ${idle})`,
      sql`DELETE FROM identity_verifications WHERE visitor_id IN (SELECT id FROM visitors WHERE lead_id IN ${idle})`,
      sql`DELETE FROM visitors WHERE lead_id IN ${idle}`,
      ...deleteLedger(sql`IN ${idle}`),
      // No `email IS NULL` here: the batch holds anonymous leads only, and the planner would
      // take that term to the unique email index and read every anonymous lead.
      sql`DELETE FROM leads WHERE id IN ${idle}`,
      sql`DELETE FROM retention_batch`,
    ]);
    return {
      examined: results[1]!.meta.changes,
      eventsDeleted: results[3]!.meta.changes,
      leadsDeleted: results[11]!.meta.changes,
    };
  }
}
