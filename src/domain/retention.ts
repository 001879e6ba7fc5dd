import { DAY_MS } from "./activity";
import type { ConfigDocument } from "./config";

/**
 * How long data is kept (the configuration's `retention`): raw events for `eventsDays`,
 * anonymous leads until they have been idle for `anonymousDays`. The sweep that enforces it
 * runs from the cron (src/app/retention.ts).
 *
 * The invariant that keeps every score exact after a sweep:
 * 1. Signals, engagement and the segment are computed from `lead_activity` (a total and the
 *    newest timestamps per `type:category`) and traits only, never from raw events. Deleting
 *    raw events fires no trigger, and the sweep never writes `lead_activity` or traits of a
 *    lead it keeps: a kept lead's facts are the same before and after, at every time.
 * 2. Raw events matter afterwards only as deduplication (an imported id the lead already has;
 *    a copy both sides of a merge hold), and deduplication is lost only for deleted events,
 *    all older than `eventsDays`. `eventsDays` is never below the engagement horizon nor the
 *    longest signal window (validated; the default follows them), and windows and decay
 *    only look back from now, so such an event, counted again, lies outside every window
 *    and the horizon from the sweep on: no signal, score or segment can change.
 * 3. Only anonymous leads are deleted whole (lead, visitors, events, aggregates, in one
 *    transaction, chosen in SQL there), and only when nothing happened to them for
 *    `anonymousDays`: a visitor that comes back afterwards starts a new anonymous lead.
 */
export const DEFAULT_EVENTS_DAYS = 180;
export const DEFAULT_ANONYMOUS_DAYS = 90;

export interface RetentionPolicy {
  eventsDays: number;
  anonymousDays: number;
}

/** The longest time any score looks back, and the setting that says so. */
export interface Lookback {
  days: number;
  /** JSON path of the setting, e.g. `scoring.engagement.horizonDays`. */
  setting: string;
}

/** The engagement horizon or the longest signal window, whichever is longer. */
export function scoringLookback(horizonDays: number, windows: [name: string, windowDays: number][]): Lookback {
  let longest: Lookback = { days: horizonDays, setting: "scoring.engagement.horizonDays" };
  for (const [name, days] of windows) {
    if (days > longest.days) longest = { days, setting: `signals.${name}.windowDays` };
  }
  return longest;
}

/** The configured retention, with defaults: events are never kept for less than the look-back. */
export function retentionPolicy(doc: ConfigDocument): RetentionPolicy {
  const lookback = scoringLookback(
    doc.scoring.engagement.horizonDays,
    Object.entries(doc.signals).map(([name, s]) => [name, s.windowDays]),
  );
  return {
    eventsDays: doc.retention?.eventsDays ?? Math.max(DEFAULT_EVENTS_DAYS, lookback.days),
    anonymousDays: doc.retention?.anonymousDays ?? DEFAULT_ANONYMOUS_DAYS,
  };
}

/**
 * What a sweep at `now` deletes: events with `ts < eventsBefore` (an event exactly
 * `eventsDays` old is kept), anonymous leads whose newest activity is before `idleBefore`.
 */
export function retentionCutoffs(policy: RetentionPolicy, now: number): { eventsBefore: number; idleBefore: number } {
  return { eventsBefore: now - policy.eventsDays * DAY_MS, idleBefore: now - policy.anonymousDays * DAY_MS };
}
