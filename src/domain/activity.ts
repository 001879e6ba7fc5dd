import type { ConfigDocument, EventType } from "./config";

/**
 * How many timestamps per `type:category` the store keeps, newest first (see the events
 * trigger). Windowed counts are exact up to this many events of one kind in a window, and
 * reading a lead costs at most this many numbers per kind however long its history is.
 */
export const RECENT_CAP = 200;
export const DAY_MS = 86_400_000;

/**
 * The default of `scoring.engagement.publicDailyCap`. With the shipped points a keen real
 * visitor stays below it: 100 docs pages (200), 20 pricing or demo views (200), 10 CTA
 * clicks (30), 2 forms (10) and a conversion (20) in one day is 460, while "high"
 * engagement starts above 30. A script replaying events stops here, per visitor and day.
 */
export const PUBLIC_DAILY_CAP = 500;

/** The points an event earns: those of the first rule that matches it (0 when none does). */
export function eventPoints(doc: ConfigDocument, type: EventType, category: string): number {
  const rule = doc.scoring.engagement.points.find((r) => r.event === type && (r.category === undefined || r.category === category));
  return rule?.points ?? 0;
}

/** The daily cap on public events: each event's points and the configured cap (see LeadStore). */
export function publicPointsCap(doc: ConfigDocument, events: { type: EventType; category: string }[]) {
  return { points: events.map((e) => eventPoints(doc, e.type, e.category)), cap: doc.scoring.engagement.publicDailyCap ?? PUBLIC_DAILY_CAP };
}

/** One stored aggregate row: all events of one type and page category for a lead. */
export interface ActivityRow {
  key: string;
  total: number;
  /** Epoch-ms timestamps of the most recent events, newest first (at most RECENT_CAP). */
  recent: number[];
}

export function activityKey(type: EventType, category: string): string {
  return `${type}:${category}`;
}

function splitKey(key: string): { type: string; category: string } {
  const at = key.indexOf(":");
  return { type: key.slice(0, at), category: key.slice(at + 1) };
}

/** Events in (now - windowMs, now], by binary search over the newest-first timestamps. */
function countInWindow(recent: number[], now: number, windowMs: number): number {
  return firstIndexAtOrBelow(recent, now - windowMs) - firstIndexAtOrBelow(recent, now);
}

/** Index of the first timestamp ≤ `bound` in a newest-first array (its length if none). */
function firstIndexAtOrBelow(recent: number[], bound: number): number {
  let lo = 0;
  let hi = recent.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (recent[mid]! > bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The store keeps `recent` newest first; anything else (hand-written rows) is sorted here. */
export function newestFirst(timestamps: number[]): number[] {
  for (let i = 1; i < timestamps.length; i++) {
    if (timestamps[i]! > timestamps[i - 1]!) return [...timestamps].sort((a, b) => b - a);
  }
  return timestamps;
}

/** Every declared signal's windowed count, as of `now`. */
export function computeSignals(doc: ConfigDocument, activity: ActivityRow[], now: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, signal] of Object.entries(doc.signals)) {
    let count = 0;
    for (const row of activity) {
      const { type, category } = splitKey(row.key);
      if (type !== signal.event || (signal.category !== undefined && category !== signal.category)) continue;
      count += countInWindow(row.recent, now, signal.windowDays * DAY_MS);
    }
    out[name] = count;
  }
  return out;
}

export interface EngagementComponent {
  event: string;
  category: string | null;
  points: number;
  /** Events that earned these points within the horizon. */
  count: number;
  /** Points before decay (`points * count`) and after it. */
  raw: number;
  decayed: number;
}

/**
 * Engagement score: each event earns the points of the first matching rule, halved every
 * `halfLifeDays` since it happened. Computed at read time from the stored timestamps, so a
 * lead cools down with no write and no cron.
 */
export function computeEngagement(doc: ConfigDocument, activity: ActivityRow[], now: number) {
  const { halfLifeDays, horizonDays, points } = doc.scoring.engagement;
  // 0.5^(age / halfLife) = e^(-age · ln2 / halfLife): one exp per event.
  const rate = -Math.LN2 / (halfLifeDays * DAY_MS);
  const horizonMs = horizonDays * DAY_MS;
  const components: EngagementComponent[] = points.map((r) => ({
    event: r.event,
    category: r.category ?? null,
    points: r.points,
    count: 0,
    raw: 0,
    decayed: 0,
  }));
  for (const row of activity) {
    const { type, category } = splitKey(row.key);
    const ruleIndex = points.findIndex((r) => r.event === type && (r.category === undefined || r.category === category));
    if (ruleIndex < 0) continue;
    const component = components[ruleIndex]!;
    let decay = 0;
    let count = 0;
    for (const ts of row.recent) {
      const age = now - ts;
      if (age < 0) continue;
      if (age >= horizonMs) break; // newest first: the rest is older still
      count++;
      decay += Math.exp(age * rate);
    }
    component.count += count;
    component.raw += component.points * count;
    component.decayed += component.points * decay;
  }
  const score = round2(components.reduce((sum, c) => sum + c.decayed, 0));
  for (const c of components) c.decayed = round2(c.decayed);
  return { score, components: components.filter((c) => c.count > 0) };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
