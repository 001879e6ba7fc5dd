import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activityKey, DAY_MS, RECENT_CAP, type ActivityRow } from "../../src/domain/activity";
import { compileConfig, type CompiledConfig } from "../../src/domain/compile";
import type { EventType } from "../../src/domain/config";
import type { LeadInput } from "../../src/domain/facts";
import { ledgerSegment, reviewUnder, writeNeedsReview, type Cause, type LedgerState, type Transition } from "../../src/domain/review-at";
import { defaultConfig } from "../support/config";

/**
 * The ledger's exactness (issue 13), as a simulation of production over random histories of
 * events, traits and configuration changes: each write marks the lead (the CASE rule of
 * `markForReview`) and is reviewed at once when its segment differs; the cron reviews due
 * leads at or after their `reviewAt` (sometimes late, never after the next input); an
 * activation re-evaluates the lead when it happens. The oracle is the pure resolver at each
 * instant, with the inputs up to that instant and the configuration active then.
 */

const T0 = Date.UTC(2027, 0, 4, 9);
const END = T0 + 60 * DAY_MS;

const shipped = defaultConfig();
/** Another configuration: other thresholds, windows and decay, so an activation moves leads. */
const variant: CompiledConfig = (() => {
  const doc = structuredClone(shipped.doc);
  doc.scoring.engagement.halfLifeDays = 2;
  for (const signal of Object.values(doc.signals)) signal.windowDays = Math.max(1, Math.round(signal.windowDays / 2));
  doc.segments.unshift({ id: "keen", name: "Keen", when: { "engagement.score": { $gte: 15, $lt: 35 } } });
  return compileConfig(doc);
})();
const CONFIGS = [shipped, variant];

const KINDS: [EventType, string][] = [["page_view", "pricing"], ["page_view", "demo"], ["page_view", "docs"], ["cta_click", "other"], ["form_submit", "other"]];

type Input =
  | { t: number; kind: "event"; event: [EventType, string] }
  | { t: number; kind: "traits"; employees: number }
  | { t: number; kind: "config"; to: number };

const input = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("event" as const), event: fc.constantFrom(...KINDS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("traits" as const), employees: fc.constantFrom(20, 150, 500, 3000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("config" as const), to: fc.constantFrom(0, 1) }) },
);
/** Inputs at distinct, increasing times over 30 days (gaps of a minute to a few days). */
const histories = fc
  .array(fc.tuple(input, fc.integer({ min: 60_000, max: 3 * DAY_MS })), { minLength: 1, maxLength: 30 })
  .map((steps) => {
    let t = T0;
    return steps.map(([step, gap]) => ({ ...step, t: (t += gap) }) as Input);
  });
/** How late each cron review runs after the lead became due (0: on time; Infinity: not before the next write). */
const lateness = fc.array(fc.constantFrom(0, 0, 60_000, 3_600_000, DAY_MS, Infinity), { minLength: 1, maxLength: 40 });

interface World {
  lead: LeadInput;
  version: number;
}

function applyInput(world: World, step: Input): void {
  if (step.kind === "traits") world.lead = { ...world.lead, traits: { company: { employees: step.employees } } };
  else if (step.kind === "config") world.version = step.to;
  else {
    const key = activityKey(...step.event);
    const rows = world.lead.activity.filter((r) => r.key !== key);
    const row: ActivityRow = world.lead.activity.find((r) => r.key === key) ?? { key, total: 0, recent: [] };
    rows.push({ key, total: row.total + 1, recent: [step.t, ...row.recent].slice(0, RECENT_CAP) });
    world.lead = { ...world.lead, activity: rows };
  }
}

