import { sql, type SQL } from "drizzle-orm";
import { RECENT_CAP } from "../domain/activity";
import { deleteLedger } from "./ledger-store";
import { leadOfVisitor } from "./store";
import { uuidBytes } from "./uuid";

/**
 * The merge statements LeadStore's verifications share (see LeadStore.verifyVisitor): plain
 * SQL composed into the caller's batch, guarded so a repeat or a race counts nothing twice.
 */
type BatchItem = SQL;

/**
 * Moves one lead's activity, events and holdout arms to another when `when` holds: aggregates are added
 * (the newest RECENT_CAP timestamps of both kept), events re-pointed. Event ids are unique
 * per lead, so both may hold one id (a retry sent through two browsers, an import sent for
 * both): that is one event, so `to` keeps its row, and `from`'s copy is taken out of the
 * aggregate being added (its total and one occurrence of its timestamp) and deleted, so
 * nothing counts twice. All in SQL, inside the caller's batch. (A copy older than the kept
 * RECENT_CAP timestamps is in no `recent` and only lowers the total. When `from` has more than
 * RECENT_CAP events of a key, its next-older timestamp was never stored, so removing a kept
 * copy leaves that key's merged list possibly one timestamp short of the cap; totals stay exact.)
 */
export function moveActivity(from: SQL, to: SQL, when: SQL): BatchItem[] {
  const [fromBytes, toBytes] = [uuidBytes(from), uuidBytes(to)];
  const heldByTo = sql`EXISTS (SELECT 1 FROM events t WHERE t.lead_id = ${toBytes} AND t.id = events.id)`;
  // Copies counted per occurrence, so of two equal timestamps only the copy's is removed.
  const recentWithoutCopies = sql`(SELECT json_group_array(value) FROM (
    SELECT r.value FROM (SELECT value, row_number() OVER (PARTITION BY value) AS n FROM json_each(a.recent)) r
    WHERE (r.value, r.n) NOT IN (SELECT ts, row_number() OVER (PARTITION BY ts) FROM copies c WHERE c.key = a.key)
    ORDER BY r.value DESC))`;
  return [
    sql`WITH copies AS MATERIALIZED (
        SELECT type || ':' || category AS key, ts FROM events WHERE lead_id = ${fromBytes} AND ${heldByTo}),
      moved AS (
        SELECT a.key, a.total - (SELECT count(*) FROM copies c WHERE c.key = a.key) AS total,
          CASE WHEN a.key IN (SELECT key FROM copies) THEN ${recentWithoutCopies} ELSE a.recent END AS recent
        FROM lead_activity a WHERE a.lead_id = ${from} AND ${when})
      INSERT INTO lead_activity (lead_id, key, total, recent)
      SELECT ${to}, key, total, recent FROM moved WHERE total > 0
      ON CONFLICT (lead_id, key) DO UPDATE SET
        total = lead_activity.total + excluded.total,
        recent = (SELECT json_group_array(value) FROM (
          SELECT value FROM json_each(lead_activity.recent)
          UNION ALL SELECT value FROM json_each(excluded.recent)
          ORDER BY value DESC LIMIT ${RECENT_CAP}))`,
    sql`DELETE FROM lead_activity WHERE lead_id = ${from} AND ${when}`,
    sql`DELETE FROM events WHERE lead_id = ${fromBytes} AND ${when} AND ${heldByTo}`,
    sql`UPDATE events SET lead_id = ${toBytes} WHERE lead_id = ${fromBytes} AND ${when}`,
    // Holdout arms go with the person: `to` keeps its own where both have one (the caller
    // deletes `from`'s rows with its ledger).
    sql`INSERT OR IGNORE INTO holdout_assignments (lead_id, segment_id, arm, salt, share, assigned_at)
      SELECT ${to}, segment_id, arm, salt, share, assigned_at FROM holdout_assignments WHERE lead_id = ${from} AND ${when}`,
  ];
}

/**
 * The visitor joins lead S, when `when` holds: if its own lead L is anonymous, L merges into
 * S (activity added, events and visitors moved, L deleted); if L is another known lead, only
 * this visitor moves. Its claim is settled. Every statement is guarded by `L <> S`, so a
 * repeat is a no-op. (LeadStore.verifyVisitor; an email link's verification.)
 */
export function joinLead(visitorId: string, S: SQL, when: SQL, now: number): BatchItem[] {
  const L = leadOfVisitor(visitorId);
  const mergeable = sql`${L} <> ${S} AND (SELECT email FROM leads WHERE id = ${L}) IS NULL AND ${when}`;
  return [
    ...moveActivity(L, S, mergeable),
    // What the anonymous visitor claimed in forms goes with it (its newer claims win).
    sql`UPDATE leads SET claimed_traits = json_patch(claimed_traits, (SELECT claimed_traits FROM leads WHERE id = ${L}))
      WHERE id = ${S} AND ${mergeable}`,
    // Mark the anonymous lead as merged, move its visitors (or just this visitor when L is
    // a known lead), then delete the marked row: L can only be found through the visitor.
    sql`UPDATE leads SET merged_into = ${S}, updated_at = ${now} WHERE id = ${L} AND ${mergeable}`,
    sql`UPDATE visitors SET lead_id = ${S} WHERE lead_id = ${L} AND ${L} <> ${S} AND ${when}
      AND (id = ${visitorId} OR (SELECT merged_into FROM leads WHERE id = ${L}) IS NOT NULL)`,
    // The merged lead's ledger goes with it; S is reviewed (the caller marks it).
    ...deleteLedger(sql`IN (SELECT id FROM leads WHERE merged_into = ${S} AND email IS NULL)`),
    sql`DELETE FROM leads WHERE merged_into = ${S} AND email IS NULL`,
    // Verified: whatever this browser claimed is settled.
    sql`DELETE FROM identity_claims WHERE visitor_id = ${visitorId} AND ${when}`,
  ];
}
