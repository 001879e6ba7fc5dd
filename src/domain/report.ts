import type { ActivityRow } from "./activity";
import type { CompiledConfig } from "./compile";
import { buildFacts, type LeadInput } from "./facts";
import { resolveSegment } from "./segments";

/**
 * Do the segments convert differently? For every lead seen in a period (a page view in
 * [from, to)), the segment it was in at its first view of the period, evaluated as of that
 * moment from the stored timestamps, and whether it converted (a `conversion` event) between
 * that view and the end of the period. Traits are today's: a CRM update since then counts.
 */
export interface SegmentConversion {
  id: string;
  name: string;
  path: string[];
  leads: number;
  converted: number;
  /** converted / leads; null without leads. */
  conversionRate: number | null;
}

export function segmentConversions(config: CompiledConfig, leads: LeadInput[], from: number, to: number): SegmentConversion[] {
  const rows = new Map<string, SegmentConversion>(
    config.candidates.map((c) => [c.def.id, { id: c.def.id, name: c.def.name, path: c.path, leads: 0, converted: 0, conversionRate: null }]),
  );
  for (const lead of leads) {
    const firstView = earliest(lead.activity, "page_view", from, to);
    if (firstView === null) continue;
    const { facts } = buildFacts(config.doc, lead, {}, firstView);
    const row = rows.get(resolveSegment(config, facts).segment.id)!;
    row.leads++;
    if (earliest(lead.activity, "conversion", firstView, to) !== null) row.converted++;
  }
  for (const row of rows.values()) row.conversionRate = row.leads > 0 ? Math.round((row.converted / row.leads) * 10_000) / 10_000 : null;
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
