import { sql, type SQL } from "drizzle-orm";
import { d1Batch } from "./batch";
import { uuidBytes } from "./uuid";

/**
 * The lift report's SQL (README "Holdouts"): exact counts by assignment (intention to treat),
 * in one D1 batch, no lead read into the worker. A lead counts once per segment, in the arm it
 * was assigned when it entered (`holdout_assignments`, by `holdout_assignments_segment_at`),
 * and as converted when it has a `conversion` event in the window after its assignment, seen up
 * to `to` (through `events_lead_ts`: one index probe per lead, whatever its history).
 */

export interface ArmCounts {
  segment: string;
  /** The period (its salt) and its share: a share change starts a new one. */
  salt: string;
  share: number;
  arm: "control" | "treatment";
  leads: number;
  converted: number;
  /** The first assignment of the period in the report's range (epoch ms). */
  since: number;
}

export interface EntryCounts {
  segment: string;
  leads: number;
  converted: number;
}

export interface LiftQuery {
  from: number;
  to: number;
  windowMs: number;
  /** Only leads whose window has closed by `to`. */
  closedWindowsOnly: boolean;
}

/** Whether the lead (SQL for its text id) converted in [start, min(start + window, to)). */
function convertedAfter(lead: SQL, start: SQL, { windowMs, to }: LiftQuery): SQL {
  return sql`EXISTS (SELECT 1 FROM events e WHERE e.lead_id = ${uuidBytes(lead)} AND e.ts >= ${start}
    AND e.ts < min(${start} + ${windowMs}, ${to}) AND e.type = 'conversion')`;
}

export class LiftReports {
  constructor(private readonly d1: D1Database) {}

  /**
   * Per segment, period and arm: the leads assigned in [from, to) and those that converted in
   * their window; and per segment, the leads that entered it in [from, to) (their first entry
   * in the range), with the same window: what a segment without a holdout is measured by.
   */
  async counts(query: LiftQuery): Promise<{ arms: ArmCounts[]; entries: EntryCounts[] }> {
    const { from, to, windowMs, closedWindowsOnly } = query;
    const closed = (start: SQL) => (closedWindowsOnly ? sql`${start} + ${windowMs} <= ${to}` : sql`1`);
    const [arms, entries] = (await d1Batch(this.d1, [
      sql`SELECT segment_id AS segment, salt, share, arm, count(*) AS leads,
          sum(${convertedAfter(sql`a.lead_id`, sql`a.assigned_at`, query)}) AS converted, min(assigned_at) AS since
        FROM holdout_assignments a WHERE a.assigned_at >= ${from} AND a.assigned_at < ${to} AND ${closed(sql`a.assigned_at`)}
        GROUP BY segment_id, salt, arm`,
      sql`WITH entries AS (
          SELECT lead_id, to_segment AS segment, min(at) AS at FROM segment_transitions WHERE at >= ${from} AND at < ${to}
          GROUP BY lead_id, to_segment)
        SELECT segment, count(*) AS leads, sum(${convertedAfter(sql`n.lead_id`, sql`n.at`, query)}) AS converted
        FROM entries n WHERE ${closed(sql`n.at`)} GROUP BY segment`,
    ])) as [ArmCounts[], EntryCounts[]];
    return { arms, entries };
  }
}
