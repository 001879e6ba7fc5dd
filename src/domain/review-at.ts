import { computeEngagement, DAY_MS, type ActivityRow } from "./activity";
import { ENGAGED_WINDOW_DAYS } from "./accounts";
import type { CompiledConfig } from "./compile";
import type { ConfigDocument } from "./config";
import { buildFacts, scoreFacts, unscoredFacts, type LeadInput, type UnscoredFacts } from "./facts";
import { resolveSegment } from "./segments";
import type { Traits } from "./traits";

/**
 * The segment ledger's time (issue 13). A lead's recorded segment is a property of the lead:
 * it is evaluated from the stored traits and activity alone, with NO request context
 * (country, language, path, UTM of one request), so it does not flicker with the page a
 * visitor happens to be on. A segment whose condition reads `context.*` is therefore only
 * served, never recorded, for that visitor (README "Segment ledger").
 *
 * With no new input, a lead's facts change only at these instants: an event's time (one
 * stored with a future time starts counting), an event leaving a signal's window
 * (`ts + windowDays`), and an event leaving the engagement horizon (`ts + horizonDays`).
 * Between two of them the engagement score is Σ pᵢ·2^(-(t-tᵢ)/h) = C·2^(-t/h): one
 * exponential, monotone towards 0 whatever the signs of the points, so the (rounded) score
 * passes each value once, and the segment, the level and the lead score can only change
 * where it passes a number some condition or level compares with. `nextChange` walks those
 * instants in order and answers the first at which the resolver's answer really changes.
 */

/** `account`: the lead's account changed (an upload, or its engaged contacts). */
export type Cause = "event" | "time" | "traits" | "identity" | "import" | "config" | "account";

/** The ledger's segment of a lead at `at`: stored traits and activity, no request context. */
export function ledgerSegment(config: CompiledConfig, lead: LeadInput, at: number): string {
  return resolveSegment(config, buildFacts(config.doc, lead, {}, at).facts).segment.id;
}

/**
 * The first instant after `from` at which the lead's ledger segment differs from `current`
 * (its segment at `from`) with no new input; null when it never will (every event eventually
 * leaves every window and the horizon, after which nothing changes).
 */
export function nextChange(config: CompiledConfig, lead: LeadInput, from: number, current = ledgerSegment(config, lead, from)): number | null {
  return walkBoundaries(config, lead, from, current, Infinity);
}

/**
 * How many boundaries one look walks at most. A long history has thousands (up to
 * RECENT_CAP events per kind, each leaving windows); walking them all at every write would
 * make a review's cost grow with the lead's history. After this many the look stops at a
 * checkpoint, and the review there walks on: the same instants, found a few at a time.
 */
export const BOUNDARIES_PER_LOOK = 24;

/**
 * When to look at the lead again: `nextChange`, or, when that lies beyond the next
 * BOUNDARIES_PER_LOOK boundaries, the last of them (a checkpoint where the segment is still
 * `current`). Never later than the change itself, so reviewing at each answer finds every change.
 */
export function nextReview(config: CompiledConfig, lead: LeadInput, from: number, current = ledgerSegment(config, lead, from)): number | null {
  return walkBoundaries(config, lead, from, current, BOUNDARIES_PER_LOOK);
}

function walkBoundaries(config: CompiledConfig, lead: LeadInput, from: number, current: string, maxBoundaries: number): number | null {
  let start = from;
  let atStart: UnscoredFacts | undefined;
  let walked = 0;
  for (const boundary of [...boundaries(config.doc, lead.activity, from, accountTimes(lead)), Infinity]) {
    const during = changeWhileDecaying(config, lead, start, boundary, current, atStart);
    if (during !== null) return during;
    if (boundary === Infinity) return null;
    // The lead's segment at the boundary, from the facts the next interval starts with.
    atStart = unscoredFacts(config.doc, lead, {}, boundary);
    const segment = resolveSegment(config, scoreFacts(config.doc, atStart, computeEngagement(config.doc, lead.activity, boundary).score)).segment.id;
    if (segment !== current || ++walked >= maxBoundaries) return boundary;
    start = boundary;
  }
  return null;
}

const segmentReadsOf = new WeakMap<CompiledConfig, { context: boolean; account: boolean }>();

