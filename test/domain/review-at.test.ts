import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activityKey, DAY_MS, type ActivityRow } from "../../src/domain/activity";
import { compileConfig, type CompiledConfig } from "../../src/domain/compile";
import type { EventType } from "../../src/domain/config";
import type { LeadInput } from "../../src/domain/facts";
import { BOUNDARIES_PER_LOOK, ledgerSegment, nextChange, nextReview, planReview, readsRequestContext } from "../../src/domain/review-at";
import { evaluateLead } from "../../src/domain/evaluate";
import { defaultConfig } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 12);
const HOUR = 3_600_000;

/** The shipped configuration, and one whose segments read the score directly, decay fast and take negative points. */
const shipped = defaultConfig();
const sharp: CompiledConfig = (() => {
  const doc = structuredClone(shipped.doc);
  doc.scoring.engagement.halfLifeDays = 0.5;
  doc.scoring.engagement.horizonDays = 20;
  doc.scoring.engagement.points.unshift({ event: "form_submit", points: -7 });
  doc.segments.unshift({ id: "keen", name: "Keen", when: { "engagement.score": { $gt: 12.5, $lte: 40 } } });
  return compileConfig(doc);
})();

const KINDS: [EventType, string][] = [
  ["page_view", "pricing"], ["page_view", "demo"], ["page_view", "docs"], ["page_view", "other"],
  ["cta_click", "other"], ["form_submit", "other"],
];

/** Random leads: a company size and events over the 40 days before and the day after NOW. */
const leads = fc
  .record({
    employees: fc.constantFrom(undefined, 50, 500, 5000),
    events: fc.array(fc.record({ kind: fc.constantFrom(...KINDS), ts: fc.integer({ min: NOW - 40 * DAY_MS, max: NOW + DAY_MS }) }), { maxLength: 25 }),
  })
  .map(({ employees, events }): LeadInput => {
    const rows = new Map<string, ActivityRow>();
    for (const e of events) {
      const key = activityKey(...e.kind);
      const row = rows.get(key) ?? { key, total: 0, recent: [] };
      row.total++;
      row.recent.push(e.ts);
      rows.set(key, row);
    }
    for (const row of rows.values()) row.recent.sort((a, b) => b - a);
    return { traits: employees === undefined ? {} : { company: { employees } }, activity: [...rows.values()] };
  });

