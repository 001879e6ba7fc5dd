import { sql } from "drizzle-orm";
import { d1Batch } from "./batch";

/**
 * Reading the segment ledger by segment (`lead_segments`, `segment_transitions`; written by
 * ./ledger-store.ts): how many leads each segment holds and how many entered or left it in a
 * window, and a segment's members page by page. Aggregates are SQL (GROUP BY on indexes), so
 * the cost follows the number of segments and transitions in the window, never per-lead JS.
 */

export interface SegmentCounts {
  segmentId: string;
  leads: number;
  entered: number;
  exited: number;
}

/** A member's place in a segment's listing: members are listed by (since, leadId). */
export interface MemberKey {
  since: number;
  leadId: string;
}

export interface Member extends MemberKey {
  email: string;
}

export class SegmentDirectory {
  constructor(private readonly d1: D1Database) {}

  /**
   * Per segment id found in the ledger: current members, and transitions into and out of it
   * with `at` in (from, to]: a change at the very instant asked about counts. One batch; ids with all three zero are absent.
   */
  async counts(from: number, to: number): Promise<Map<string, SegmentCounts>> {
    const [members, entered, exited] = await d1Batch(this.d1, [
      sql`SELECT segment_id AS id, count(*) AS n FROM lead_segments WHERE segment_id IS NOT NULL GROUP BY segment_id`,
      sql`SELECT to_segment AS id, count(*) AS n FROM segment_transitions WHERE at > ${from} AND at <= ${to} GROUP BY to_segment`,
      sql`SELECT from_segment AS id, count(*) AS n FROM segment_transitions
          WHERE at > ${from} AND at <= ${to} AND from_segment IS NOT NULL GROUP BY from_segment`,
    ]);
    const counts = new Map<string, SegmentCounts>();
    const add = (rows: unknown[], field: "leads" | "entered" | "exited") => {
      for (const { id, n } of rows as { id: string; n: number }[]) {
        const entry = counts.get(id) ?? { segmentId: id, leads: 0, entered: 0, exited: 0 };
        entry[field] = n;
        counts.set(id, entry);
      }
    };
    add(members!, "leads");
    add(entered!, "entered");
    add(exited!, "exited");
    return counts;
  }

  /**
   * Up to `limit` current members of a segment that have an email, after `after`, by
   * (since, leadId): a range on `lead_segments_segment_since`, so a page costs its own rows.
   */
  async members(segmentId: string, limit: number, after: MemberKey | null): Promise<Member[]> {
    const since = after?.since ?? Number.MIN_SAFE_INTEGER;
    const leadId = after?.leadId ?? "";
    const [rows] = await d1Batch(this.d1, [
      sql`SELECT s.lead_id AS leadId, s.since AS since, l.email AS email
          FROM lead_segments s JOIN leads l ON l.id = s.lead_id
          WHERE s.segment_id = ${segmentId} AND (s.since, s.lead_id) > (${since}, ${leadId})
            AND l.email IS NOT NULL
          ORDER BY s.since, s.lead_id LIMIT ${limit}`,
    ]);
    return rows as Member[];
  }

  /** Whether the ledger holds any member of this segment (a segment no longer configured). */
  async hasMembers(segmentId: string): Promise<boolean> {
    const [rows] = await d1Batch(this.d1, [sql`SELECT 1 FROM lead_segments WHERE segment_id = ${segmentId} LIMIT 1`]);
    return rows!.length > 0;
  }
}