/** Which facts can change a lead's segment: what its segment conditions, fit rules and engagement levels read. */
function segmentReads(config: CompiledConfig): { context: boolean; account: boolean } {
  let reads = segmentReadsOf.get(config);
  if (reads === undefined) {
    const { segments, scoring } = config.doc;
    const conditions = JSON.stringify([segments.map((s) => s.when), scoring.fit.rules.map((r) => r.when), scoring.engagement.levels]);
    reads = { context: /"context[."]/.test(conditions), account: /"account[."]/.test(conditions) };
    segmentReadsOf.set(config, reads);
  }
  return reads;
}

/**
 * Whether the request context can change a lead's segment: some segment condition, fit rule or
 * engagement level reads `context.*`. When none does, the segment a request served is the
 * ledger's, and a write path need not evaluate the lead a second time.
 */
export function readsRequestContext(config: CompiledConfig): boolean {
  return segmentReads(config).context;
}

/**
 * Whether an account's facts can change its leads' segments: some segment condition, fit rule
 * or engagement level reads `account.*`. When none does, a change of an account's rollup need
 * not mark the account's other leads for review (layers read it too, but only when served).
 */
export function readsAccount(config: CompiledConfig): boolean {
  return segmentReads(config).account;
}

/**
 * The instants the lead's account facts change with no input of the lead's own: each engaged
 * contact counts from its engagement (recorded by its review) and stops 30 days later.
 */
function accountTimes(lead: LeadInput): number[] {
  return (lead.account?.contacts ?? []).flatMap(([engagedAt]) => (engagedAt === null ? [] : [engagedAt, engagedAt + ENGAGED_WINDOW_DAYS * DAY_MS]));
}

/** Whether an account contact's engagement started at `at` (a change there is the account's). */
function isAccountTime(lead: LeadInput, at: number): boolean {
  return (lead.account?.contacts ?? []).some(([engagedAt]) => engagedAt === at);
}

/** Whether a stored event happened at `at` (a change there is the event's, not time's). */
export function isEventTime(lead: LeadInput, at: number): boolean {
  return lead.activity.some((row) => row.recent.includes(at));
}

export interface LedgerState {
  segmentId: string | null;
  since: number | null;
  /** The instant up to which `segmentId` is known right (null before the first review). */
  evaluatedAt: number | null;
  /** The cause a write marked the lead with, if one did since the last review. */
  pendingCause: Cause | null;
  /** When the write that marked `pendingCause` happened. */
  pendingAt?: number | null;
  /** When the lead became due: the computed time, or the first write's mark since the last review. */
  reviewAt: number | null;
  /** With `pendingCause` "traits": the lead's traits before that write (none kept: null). */
  priorTraits?: Traits | null;
}

export interface Transition {
  from: string | null;
  to: string;
  at: number;
  cause: Cause;
}

/**
 * One review of a lead at `now`: the changes since the last review, in order, each at its
 * exact instant, and the next instant to look again. When the stored segment is still the
 * resolver's answer at `evaluatedAt`, only events and time happened since (an event's effect
 * at an earlier instant is exact: later events do not count yet), and the review walks
 * `nextChange` from there to `now`. Otherwise something without a time changed (traits,
 * identity, the configuration) or the lead was never reviewed: one change at the instant the
 * lead became due (the first write's mark), with the cause it marked, then the walk from there.
 */
export function planReview(config: CompiledConfig, lead: LeadInput, stored: LedgerState, asked: number): Plan {
  const caughtUp = catchUpBeforeTraits(config, lead, stored, asked);
  if (caughtUp) return caughtUp;
  // Never back in time: a review that started before another one wrote reviews at that one's instant.
  const now = Math.max(asked, stored.evaluatedAt ?? asked);
  const transitions: Transition[] = [];
  let current = stored.segmentId;
  let since = stored.since;
  // Walks from `from` to `now`; answers the segment at `now` and the first look after `now`
  // (the walk's last answer is already the next review: no change lies between it and now).
  const walk = (from: number, segment: string) => {
    for (let t = from; ; ) {
      const next = nextReview(config, lead, t, segment);
      if (next === null || next > now) return { segment, next };
      const to = ledgerSegment(config, lead, next);
      t = next;
      if (to === segment) continue; // a checkpoint: walk on from there
      const cause = isEventTime(lead, next) ? "event" : isAccountTime(lead, next) ? "account" : "time";
      transitions.push({ from: segment, to, at: next, cause });
      [segment, since, current] = [to, next, to];
    }
  };
  const from = stored.evaluatedAt;
  let end: { segment: string; next: number | null };
  // Traits, identity, an import or a configuration have no time of their own: the stored data
  // already holds them, so walking the time before they happened would apply them too early.
  const timeless = stored.pendingCause !== null && stored.pendingCause !== "event";
  if (!timeless && current !== null && from !== null && ledgerSegment(config, lead, from) === current) {
    end = walk(from, current);
  } else {
    const at = Math.min(now, Math.max(stored.pendingAt ?? stored.reviewAt ?? now, from ?? -Infinity));
    const segment = ledgerSegment(config, lead, at);
    if (segment !== current) {
      transitions.push({ from: current, to: segment, at, cause: stored.pendingCause ?? "config" });
      [current, since] = [segment, at];
    }
    end = walk(at, segment);
  }
  return { transitions, segmentId: end.segment, since: since ?? now, evaluatedAt: now, reviewAt: end.next };
}

