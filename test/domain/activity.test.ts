import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeEngagement, computeSignals, DAY_MS, newestFirst, type ActivityRow } from "../../src/domain/activity";
import { defaultDocCopy } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 15, 30);
const doc = defaultDocCopy();
/** A pricing-view row from event ages (ms before NOW), stored newest first like the store does. */
const pricing = (...ages: number[]): ActivityRow => ({
  key: "page_view:pricing",
  total: ages.length,
  recent: newestFirst(ages.map((a) => NOW - a)),
});

describe("windowed signals", () => {
  it("counts events strictly inside (now - window, now], to the millisecond", () => {
    const week = 7 * DAY_MS;
    const signals = computeSignals(doc, [pricing(0, week - 1, week, week + 1)], NOW);
    expect(signals.pricing_views_7d).toBe(2);
  });

  it("ignores events after `now` (evaluating as of an earlier time)", () => {
    expect(computeSignals(doc, [pricing(-1000, 1000)], NOW).pricing_views_7d).toBe(1);
  });

  it("sums every category for a signal without a category, one category otherwise", () => {
    const rows: ActivityRow[] = [pricing(DAY_MS), { key: "page_view:docs", total: 2, recent: [NOW - 1, NOW - 2] }];
    const signals = computeSignals(doc, rows, NOW);
    expect(signals.page_views_30d).toBe(3);
    expect(signals.pricing_views_7d).toBe(1);
    expect(signals.cta_clicks_30d).toBe(0);
  });
});

describe("stored order", () => {
  it("keeps a newest-first array as it is and sorts anything else", () => {
    const sorted = [30, 20, 10];
    expect(newestFirst(sorted)).toBe(sorted);
    expect(newestFirst([10, 30, 20])).toEqual([30, 20, 10]);
  });

  it("windowed counts by binary search equal a plain scan (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -DAY_MS, max: 40 * DAY_MS })), fc.integer({ min: 1, max: 35 * DAY_MS }), (ages, window) => {
        const d = defaultDocCopy();
        d.signals = { probe: { event: "page_view", windowDays: window / DAY_MS } };
        const scan = ages.filter((a) => a >= 0 && a < window).length;
        expect(computeSignals(d, [pricing(...ages)], NOW).probe).toBe(scan);
      }),
    );
  });
});

describe("engagement decay", () => {
  const halfLife = doc.scoring.engagement.halfLifeDays * DAY_MS;

  it("halves an event's points every half-life", () => {
    expect(computeEngagement(doc, [pricing(0)], NOW).score).toBe(10);
    expect(computeEngagement(doc, [pricing(halfLife)], NOW).score).toBe(5);
    expect(computeEngagement(doc, [pricing(2 * halfLife)], NOW).score).toBe(2.5);
  });

  it("uses the first matching points rule (category-specific before generic)", () => {
    const rows: ActivityRow[] = [pricing(0), { key: "page_view:blog", total: 1, recent: [NOW] }];
    const { score, components } = computeEngagement(doc, rows, NOW);
    expect(score).toBe(11);
    expect(components.map((c) => [c.category, c.count, c.decayed])).toEqual([
      ["pricing", 1, 10],
      [null, 1, 1],
    ]);
  });

  it("drops events beyond the horizon", () => {
    const horizon = doc.scoring.engagement.horizonDays * DAY_MS;
    expect(computeEngagement(doc, [pricing(horizon)], NOW).score).toBe(0);
  });

  it("never grows as time passes with no new events (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 90 * DAY_MS }), { maxLength: 30 }), fc.integer({ min: 1, max: 30 * DAY_MS }), (ages, later) => {
        const rows = [pricing(...ages)];
        expect(computeEngagement(doc, rows, NOW + later).score).toBeLessThanOrEqual(computeEngagement(doc, rows, NOW).score);
      }),
    );
  });
});
