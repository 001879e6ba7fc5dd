import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, type ActivityRow } from "../../src/domain/activity";
import { evaluateLead } from "../../src/domain/evaluate";
import { activityAsOf, leadTimeline, recentActivity } from "../../src/domain/lead-timeline";
import { defaultConfig } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 12);
const config = defaultConfig();
const KEYS = ["page_view:pricing", "page_view:docs", "cta_click:demo", "conversion:demo"];

/** Random aggregates as the trigger keeps them: newest first, total ≥ recent. */
const activity = fc
  .array(
    fc.record({
      key: fc.constantFrom(...KEYS),
      recent: fc.array(fc.integer({ min: NOW - 45 * DAY_MS, max: NOW }), { maxLength: 30 }),
      older: fc.nat({ max: 5 }),
    }),
    { maxLength: 4 },
  )
  .map((rows) => {
    const byKey = new Map<string, ActivityRow>();
    for (const r of rows) byKey.set(r.key, { key: r.key, total: r.recent.length + r.older, recent: [...r.recent].sort((a, b) => b - a) });
    return [...byKey.values()];
  });
const traits = { company: { employees: 1200, industry: "software" }, person: { seniority: "vp" } };

describe("a lead's timeline: 30 days back, 30 ahead, from the resolver's own scoring", () => {
  it("every point is what the resolver says at that time, given the activity stored by then", () => {
    fc.assert(
      fc.property(activity, (rows) => {
        const points = leadTimeline(config, { traits, activity: rows }, NOW);
        expect(points).toHaveLength(61);
        for (const [i, day] of [[0, -30], [30, 0], [45, 15]] as const) {
          const at = NOW + day * DAY_MS;
          const { facts, segment } = evaluateLead(config, { traits, activity: day < 0 ? activityAsOf(rows, at) : rows }, {}, at);
          expect(points[i]).toEqual({ at, engagement: facts.engagement.score, level: facts.engagement.level, score: facts.score, segment: segment.id });
        }
      }),
    );
  });

  it("with no new activity, engagement only decays: the future never rises", () => {
    fc.assert(
      fc.property(activity, (rows) => {
        const future = leadTimeline(config, { traits, activity: rows }, NOW).slice(30);
        for (let i = 1; i < future.length; i++) expect(future[i]!.engagement).toBeLessThanOrEqual(future[i - 1]!.engagement);
      }),
    );
  });

  it("as of a time, later events are not there yet: removed from recent and from the total", () => {
    const rows: ActivityRow[] = [{ key: "page_view:pricing", total: 5, recent: [NOW - DAY_MS, NOW - 3 * DAY_MS, NOW - 10 * DAY_MS] }];
    expect(activityAsOf(rows, NOW - 2 * DAY_MS)).toEqual([{ key: "page_view:pricing", total: 4, recent: [NOW - 3 * DAY_MS, NOW - 10 * DAY_MS] }]);
    const before = leadTimeline(config, { traits, activity: rows }, NOW)[0]!;
    expect(before.engagement).toBe(0); // 30 days back, none of the kept events had happened
  });

  it("recent events: newest first across kinds, at most the limit", () => {
    const rows: ActivityRow[] = [
      { key: "page_view:pricing", total: 2, recent: [NOW - 1000, NOW - 5000] },
      { key: "cta_click:demo", total: 1, recent: [NOW - 3000] },
    ];
    expect(recentActivity(rows, 2)).toEqual([
      { type: "page_view", category: "pricing", at: NOW - 1000 },
      { type: "cta_click", category: "demo", at: NOW - 3000 },
    ]);
  });
});