export interface Plan {
  transitions: Transition[];
  segmentId: string;
  since: number;
  evaluatedAt: number;
  reviewAt: number | null;
}

/**
 * After a write that marked the lead: whether to review it at once, given the segment it has
 * now. Yes when that differs from the recorded one or another configuration recorded it, and
 * after a traits write that kept the traits it replaced: time may have moved the lead before
 * it, and a second traits write before the sweep would leave nothing to walk those under.
 * Otherwise the mark stays and the sweep confirms the lead in bulk.
 */
export function writeNeedsReview(configVersion: number, state: LedgerState & { configVersion: number | null }, segment: string): boolean {
  return state.configVersion !== configVersion || state.segmentId !== segment || !!state.priorTraits;
}

/**
 * A traits write with the traits it replaced: the time before it ran under those, so a change
 * time made before the write (a lead cooling while the cron had not yet looked) is recorded
 * at its instant, and the write's own change after it. Null when there is nothing to walk.
 */
function catchUpBeforeTraits(config: CompiledConfig, lead: LeadInput, stored: LedgerState, asked: number): Plan | null {
  const { priorTraits, pendingAt, evaluatedAt, segmentId } = stored;
  if (stored.pendingCause !== "traits" || !priorTraits || pendingAt == null || evaluatedAt === null || segmentId === null) return null;
  const before = { ...lead, traits: priorTraits };
  if (pendingAt - 1 <= evaluatedAt || ledgerSegment(config, before, evaluatedAt) !== segmentId) return null;
  const untilWrite = planReview(config, before, { ...stored, pendingCause: null, pendingAt: null, priorTraits: null }, pendingAt - 1);
  const { segmentId: segment, since, evaluatedAt: walked } = untilWrite;
  const fromWrite = planReview(config, lead, { ...stored, segmentId: segment, since, evaluatedAt: walked, priorTraits: null }, asked);
  return { ...fromWrite, transitions: [...untilWrite.transitions, ...fromWrite.transitions] };
}

/**
 * A review under the active configuration (`configVersion`) of a lead recorded under
 * `stored.configVersion`. A new configuration is a change without a time of its own, at the
 * review that applies it: the recorded segment holds until then, and the new rules' walk
 * starts there. (A pending event's own change was already recorded after its response when
 * there was one; a pending traits, identity or import change keeps its cause and time.)
 */
export function reviewUnder(
  config: CompiledConfig,
  configVersion: number,
  lead: LeadInput,
  stored: LedgerState & { configVersion: number | null },
  now: number,
) {
  const changedConfig = stored.configVersion !== null && stored.configVersion !== configVersion;
  const applied =
    changedConfig && (stored.pendingCause === null || stored.pendingCause === "event")
      ? { ...stored, pendingCause: "config" as const, pendingAt: now, evaluatedAt: now, reviewAt: now }
      : stored;
  return planReview(config, lead, applied, now);
}

