import { sql } from "drizzle-orm";
import { d1Batch } from "../../src/db/batch";
import { toLoaded, type LoadedLead } from "../../src/db/lead-rows";
import { uuidText } from "../../src/db/uuid";
import type { ActivityRow } from "../../src/domain/activity";
import type { CompiledConfig } from "../../src/domain/compile";
import { buildFacts, type LeadInput } from "../../src/domain/facts";
import { resolveSegment } from "../../src/domain/segments";

/**
 * The segment report as it was before the ledger (issue 13), kept only for the bench's "exact
 * vs sampled" time ratio: up to `limit` leads seen in [from, to) (a page view), each
 * re-evaluated in JS as of its first view of the period, and whether a `conversion` event
 * followed before `to`. The worker now answers GET /v1/admin/reports/segments from the
 * ledger in SQL (src/db/ledger-reports.ts).
 */
export interface SampledConversion {
  id: string;
  leads: number;
  converted: number;
}

/** The sample, read as the old store did (one batch): the count seen and up to `limit` leads with their activity. */
export async function loadLeadsSeen(d1: D1Database, from: number, to: number, limit: number): Promise<{ seen: number; leads: LoadedLead[] }> {
  // The stored bytes order as the text ids do: the same sample as ordering by leads.id.
  const cohort = sql`(SELECT ${uuidText(sql`lead_id`)} FROM events WHERE type = 'page_view' AND ts >= ${from} AND ts < ${to}
    GROUP BY lead_id ORDER BY lead_id LIMIT ${limit})`;
  const [count, leadRows, activityRows] = (await d1Batch(d1, [
    sql`SELECT count(DISTINCT lead_id) AS n FROM events WHERE type = 'page_view' AND ts >= ${from} AND ts < ${to}`,
    sql`SELECT id, traits FROM leads WHERE id IN ${cohort}`,
    sql`SELECT lead_id, key, total, recent FROM lead_activity WHERE lead_id IN ${cohort}`,
  ])) as [{ n: number }[], { id: string; traits: string }[], { lead_id: string; key: string; total: number; recent: string }[]];
  const activity = new Map<string, { key: string; total: number; recent: string }[]>();
  for (const row of activityRows) activity.set(row.lead_id, [...(activity.get(row.lead_id) ?? []), row]);
  return { seen: count[0]?.n ?? 0, leads: leadRows.map((lead) => toLoaded([[lead], activity.get(lead.id) ?? []])) };
}

export function segmentConversions(config: CompiledConfig, leads: LeadInput[], from: number, to: number): SampledConversion[] {
  const rows = new Map<string, SampledConversion>(config.candidates.map((c) => [c.def.id, { id: c.def.id, leads: 0, converted: 0 }]));
  for (const lead of leads) {
    const firstView = earliest(lead.activity, "page_view", from, to);
    if (firstView === null) continue;
    const { facts } = buildFacts(config.doc, lead, {}, firstView);
    const row = rows.get(resolveSegment(config, facts).segment.id)!;
    row.leads++;
    if (earliest(lead.activity, "conversion", firstView, to) !== null) row.converted++;
  }
  return [...rows.values()];
}

/** The earliest event of a type in [from, to), over all its categories; null if none. */
function earliest(activity: ActivityRow[], type: string, from: number, to: number): number | null {
  let first: number | null = null;
  for (const row of activity) {
    if (!row.key.startsWith(`${type}:`)) continue;
    for (const ts of row.recent) if (ts >= from && ts < to && (first === null || ts < first)) first = ts;
  }
  return first;
}
