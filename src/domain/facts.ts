import { computeEngagement, computeSignals, round2, type ActivityRow, type EngagementComponent } from "./activity";
import { matchesCondition } from "./conditions";
import type { ConfigDocument } from "./config";
import type { HoldoutArm } from "./holdout";
import type { Traits } from "./traits";

export type EngagementLevel = "high" | "medium" | "low";

/** What the request itself says about the visitor (never stored as a trait). */
export interface RequestContext {
  country?: string;
  language?: string;
  path?: string;
  utm?: Record<string, string>;
}

/** The object segment conditions are evaluated against. */
export interface Facts {
  company: NonNullable<Traits["company"]>;
  person: NonNullable<Traits["person"]>;
  signals: Record<string, number>;
  engagement: { score: number; level: EngagementLevel };
  fit: { score: number };
  score: number;
  context: { country?: string; language?: string; path?: string; utm: Record<string, string> };
}

/** Facts a caller states instead of deriving them (what-if evaluation). */
export interface GivenFacts {
  company?: Facts["company"];
  person?: Facts["person"];
  signals?: Record<string, number>;
  engagement?: Partial<Facts["engagement"]>;
  fit?: Partial<Facts["fit"]>;
  score?: number;
  context?: Partial<Facts["context"]>;
}

export interface FitItem {
  id: string;
  label: string;
  points: number;
  matched: boolean;
}

export interface ScoreExplanation {
  engagement: { score: number; level: EngagementLevel; halfLifeDays: number; components: EngagementComponent[] };
  fit: { score: number; items: FitItem[] };
  score: { value: number; fitWeight: number; engagementWeight: number };
}

export interface LeadInput {
  traits: Traits;
  activity: ActivityRow[];
  /** The lead's id (its holdout bucket), when it is a stored lead. */
  leadId?: string | null;
  /** The holdout arms recorded for the lead, per segment (src/domain/holdout.ts). */
  holdouts?: Readonly<Record<string, HoldoutArm>>;
}

/**
 * Derives every fact for one lead as of `now`: signals, then engagement (its level may
 * use signals), then fit, then the 0–100 lead score. Facts in `given` replace the derived
 * ones at each step, so later steps use them.
 */
export function buildFacts(
  doc: ConfigDocument,
  lead: LeadInput,
  context: RequestContext,
  now: number,
  given: GivenFacts = {},
): { facts: Facts; explanation: ScoreExplanation } {
  const base = {
    company: { ...lead.traits.company, ...given.company },
    person: { ...lead.traits.person, ...given.person },
    signals: ownOnly(computeSignals(doc, lead.activity, now), given.signals),
    context: { ...context, ...given.context, utm: ownOnly(given.context?.utm ?? context.utm) },
  };

  const { levels, halfLifeDays } = doc.scoring.engagement;
  const engagement = computeEngagement(doc, lead.activity, now);
  const engagementScore = given.engagement?.score ?? engagement.score;
  const level: EngagementLevel =
    given.engagement?.level ??
    (reaches(levels.high, engagementScore, base) ? "high" : reaches(levels.medium, engagementScore, base) ? "medium" : "low");

  const items: FitItem[] = doc.scoring.fit.rules.map((r) => ({
    id: r.id,
    label: r.label,
    points: r.points,
    matched: matchesCondition(base, r.when),
  }));
  const fitScore = given.fit?.score ?? round2(items.reduce((sum, i) => sum + (i.matched ? i.points : 0), 0));

  const { fitWeight, engagementWeight } = doc.scoring.leadScore;
  const score = given.score ?? Math.round(clamp(fitWeight * fitScore + engagementWeight * engagementScore, 0, 100));

  return {
    facts: { ...base, engagement: { score: engagementScore, level }, fit: { score: fitScore }, score },
    explanation: {
      engagement: { score: engagementScore, level, halfLifeDays, components: engagement.components },
      fit: { score: fitScore, items },
      score: { value: score, fitWeight, engagementWeight },
    },
  };
}

/**
 * The facts named by ids (signals, UTM parameters) as an object without a prototype: the
 * condition library looks paths up with `in`, so `context.utm.constructor` would otherwise
 * find `Object` for every visitor.
 */
function ownOnly<T>(...sources: (Record<string, T> | undefined)[]): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, ...sources);
}

function reaches(level: { above: number; orWhen?: Record<string, unknown> }, score: number, facts: object): boolean {
  return score > level.above || (level.orWhen !== undefined && matchesCondition(facts, level.orWhen));
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
