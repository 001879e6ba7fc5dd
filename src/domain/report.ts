import type { CompiledConfig } from "./compile";

/**
 * The segment report and the flows report, from the segment ledger (src/db/ledger-reports.ts
 * counts in SQL; this file names and orders what it counted). A lead's membership of a segment
 * is an interval: from a transition into it until the lead's next transition. A lead is in a
 * segment during [from, to) when that interval overlaps the period, so a lead that moved counts
 * in every segment it was in.
 */
export interface SegmentConversion {
  id: string;
  name: string;
  path: string[];
  /** Leads in the segment at any time during the period (its interval overlaps it). */
  leads: number;
  /** Transitions into the segment in the period (a lead's first recorded segment included). */
  entered: number;
  /** Transitions out of the segment in the period. */
  exited: number;
  /** Leads with a `conversion` event in the period while in this segment (the transition at or before the event's time). */
  converted: number;
  /** converted / leads; null without leads. */
  conversionRate: number | null;
  /** Leads that converted in the period, counted in the first segment they were in during the period. */
  convertedFromFirstSegment: number;
}

/** What SQL counted for one segment id (a segment the configuration no longer has included). */
export type SegmentCounts = Pick<SegmentConversion, "leads" | "entered" | "exited" | "converted" | "convertedFromFirstSegment"> & { id: string };

export function segmentReport(config: CompiledConfig, counts: SegmentCounts[]): SegmentConversion[] {
  const zero = { leads: 0, entered: 0, exited: 0, converted: 0, convertedFromFirstSegment: 0 };
  const rows = new Map<string, SegmentConversion>(
    config.candidates.map((c) => [c.def.id, { id: c.def.id, name: c.def.name, path: c.path, ...zero, conversionRate: null }]),
  );
  for (const count of counts) {
    // A segment removed from the configuration still has its history: listed after the others, by id.
    const row = rows.get(count.id) ?? { id: count.id, name: count.id, path: [], ...zero, conversionRate: null };
    rows.set(count.id, { ...row, ...count });
  }
  for (const row of rows.values()) row.conversionRate = rate(row.converted, row.leads);
  return [...rows.values()];
}

/** A share rounded to 4 decimals; null without a whole. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/** One from→to pair of the flows report: its transitions in the period and the distinct leads that made them. */
export interface SegmentFlow {
  /** Null: the lead entered the ledger (its first recorded segment). */
  from: string | null;
  fromName: string | null;
  to: string;
  toName: string;
  transitions: number;
  leads: number;
}

export type FlowCounts = Pick<SegmentFlow, "from" | "to" | "transitions" | "leads">;

/** Names each pair from the configuration (a removed segment keeps its id as its name), most transitions first. */
export function segmentFlows(config: CompiledConfig, counts: FlowCounts[]): SegmentFlow[] {
  const names = new Map(config.candidates.map((c) => [c.def.id, c.def.name]));
  const name = (id: string) => names.get(id) ?? id;
  return counts
    .map((c) => ({ from: c.from, fromName: c.from === null ? null : name(c.from), to: c.to, toName: name(c.to), transitions: c.transitions, leads: c.leads }))
    .sort((a, b) => b.transitions - a.transitions || (a.from ?? "").localeCompare(b.from ?? "") || a.to.localeCompare(b.to));
}