describe.each([
  ["the shipped configuration", shipped],
  ["a configuration with score conditions, fast decay and negative points", sharp],
])("nextChange, with %s", (_, config) => {
  it("is a real boundary: the segment is constant on [now, next) and differs at next", () => {
    fc.assert(
      fc.property(leads, fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 20, maxLength: 20 }), (lead, samples) => {
        const current = ledgerSegment(config, lead, NOW);
        const next = nextChange(config, lead, NOW);
        const until = next ?? NOW + 200 * DAY_MS;
        for (const f of samples) expect(ledgerSegment(config, lead, NOW + Math.floor(f * (until - NOW)))).toBe(current);
        if (next !== null) {
          expect(next).toBeGreaterThan(NOW);
          expect(ledgerSegment(config, lead, next - 1)).toBe(current);
          expect(ledgerSegment(config, lead, next)).not.toBe(current);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("finds no later change than a brute-force scan every hour over 100 days", () => {
    fc.assert(
      fc.property(leads, (lead) => {
        const current = ledgerSegment(config, lead, NOW);
        let scanned: number | null = null;
        for (let t = NOW + HOUR; t <= NOW + 100 * DAY_MS && scanned === null; t += HOUR) {
          if (ledgerSegment(config, lead, t) !== current) scanned = t;
        }
        const next = nextChange(config, lead, NOW);
        if (scanned !== null) {
          expect(next).not.toBeNull();
          expect(next!).toBeLessThanOrEqual(scanned);
          // Earlier than the hour before the scan saw it: a flicker shorter than the scan's
          // step (fast decay across a bound just after an event), still a real change.
          if (next! <= scanned - HOUR - 1) expect(ledgerSegment(config, lead, next!)).not.toBe(current);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("readsRequestContext", () => {
  it("tells whether a served segment can differ from the ledger's: only when a condition reads context.*", () => {
    expect(readsRequestContext(shipped)).toBe(false);
    const doc = structuredClone(shipped.doc);
    doc.segments.unshift({ id: "emea-visit", name: "EMEA visit", when: { "context.country": { $in: ["DE", "FR"] } } });
    const geo = compileConfig(doc);
    expect(readsRequestContext(geo)).toBe(true);
    // The ledger's segment ignores the request: a German visit is served EMEA, recorded by traits and activity.
    const lead: LeadInput = { traits: { company: { employees: 50 } }, activity: [] };
    expect(evaluateLead(geo, lead, { country: "DE", utm: {} }, NOW).segment.id).toBe("emea-visit");
    expect(ledgerSegment(geo, lead, NOW)).toBe(ledgerSegment(shipped, lead, NOW));
  });
});

describe("nextReview", () => {
  it("bounds a look at a long history with checkpoints that lead, one after another, to nextChange", () => {
    // 200 pricing views and 200 demo views an hour apart: far more boundaries than one look walks.
    const hours = Array.from({ length: 200 }, (_, i) => NOW - i * HOUR);
    const lead: LeadInput = {
      traits: { company: { employees: 50 } },
      activity: [
        { key: "page_view:pricing", total: 200, recent: hours },
        { key: "page_view:demo", total: 200, recent: hours.map((t) => t - HOUR / 2) },
      ],
    };
    const current = ledgerSegment(sharp, lead, NOW);
    const change = nextChange(sharp, lead, NOW, current);
    let [t, looks] = [NOW, 0];
    for (let next = nextReview(sharp, lead, t, current); next !== null && next !== change; next = nextReview(sharp, lead, t, current)) {
      expect(ledgerSegment(sharp, lead, next)).toBe(current);
      [t, looks] = [next, looks + 1];
    }
    expect(looks).toBeGreaterThan(0);
    expect(looks).toBeLessThanOrEqual(Math.ceil(1200 / BOUNDARIES_PER_LOOK));
  });
});

describe("planReview", () => {
  it("records the seed's SMB lead: qualified at the third pricing view, nurture when the first is 7 days old", () => {
    const views = [NOW, NOW + HOUR, NOW + 2 * HOUR];
    const lead: LeadInput = {
      traits: { company: { employees: 50, industry: "saas" }, person: { seniority: "director" } },
      activity: [{ key: "page_view:pricing", total: 3, recent: [...views].reverse() }],
    };
    const first = planReview(shipped, lead, { segmentId: "smb-nurture", since: NOW - DAY_MS, evaluatedAt: NOW - 1, pendingCause: "event", reviewAt: NOW }, NOW + 3 * HOUR);
    expect(first.transitions).toEqual([{ from: "smb-nurture", to: "smb-qualified", at: views[2], cause: "event" }]);
    expect(first.reviewAt).toBe(views[0]! + 7 * DAY_MS);
    const later = planReview(
      shipped, lead, { segmentId: "smb-qualified", since: views[2]!, evaluatedAt: NOW + 3 * HOUR, pendingCause: null, reviewAt: null }, NOW + 30 * DAY_MS,
    );
    expect(later.transitions).toEqual([{ from: "smb-qualified", to: "smb-nurture", at: views[0]! + 7 * DAY_MS, cause: "time" }]);
    expect(later.reviewAt).toBeNull();
  });

  it("agrees with reviewing at every instant the segment changes: a late review records each change in order", () => {
    fc.assert(
      fc.property(leads, (lead) => {
        const start = NOW - 40 * DAY_MS;
        const stored = { segmentId: ledgerSegment(sharp, lead, start), since: start, evaluatedAt: start, pendingCause: null, reviewAt: null };
        const { transitions } = planReview(sharp, lead, stored, NOW + 60 * DAY_MS);
        let [segment, t] = [stored.segmentId, start];
        for (const step of transitions) {
          expect(step.from).toBe(segment);
          expect(step.at).toBe(nextChange(sharp, lead, t, segment));
          expect(step.to).toBe(ledgerSegment(sharp, lead, step.at));
          [segment, t] = [step.to, step.at];
        }
        const after = nextChange(sharp, lead, t, segment);
        expect(after === null || after > NOW + 60 * DAY_MS).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
