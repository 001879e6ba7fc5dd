import { homogeneityTest } from "./chi-square";
import type { CompiledConfig } from "./compile";
import { leadsNeeded, newcombeDifference, type Arm, type Estimate } from "./statistics";

/**
 * Segment health (GET /v1/admin/reports/health): is each segment still doing its job? Pure:
 * src/db counts each week's members and conversions, this judges them.
 *
 * Rates are per lead-week (a lead in the segment during a week, and whether it converted while
 * in it that week), so a period of any length compares with the baseline's weeks: the period's
 * pooled weekly rate against the 13 weeks before it (the trailing 90 days), with Newcombe's
 * interval of the difference; `diverged` when that interval excludes 0 with enough data.
 * Siblings (the segments of one group: Hot / Warm / Cold) are tested for any difference in
 * their period rates (chi-square of homogeneity): `not_distinguishable` when each has enough
 * lead-weeks to show a difference of `siblingMde` (relative, 80 % power) and none shows.
 */

export interface WeekCounts {
  from: number;
  to: number;
  segments: { id: string; leads: number; converted: number }[];
}

export interface HealthOptions {
  confidence?: number;
  /** Lead-weeks each side (period, baseline) needs before a divergence is flagged. */
  minLeads?: number;
  /** Conversions both sides together need before a divergence is flagged. */
  minConversions?: number;
  /** The relative difference between siblings the test should be able to see (0.5: one converts 1.5× another). */
  siblingMde?: number;
}

export const HEALTH_DEFAULTS: Readonly<Required<HealthOptions>> = { confidence: 0.95, minLeads: 100, minConversions: 10, siblingMde: 0.5 };

export interface WeekPoint extends Arm {
  from: number;
  to: number;
  rate: number | null;
}

export interface SegmentHealth {
  segment: string;
  name: string;
  weeks: WeekPoint[];
  period: Arm & { rate: number | null };
  baseline: Arm & { rate: number | null };
  /** Period rate − baseline rate (per lead-week); null when a side has no lead-weeks. */
  difference: Estimate | null;
  diverged: boolean;
  /** The period's average weekly size over the baseline's; null without a baseline. */
  sizeRatio: number | null;
}

export interface SiblingHealth {
  group: string;
  segments: string[];
  /** Chi-square of homogeneity over the period; null when there is no contrast (no conversions). */
  test: { statistic: number; df: number; p: number } | null;
  /** Lead-weeks each sibling needs for the test to see `siblingMde`. */
  leadsNeeded: number | null;
  verdict: "different" | "not_distinguishable" | "too_few";
}

const rated = (arm: Arm) => ({ ...arm, rate: arm.leads > 0 ? arm.converted / arm.leads : null });
const sum = (arms: Arm[]): Arm => arms.reduce((a, b) => ({ leads: a.leads + b.leads, converted: a.converted + b.converted }), { leads: 0, converted: 0 });

/** `weeks` in time order; those ending at or before `periodFrom` are the baseline. */
export function segmentHealth(config: CompiledConfig, weeks: WeekCounts[], periodFrom: number, options: HealthOptions = {}) {
  const o = { ...HEALTH_DEFAULTS, ...options };
  const segments = config.candidates.map(({ def }): SegmentHealth => {
    const points = weeks.map((w): WeekPoint => {
      const found = w.segments.find((s) => s.id === def.id);
      return { from: w.from, to: w.to, ...rated({ leads: found?.leads ?? 0, converted: found?.converted ?? 0 }) };
    });
    const [before, during] = [points.filter((p) => p.to <= periodFrom), points.filter((p) => p.to > periodFrom)];
    const [period, baseline] = [sum(during), sum(before)];
    const difference = period.leads > 0 && baseline.leads > 0 ? newcombeDifference(period, baseline, o.confidence) : null;
    const enough = period.leads >= o.minLeads && baseline.leads >= o.minLeads && period.converted + baseline.converted >= o.minConversions;
    const weekly = (arm: Arm, n: number) => (n > 0 ? arm.leads / n : 0);
    return {
      segment: def.id,
      name: def.name,
      weeks: points,
      period: rated(period),
      baseline: rated(baseline),
      difference,
      diverged: enough && difference !== null && (difference.low > 0 || difference.high < 0),
      sizeRatio: baseline.leads > 0 ? weekly(period, during.length) / weekly(baseline, before.length) : null,
    };
  });

  const groups = new Map<string, SegmentHealth[]>();
  config.candidates.forEach(({ def }, i) => {
    if (def.parent) groups.set(def.parent, [...(groups.get(def.parent) ?? []), segments[i]!]);
  });
  const siblings = [...groups].filter(([, members]) => members.length > 1).map(([group, members]): SiblingHealth => {
    const test = homogeneityTest(members.map((m) => m.period));
    const pooled = sum(members.map((m) => m.period));
    const rate = pooled.leads > 0 ? pooled.converted / pooled.leads : 0;
    // Two siblings split evenly: half the total a 50 : 50 comparison needs, each.
    const needed = rate > 0 && rate * (1 + o.siblingMde) <= 1 ? Math.ceil(leadsNeeded(rate, o.siblingMde, 0.5, 1 - o.confidence) / 2) : null;
    const enough = needed !== null && members.every((m) => m.period.leads >= needed);
    const verdict = !test || !enough ? (test && test.p < 1 - o.confidence ? "different" : "too_few") : test.p < 1 - o.confidence ? "different" : "not_distinguishable";
    return { group, segments: members.map((m) => m.segment), test, leadsNeeded: needed, verdict };
  });
  return { segments, siblings };
}

/** The weeks of a health report: 13 before `from` (the trailing 91 days), then `from` to `to` in 7-day steps (the last may be shorter). */
export function healthWeeks(from: number, to: number, weekMs = 7 * 86_400_000, baselineWeeks = 13): { from: number; to: number }[] {
  const weeks = Array.from({ length: baselineWeeks }, (_, i) => ({ from: from - (baselineWeeks - i) * weekMs, to: from - (baselineWeeks - i - 1) * weekMs }));
  for (let start = from; start < to; start += weekMs) weeks.push({ from: start, to: Math.min(start + weekMs, to) });
  return weeks;
}