/** Production, simulated: the transitions recorded, and every instant a review ran or was due. */
function simulate(history: Input[], late: number[]) {
  const world: World = { lead: { traits: { company: { employees: 150 } }, activity: [] }, version: 0 };
  let state: LedgerState & { configVersion: number | null } = {
    segmentId: null, since: null, configVersion: null, evaluatedAt: null, pendingCause: null, pendingAt: null, reviewAt: null,
  };
  const recorded: Transition[] = [];
  const instants: number[] = [];
  let lateIndex = 0;
  const review = (now: number) => {
    const plan = reviewUnder(CONFIGS[world.version]!, world.version + 1, world.lead, state, now);
    recorded.push(...plan.transitions);
    instants.push(now, ...(plan.reviewAt === null ? [] : [plan.reviewAt]));
    state = { segmentId: plan.segmentId, since: plan.since, configVersion: world.version + 1, evaluatedAt: now, pendingCause: null, pendingAt: null, reviewAt: plan.reviewAt };
  };
  // A late cron may not run before the next write (Infinity): a traits write then lands after
  // a change of time the ledger has not recorded yet. (An activation reaches every lead first.)
  const cronUntil = (before: number, mayMiss: boolean) => {
    while (state.reviewAt !== null && state.reviewAt < before) {
      const delay = late[lateIndex++ % late.length]!;
      if (delay === Infinity && mayMiss) return;
      review(Math.min(state.reviewAt + (delay === Infinity ? 0 : delay), before - 1));
    }
  };
  // markForReview's CASE rule, and keepPriorTraits before a traits write.
  const mark = (cause: Cause, t: number, traitsBefore: LeadInput["traits"]) => {
    const takes = state.pendingCause === null || (state.pendingCause === "event" && cause !== "event");
    const prior = cause === "traits" && takes ? { priorTraits: traitsBefore } : {};
    state = { ...state, reviewAt: Math.min(state.reviewAt ?? t, t), ...prior, ...(takes ? { pendingCause: cause, pendingAt: t } : {}) };
  };
  for (const step of history) {
    cronUntil(step.t, step.kind === "traits");
    const traitsBefore = world.lead.traits;
    applyInput(world, step);
    if (step.kind === "config") {
      review(step.t); // the activation's re-evaluation reaches the lead
      continue;
    }
    mark(step.kind === "traits" ? "traits" : "event", step.t, traitsBefore);
    // The write path: a review after the response only when writeNeedsReview says so.
    if (writeNeedsReview(world.version + 1, state, ledgerSegment(CONFIGS[world.version]!, world.lead, step.t))) review(step.t);
  }
  cronUntil(END, false);
  return { recorded, instants };
}

/** The resolver's answer at `t`: the inputs up to `t`, under the configuration active at `t`. */
function oracle(history: Input[], t: number): string {
  const world: World = { lead: { traits: { company: { employees: 150 } }, activity: [] }, version: 0 };
  for (const step of history) if (step.t <= t) applyInput(world, step);
  return ledgerSegment(CONFIGS[world.version]!, world.lead, t);
}

function causeAt(history: Input[], at: number): Cause {
  const step = history.find((s) => s.t === at);
  return step === undefined ? "time" : step.kind === "config" ? "config" : step.kind === "traits" ? "traits" : "event";
}

describe("the segment ledger over random histories of events, traits and configuration changes", () => {
  it("records exactly the resolver's changes, each at its instant with its cause, and nothing between them", () => {
    fc.assert(
      fc.property(histories, lateness, fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 8, maxLength: 8 }), (history, late, samples) => {
        const { recorded, instants } = simulate(history, late);
        // A chain: each change starts where the last one ended, in time order.
        recorded.forEach((step, i) => {
          expect(step.from).toBe(i === 0 ? null : recorded[i - 1]!.to);
          if (i > 0) expect(step.at).toBeGreaterThan(recorded[i - 1]!.at);
          expect(step.to).toBe(oracle(history, step.at));
          if (step.from !== null) expect(oracle(history, step.at - 1)).toBe(step.from);
          expect(step.cause).toBe(causeAt(history, step.at));
        });
        // The recorded segment at any instant: the last change at or before it.
        const recordedAt = (t: number) => recorded.filter((s) => s.at <= t).at(-1)?.to ?? null;
        // At every input time and every review instant, the record agrees with the resolver.
        for (const t of [...history.map((s) => s.t), ...instants].filter((t) => t >= recorded[0]!.at && t <= END)) {
          expect(recordedAt(t)).toBe(oracle(history, t));
        }
        // Between two recorded instants (and after the last), the resolver's answer never changes.
        const bounds = [...recorded.map((s) => s.at), END];
        for (let i = 0; i + 1 < bounds.length; i++) {
          for (const f of samples) {
            const t = bounds[i]! + Math.floor(f * (bounds[i + 1]! - bounds[i]!));
            expect(oracle(history, t)).toBe(recorded[i]!.to);
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});