/** The instants after `from` at which a signal count or the set of scored events changes, sorted. */
function boundaries(doc: ConfigDocument, activity: ActivityRow[], from: number, accountTimes: number[] = []): number[] {
  const out = new Set<number>();
  const horizonMs = doc.scoring.engagement.horizonDays * DAY_MS;
  const add = (t: number) => t > from && out.add(t);
  for (const t of accountTimes) add(t);
  for (const row of activity) {
    const at = row.key.indexOf(":");
    const [type, category] = [row.key.slice(0, at), row.key.slice(at + 1)];
    const windows = Object.values(doc.signals)
      .filter((s) => s.event === type && (s.category === undefined || s.category === category))
      .map((s) => s.windowDays * DAY_MS);
    const rule = doc.scoring.engagement.points.find((r) => r.event === type && (r.category === undefined || r.category === category));
    if (rule) windows.push(horizonMs);
    if (windows.length === 0) continue;
    for (const ts of row.recent) {
      add(ts);
      for (const w of windows) add(ts + w);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The first instant in (start, end) at which the segment differs from `current` while only
 * the engagement score moves (no boundary inside). The score is rounded to cents; the
 * segment is a function of it here, constant between the cents next to the numbers
 * conditions compare with ("probes"), so only probes are tried, in the order the score
 * reaches them; the instant it first reaches one is found by bisection over milliseconds.
 */
function changeWhileDecaying(config: CompiledConfig, lead: LeadInput, start: number, end: number, current: string, atStart?: UnscoredFacts): number | null {
  const score = (t: number) => computeEngagement(config.doc, lead.activity, t).score;
  let from = start;
  for (;;) {
    const s = score(from);
    if (s === 0) return null;
    const falling = s > 0;
    const last = end === Infinity ? 0 : score(end - 1);
    const passes = (value: number, g: number) => (falling ? value <= g : value >= g);
    // Every other fact is constant until `end`: derived once, tried with each probe's score.
    const unscored = from === start && atStart ? atStart : unscoredFacts(config.doc, lead, {}, from);
    const withScore = (value: number) => resolveSegment(config, scoreFacts(config.doc, unscored, value)).segment.id;
    const probes = probeScores(config, unscored.fitScore).filter((g) => (falling ? g < s && g >= last : g > s && g <= last));
    if (falling) probes.reverse();
    const differing = probes.find((g) => withScore(g) !== current);
    if (differing === undefined) return null;
    // Bisection: `lo` has not passed the probe, `hi` has.
    let lo = from;
    let hi = end === Infinity ? from + DAY_MS : end - 1;
    while (!passes(score(hi), differing)) hi = from + (hi - from) * 2;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (passes(score(mid), differing)) hi = mid;
      else lo = mid;
    }
    // The score may step over the probe's value (fast decay): look again from there.
    if (ledgerSegment(config, lead, hi) !== current) return hi;
    from = hi;
  }
}

const literalsOf = new WeakMap<CompiledConfig, number[]>();

/** Every number a segment condition or an engagement level compares with. */
function literals(config: CompiledConfig): number[] {
  let found = literalsOf.get(config);
  if (!found) {
    const numbers = new Set<number>([0]);
    const visit = (v: unknown): void => {
      if (typeof v === "number" && Number.isFinite(v)) numbers.add(v);
      else if (typeof v === "object" && v !== null) Object.values(v).forEach(visit);
    };
    const { levels } = config.doc.scoring.engagement;
    visit(config.doc.segments.map((s) => s.when));
    visit([levels.high, levels.medium]);
    found = [...numbers];
    literalsOf.set(config, found);
  }
  return found;
}

const probesOf = new WeakMap<CompiledConfig, Map<number, number[]>>();

/**
 * Engagement scores (whole cents) next to which the segment may change, ascending: each
 * literal, and the scores at which the 0–100 lead score (rounded) steps past a literal; with
 * each, the cents on either side, so a value between two literals is always among them. A
 * function of the configuration and the lead's fit score alone, so kept per configuration.
 */
function probeScores(config: CompiledConfig, fit: number): number[] {
  let byFit = probesOf.get(config);
  if (!byFit) probesOf.set(config, (byFit = new Map()));
  let probes = byFit.get(fit);
  if (!probes) {
    const { fitWeight, engagementWeight } = config.doc.scoring.leadScore;
    const candidates: number[] = [];
    for (const v of literals(config)) {
      candidates.push(v);
      if (engagementWeight > 0) {
        for (let k = Math.floor(v) - 1; k <= Math.floor(v) + 1; k++) candidates.push((k + 0.5 - fitWeight * fit) / engagementWeight);
      }
    }
    const cents = new Set<number>();
    for (const c of candidates) {
      const [down, up] = [Math.floor(c * 100), Math.ceil(c * 100)];
      for (const k of [down - 1, down, up, up + 1]) cents.add(k);
    }
    probes = [...cents].sort((a, b) => a - b).map((c) => c / 100);
    // Fit scores are few (sums of the rules' points); the bound only keeps a pathological configuration in check.
    if (byFit.size >= 256) byFit.clear();
    byFit.set(fit, probes);
  }
  return probes;
}
