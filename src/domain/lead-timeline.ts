import type { ActivityRow } from "./activity";
import { DAY_MS } from "./activity";
import type { CompiledConfig } from "./compile";
import { evaluateLead } from "./evaluate";
import type { EngagementLevel, LeadInput } from "./facts";

/**
 * The stored activity as it was at `at`: the timestamps after it removed (from `recent` and
 * from `total`). Exact for everything computed from `recent` (windows, decayed engagement)
 * back to the oldest timestamp kept: RECENT_CAP per kind, and what retention deleted is gone.
 */
export function activityAsOf(activity: ActivityRow[], at: number): ActivityRow[] {
  return activity.map((row) => {
    const kept = row.recent.filter((ts) => ts <= at);
    return { key: row.key, total: Math.max(0, row.total - (row.recent.length - kept.length)), recent: kept };
  });
}

export interface TimelinePoint {
  /** Epoch ms. */
  at: number;
  engagement: number;
  level: EngagementLevel;
  score: number;
  segment: string;
}

/**
 * A lead's engagement, lead score and segment day by day, `pastDays` back and `futureDays`
 * ahead of `now`, from the resolver's own scoring (evaluateLead): the past from the activity
 * stored by then (traits as they are now: their history is not kept), the future as decay and
 * windows ageing with no new activity. Cost: (pastDays + futureDays + 1) evaluations.
 */
export function leadTimeline(config: CompiledConfig, lead: LeadInput, now: number, pastDays = 30, futureDays = 30): TimelinePoint[] {
  const points: TimelinePoint[] = [];
  for (let day = -pastDays; day <= futureDays; day++) {
    const at = now + day * DAY_MS;
    const activity = day < 0 ? activityAsOf(lead.activity, at) : lead.activity;
    const { facts, segment } = evaluateLead(config, { traits: lead.traits, activity }, {}, at);
    points.push({ at, engagement: facts.engagement.score, level: facts.engagement.level, score: facts.score, segment: segment.id });
  }
  return points;
}

export interface RecentActivity {
  type: string;
  category: string;
  /** Epoch ms. */
  at: number;
}

/**
 * The lead's newest `limit` events (type, page category, time), from the aggregate rows the
 * resolver reads anyway: bounded by RECENT_CAP per kind, never a scan of the events table.
 */
export function recentActivity(activity: ActivityRow[], limit: number): RecentActivity[] {
  const all: RecentActivity[] = [];
  for (const row of activity) {
    const at = row.key.indexOf(":");
    const [type, category] = [row.key.slice(0, at), row.key.slice(at + 1)];
    for (const ts of row.recent.slice(0, limit)) all.push({ type, category, at: ts });
  }
  return all.sort((a, b) => b.at - a.at).slice(0, limit);
}
