import { sql, type SQL } from "drizzle-orm";
import type { Cause } from "../domain/review-at";
import type { FlowCounts, SegmentCounts } from "../domain/report";
import { d1Batch } from "./batch";
import { uuidText } from "./uuid";

/**
 * The reports' SQL over the segment ledger (`lead_segments`, `segment_transitions`): exact
 * counts, one D1 batch per report, no lead read into the worker. A lead's membership of a
 * segment runs from a transition into it until its next transition; what a lead held at an
 * instant is the `to_segment` of its latest transition at or before it, found through
 * `segment_transitions_lead_at` (lead_id, at). The transitions of a period come through
 * `segment_transitions_at`.
 */

/** The segment a lead (SQL for its text id) held at `at` (SQL): its latest transition at or before it; null before its first. */
function segmentAt(lead: SQL, at: SQL | number): SQL {
  return sql`(SELECT t.to_segment FROM segment_transitions t WHERE t.lead_id = ${lead} AND t.at <= ${at} ORDER BY t.at DESC, t.id DESC LIMIT 1)`;
}

/**
 * `members`: who was in which segment during [from, to): what each lead held at `from` (its
 * current segment if it has not changed since, so only leads that changed look at their
 * history), and every segment entered in the period.
 */
function membersOf(from: number, to: number): SQL {
  return sql`members AS (
      SELECT lead_id, CASE WHEN since <= ${from} THEN segment_id ELSE ${segmentAt(sql`s.lead_id`, from)} END AS segment
        FROM lead_segments s WHERE segment_id IS NOT NULL
      UNION
      SELECT lead_id, to_segment FROM segment_transitions WHERE at >= ${from} AND at < ${to}
    )`;
}

/** `conversions`: each conversion event of [from, to) in the segment the lead held at its time. */
function conversionsOf(from: number, to: number): SQL {
  return sql`conversions AS (
      SELECT lead, ${segmentAt(sql`c.lead`, sql`c.ts`)} AS segment
        FROM (SELECT ${uuidText(sql`lead_id`)} AS lead, ts FROM events WHERE type = 'conversion' AND ts >= ${from} AND ts < ${to}) c
    )`;
}

/** Per segment, its members during [from, to) and those with a conversion while in it: the health report's week. */
function weekQuery(from: number, to: number): SQL {
  return sql`WITH ${membersOf(from, to)}, ${conversionsOf(from, to)}
    SELECT m.segment AS id, count(*) AS leads, (SELECT count(DISTINCT lead) FROM conversions c WHERE c.segment = m.segment) AS converted
    FROM members m WHERE m.segment IS NOT NULL GROUP BY m.segment`;
}

/** From→to counts of the transitions in [from, to), optionally of one cause. */
function flowsQuery(from: number, to: number, cause: Cause | null): SQL {
  return sql`SELECT from_segment AS "from", to_segment AS "to", count(*) AS transitions, count(DISTINCT lead_id) AS leads
    FROM segment_transitions WHERE at >= ${from} AND at < ${to} AND (${cause} IS NULL OR cause = ${cause})
    GROUP BY from_segment, to_segment`;
}

export interface LedgerSegmentCounts {
  /** Distinct leads with a page view in the period (the report's `leads.seen`). */
  seen: number;
  /** Distinct leads in any segment during the period. */
  members: number;
  segments: SegmentCounts[];
}

export class LedgerReports {
  constructor(private readonly d1: D1Database) {}

  async segments(from: number, to: number): Promise<LedgerSegmentCounts> {
    const [seen, members, flows, conversions] = (await d1Batch(this.d1, [
      sql`SELECT count(DISTINCT lead_id) AS n FROM events WHERE type = 'page_view' AND ts >= ${from} AND ts < ${to}`,
      // Who was in which segment during [from, to); a null id row carries the distinct leads.
      sql`WITH ${membersOf(from, to)}
        SELECT segment AS id, count(*) AS leads FROM members WHERE segment IS NOT NULL GROUP BY segment
        UNION ALL
        SELECT NULL, count(DISTINCT lead_id) FROM members WHERE segment IS NOT NULL`,
      flowsQuery(from, to, null),
      // Each conversion event of the period in the segment the lead held at its time, and each
      // lead with one in the first segment it held during the period (at `from`, or else the
      // first it entered). A conversion before the lead's first recorded segment is in none.
      sql`WITH ${conversionsOf(from, to)},
        converted AS (SELECT DISTINCT lead FROM conversions WHERE segment IS NOT NULL)
        SELECT segment AS id, 'at' AS counted, count(DISTINCT lead) AS n FROM conversions WHERE segment IS NOT NULL GROUP BY segment
        UNION ALL
        SELECT first, 'first', count(*) FROM (
          SELECT coalesce(${segmentAt(sql`v.lead`, from)},
            (SELECT t.to_segment FROM segment_transitions t WHERE t.lead_id = v.lead AND t.at >= ${from} ORDER BY t.at, t.id LIMIT 1)) AS first
          FROM converted v
        ) GROUP BY first`,
    ])) as [{ n: number }[], { id: string | null; leads: number }[], FlowCounts[], { id: string; counted: "at" | "first"; n: number }[]];

    const counts = new Map<string, SegmentCounts>();
    const of = (id: string) => {
      let row = counts.get(id);
      if (!row) counts.set(id, (row = { id, leads: 0, entered: 0, exited: 0, converted: 0, convertedFromFirstSegment: 0 }));
      return row;
    };
    let total = 0;
    for (const m of members) if (m.id === null) total = m.leads; else of(m.id).leads = m.leads;
    for (const f of flows) {
      of(f.to).entered += f.transitions;
      if (f.from !== null) of(f.from).exited += f.transitions;
    }
    for (const c of conversions) {
      if (c.counted === "at") of(c.id).converted = c.n;
      else of(c.id).convertedFromFirstSegment = c.n;
    }
    return { seen: seen[0]?.n ?? 0, members: total, segments: [...counts.values()] };
  }

  /** Per week, each segment's members and the members that converted while in it (the health report), in one round trip. */
  async weeks(weeks: { from: number; to: number }[]): Promise<{ id: string; leads: number; converted: number }[][]> {
    return (await d1Batch(this.d1, weeks.map((w) => weekQuery(w.from, w.to)))) as { id: string; leads: number; converted: number }[][];
  }

  async flows(from: number, to: number, cause: Cause | null): Promise<FlowCounts[]> {
    const [rows] = await d1Batch(this.d1, [flowsQuery(from, to, cause)]);
    return rows as FlowCounts[];
  }
}
