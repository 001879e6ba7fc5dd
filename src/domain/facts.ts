import { accountCompany, accountFacts, type AccountFacts, type StoredAccount } from "./accounts";
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
  /** The lead's account (src/domain/accounts.ts): its fields and its engaged contacts' rollup. */
  account: AccountFacts;
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
  account?: Partial<AccountFacts>;
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

/** Where a company or person fact's value came from: the lead's trusted traits, its account, or a form (claimed). */
export type TraitSource = "trusted" | "account" | "claimed";

export interface ScoreExplanation {
  /** Per `company.*` / `person.*` fact with a value not from the lead's trusted traits: its source. */
  sources: Record<string, Exclude<TraitSource, "trusted">>;
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
  /** The lead's account with its rollup, when it has one. */
  account?: StoredAccount | null;
  /** Traits the visitor stated in forms (src/domain/claimed-traits.ts). */
  claimed?: Traits;
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
  const unscored = unscoredFacts(doc, lead, context, now, given);
  const engagement = computeEngagement(doc, lead.activity, now);
  const facts = scoreFacts(doc, unscored, given.engagement?.score ?? engagement.score, given);
  const { fitWeight, engagementWeight } = doc.scoring.leadScore;
  return {
    facts,
    explanation: {
      sources: unscored.sources,
      engagement: { ...facts.engagement, halfLifeDays: doc.scoring.engagement.halfLifeDays, components: engagement.components },
      fit: { score: facts.fit.score, items: unscored.fitItems },
      score: { value: facts.score, fitWeight, engagementWeight },
    },
  };
}

/** A lead's facts as of a time, but for its engagement score and what follows from it (its level and the lead score). */
export interface UnscoredFacts {
  base: Omit<Facts, "engagement" | "fit" | "score">;
  fitItems: FitItem[];
  fitScore: number;
  sources: ScoreExplanation["sources"];
}

/**
 * Every fact that does not depend on the engagement score (fit is a function of these), so
 * that `scoreFacts` can try many scores at one instant for the price of one derivation (the
 * segment ledger's search for when a decaying score changes a segment: src/domain/review-at.ts).
 */
export function unscoredFacts(doc: ConfigDocument, lead: LeadInput, context: RequestContext, now: number, given: GivenFacts = {}): UnscoredFacts {
  // Precedence per field: what the caller states, the lead's trusted traits, its account, then
  // what the visitor claimed in a form (a claim never overrides data the customer holds).
  const fromAccount = accountCompany(lead.account ?? null);
  const company = { ...lead.claimed?.company, ...fromAccount, ...lead.traits.company, ...given.company };
  const person = { ...lead.claimed?.person, ...lead.traits.person, ...given.person };
  const sources: ScoreExplanation["sources"] = {};
  for (const key of Object.keys(company) as (keyof typeof company)[]) {
    if (given.company?.[key] !== undefined || lead.traits.company?.[key] !== undefined) continue;
    sources[`company.${key}`] = Object.hasOwn(fromAccount, key) ? "account" : "claimed";
  }
  for (const key of Object.keys(person) as (keyof typeof person)[]) {
    if (given.person?.[key] === undefined && lead.traits.person?.[key] === undefined) sources[`person.${key}`] = "claimed";
  }
  const base = {
    company: withOwnCustom(company),
    person: withOwnCustom(person),
    account: { ...accountFacts(lead.account ?? null, now, doc.scoring.engagement.halfLifeDays), ...given.account },
    signals: ownOnly(computeSignals(doc, lead.activity, now), given.signals),
    context: { ...context, ...given.context, utm: ownOnly(given.context?.utm ?? context.utm) },
  };
  const fitItems: FitItem[] = doc.scoring.fit.rules.map((r) => ({
    id: r.id,
    label: r.label,
    points: r.points,
    matched: matchesCondition(base, r.when),
  }));
  const fitScore = given.fit?.score ?? round2(fitItems.reduce((sum, i) => sum + (i.matched ? i.points : 0), 0));
  return { base, fitItems, fitScore, sources };
}

/** The facts with this engagement score: its level (which may read signals) and the 0–100 lead score. */
export function scoreFacts(doc: ConfigDocument, unscored: UnscoredFacts, engagementScore: number, given: GivenFacts = {}): Facts {
  const { base, fitScore } = unscored;
  const { levels } = doc.scoring.engagement;
  const level: EngagementLevel =
    given.engagement?.level ??
    (reaches(levels.high, engagementScore, base) ? "high" : reaches(levels.medium, engagementScore, base) ? "medium" : "low");
  const { fitWeight, engagementWeight } = doc.scoring.leadScore;
  const score = given.score ?? Math.round(clamp(fitWeight * fitScore + engagementWeight * engagementScore, 0, 100));
  return { ...base, engagement: { score: engagementScore, level }, fit: { score: fitScore }, score };
}

/**
 * The facts named by ids (signals, UTM parameters) as an object without a prototype: the
 * condition library looks paths up with `in`, so `context.utm.constructor` would otherwise
 * find `Object` for every visitor.
 */
function ownOnly<T>(...sources: (Record<string, T> | undefined)[]): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, ...sources);
}

/** Custom traits (`company.custom.<name>`) are named by the configuration: looked up with `in` as well, so without a prototype. */
function withOwnCustom<T extends { custom?: Record<string, unknown> }>(entity: T): T {
  return entity.custom ? { ...entity, custom: ownOnly(entity.custom) } : entity;
}

function reaches(level: { above: number; orWhen?: Record<string, unknown> }, score: number, facts: object): boolean {
  return score > level.above || (level.orWhen !== undefined && matchesCondition(facts, level.orWhen));
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
