import { z } from "zod";
import { ACCOUNT_FACTS } from "./accounts";
import { formsSchema } from "./claimed-traits";
import { checkCondition, type Condition } from "./conditions";
import { customFactPaths, traitsConfigSchema } from "./custom-traits";
import { scoringLookback } from "./retention";
import { experimentsSchema, holdoutProblems } from "./holdout";
import { layerProblems, layerSchema } from "./layers";
import { routingProblems, routingSchema } from "./routing-config";
import { isSafeContentUrl } from "./safe-url";

/**
 * The whole configuration is one JSON document: page categories, signals, scoring,
 * segments and content. It is validated here, structurally (zod, strict objects) and
 * across references (`validateReferences`), with every problem named by its JSON path.
 */

export const EVENT_TYPES = [
  "page_view",
  "cta_click",
  "form_submit",
  "conversion",
  "email_click",
  "email_open",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const ID_RULE = "lower-case letters, digits, - and _ (max 63), starting with a letter or digit";
const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, ID_RULE);
/** Segment and slot ids, hence variant keys: they also go into markup (`data-lf-slot`) and URLs. */
const CONTENT_ID_RULE = "lower-case letters, digits and - (max 63), starting with a letter or digit";
const contentId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, CONTENT_ID_RULE);
/** A record keyed by ids whose bad key is named with the rule it breaks (zod's own message says only "Invalid key"). */
const keyedBy = <T extends z.ZodType>(key: z.ZodString, rule: string, value: T) =>
  z.record(key, value, { error: (issue) => (issue.code === "invalid_key" ? `"${String(issue.input)}": ${rule}` : undefined) });
const condition = z.record(z.string(), z.unknown()) as unknown as z.ZodType<Condition>;
const eventType = z.enum(EVENT_TYPES);
/**
 * Relative URLs are checked against a placeholder origin: whether one leaves the site does
 * not depend on which http(s) origin the site has.
 */
const PLACEHOLDER_ORIGIN = "https://site.invalid";
/** Relative (`/pricing`, staying on the site) or absolute http(s) URL: never `javascript:` or `data:`. */
const URL_SHAPE = /^(https?:\/\/[^\s]+|\/(?!\/)[^\s]*)$/i;
export const safeUrl = z
  .string()
  .max(2048)
  .regex(URL_SHAPE, "must be an http(s) URL or a path starting with /")
  .refine(
    // One problem per URL: this check is only about URLs of the right shape. (Not `abort`,
    // which would also stop the document's reference checks: one answer lists every problem.)
    (url) => !URL_SHAPE.test(url) || isSafeContentUrl(url, PLACEHOLDER_ORIGIN),
    "must be an http(s) URL or a path on the site: a browser opens this one on another host (it reads \\ as /)",
  );

const pageCategory = z.strictObject({
  /** Path glob: `*` matches any characters (`/pricing*`, `/docs/*`). */
  match: z.string().startsWith("/").max(256),
  category: id,
});

const signal = z.strictObject({
  event: eventType,
  /** Only events of this page category; all categories when absent. */
  category: id.optional(),
  windowDays: z.number().positive().max(365),
});

const pointsRule = z.strictObject({
  event: eventType,
  category: id.optional(),
  points: z.number().min(-100).max(100),
});

const level = z.strictObject({
  /** The level applies when the engagement score is strictly above this... */
  above: z.number().min(0),
  /** ...or when this condition holds (signals, traits, context). */
  orWhen: condition.optional(),
});

const fitRule = z.strictObject({
  id,
  label: z.string().min(1).max(120),
  when: condition,
  points: z.number().min(-100).max(100),
});

const segment = z.strictObject({
  id: contentId,
  name: z.string().min(1).max(120),
  description: z.string().max(500).optional(),
  /** Hierarchy: a child inherits its parent's condition (ANDed) and content. */
  parent: contentId.optional(),
  /** A group is never resolved itself; it only holds a shared condition and content. */
  group: z.boolean().optional(),
  when: condition.optional(),
  /** The route to sales for leads in this segment (server API only, never public). */
  sales: z
    .strictObject({
      action: z.string().max(200),
      track: z.string().max(200),
      owner: z.string().max(120).optional(),
    })
    .optional(),
});

const text = z.string().max(2000);
const cta = z.strictObject({ label: z.string().min(1).max(200), url: safeUrl });
const offer = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().max(2000),
  code: z.string().max(64).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
const html = z.string().max(20000);
const image = z.strictObject({ src: safeUrl, alt: z.string().max(300) });

/** What a layer may set in a slot of each kind: the value, or for objects any of their fields (at least one). */
const atLeastOneField = (o: object) => Object.keys(o).length > 0;
const LAYER_VALUES: Record<string, z.ZodType> = {
  text,
  html,
  cta: cta.partial().refine(atLeastOneField, "set at least one field"),
  offer: offer.partial().refine(atLeastOneField, "set at least one field"),
  image: image.partial().refine(atLeastOneField, "set at least one field"),
};

const variants = <T extends z.ZodType>(value: T) => keyedBy(contentId, CONTENT_ID_RULE, value);
const slot = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("text"), variants: variants(text) }),
  z.strictObject({ kind: z.literal("cta"), variants: variants(cta) }),
  z.strictObject({ kind: z.literal("offer"), variants: variants(offer) }),
  z.strictObject({ kind: z.literal("html"), variants: variants(html) }),
  z.strictObject({ kind: z.literal("image"), variants: variants(image) }),
]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /**
     * The version a file written by `npm run config:pull` was pulled from: the CLI's record of
     * what an edit is based on (it sends it as If-Match). Accepted so a pulled file validates
     * and evaluates as it is; never stored (see activateDocument).
     */
    $version: z.number().int().positive().optional(),
    pageCategories: z.array(pageCategory).max(200),
    signals: keyedBy(id, ID_RULE, signal),
    scoring: z.strictObject({
      engagement: z.strictObject({
        halfLifeDays: z.number().positive().max(365),
        /** Events older than this no longer count (their decayed weight is negligible). */
        horizonDays: z.number().positive().max(365),
        /** First matching rule wins: put category-specific rules first. */
        points: z.array(pointsRule).max(100),
        levels: z.strictObject({ high: level, medium: level }),
        /**
         * Points one visitor may earn per UTC day from public (browser) events; events past it
         * are not stored. Server-reported events are not capped. Default PUBLIC_DAILY_CAP.
         */
        publicDailyCap: z.number().min(0).max(100_000).optional(),
      }),
      fit: z.strictObject({ rules: z.array(fitRule).max(100) }),
      leadScore: z.strictObject({
        fitWeight: z.number().min(0).max(10),
        engagementWeight: z.number().min(0).max(10),
      }),
    }),
    segments: z.array(segment).min(1).max(200),
    slots: keyedBy(contentId, CONTENT_ID_RULE, slot),
    /**
     * `trustBrowserIdentify`: a browser's identify verifies at once (merging the visitor into
     * the lead with that email and serving its content), as before claims existed. Default
     * false: anyone can type anyone's email into a form (README "Identity").
     */
    identity: z.strictObject({ trustBrowserIdentify: z.boolean().optional() }).optional(),
    /** How long data is kept (src/domain/retention.ts); defaults there. */
    retention: z
      .strictObject({
        /** Raw events older than this are deleted; at least the scoring look-back (default 180, or longer). */
        eventsDays: z.number().int().min(1).max(3650).optional(),
        /** Anonymous leads with no activity for this long are deleted (default 90). */
        anonymousDays: z.number().int().min(1).max(3650).optional(),
      })
      .optional(),
    /** Where changes of segment are sent (src/domain/routing-config.ts). */
    routing: routingSchema.optional(),
    /** Holdouts: who sees no personalization, so that its lift can be measured (src/domain/holdout.ts). */
    experiments: experimentsSchema.optional(),
    /** Content layers over the segments' variants: language, vertical, role (src/domain/layers.ts). */
    layers: z.array(layerSchema).max(50).optional(),
    /** Form fields whose values are claimed traits (src/domain/claimed-traits.ts). */
    forms: formsSchema.optional(),
    /** Custom typed traits, `traits.custom.company.<name>: "number"` and so on (src/domain/custom-traits.ts). */
    traits: traitsConfigSchema.optional(),
  })
  .superRefine(
    (doc, ctx) => {
      for (const problem of validateReferences(doc)) {
        ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
      }
    },
    // Also when a field failed: one answer lists every problem, not just the first kind.
    { when: () => true },
  );

export type ConfigDocument = z.infer<typeof configSchema>;
export type SegmentDef = ConfigDocument["segments"][number];
export type SlotDef = ConfigDocument["slots"][string];
export type SlotKind = SlotDef["kind"];

export const DEFAULT_SEGMENT_ID = "default";

/** Facts every lead has, besides `signals.<declared>`, `context.utm.<param>` and the declared custom traits (`company.custom.<name>`). */
export const FIXED_FACTS: ReadonlySet<string> = new Set([
  "company.employees", "company.industry", "company.revenue", "company.country", "company.domain",
  "person.role", "person.seniority", "person.department",
  "engagement.score", "engagement.level", "fit.score", "score",
  "context.country", "context.language", "context.path",
  ...ACCOUNT_FACTS,
]);

export function isKnownFactPath(path: string, signalIds: ReadonlySet<string>, customFacts: ReadonlySet<string> = new Set()): boolean {
  if (FIXED_FACTS.has(path) || customFacts.has(path)) return true;
  const [root, name, ...rest] = path.split(".");
  if (root === "signals") return !!name && rest.length === 0 && signalIds.has(name);
  if (root === "context" && name === "utm") return rest.length === 1 && /^[a-z_]+$/.test(rest[0]!);
  return false;
}

/** Facts available while the engagement level or the fit score is being computed. */
const ENGAGEMENT_FREE = (path: string) => !/^(engagement|fit|score)(\.|$)/.test(path);
const TRAITS_ONLY = (path: string) => /^(company|person|account|context)\./.test(path);

export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const asObject = (v: unknown): Loose => (isObject(v) ? v : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * Checks that cannot be expressed per field: references, cycles, the catch-all, duplicate
 * ids. It reads the document defensively (anything may be missing or mistyped) so that it
 * can run even when the structural checks failed: one answer lists every problem.
 */
export function validateReferences(input: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const doc = asObject(input);
  const signalIds = new Set(Object.keys(asObject(doc.signals)));
  const customFacts = customFactPaths(doc.traits);
  const known = (p: string) => isKnownFactPath(p, signalIds, customFacts);
  const conditionProblems = (c: unknown, at: (string | number)[], allowed: (p: string) => boolean) => {
    if (c === undefined) return;
    for (const p of checkCondition(c, (f) => known(f) && allowed(f))) {
      problems.push({ path: [...at, ...p.path], message: p.message });
    }
  };

  const segments = asArray(doc.segments).map(asObject);
  const ids = new Map<string, number>();
  segments.forEach((s, i) => {
    const segmentId = asString(s.id);
    if (segmentId === undefined) return;
    if (ids.has(segmentId)) problems.push({ path: ["segments", i, "id"], message: `duplicate segment id "${segmentId}"` });
    else ids.set(segmentId, i);
  });
  const parentOf = (s: Loose) => asString(s.parent);
  segments.forEach((s, i) => {
    const parentId = parentOf(s);
    if (parentId !== undefined) {
      const parent = ids.get(parentId);
      if (parent === undefined) {
        problems.push({ path: ["segments", i, "parent"], message: `parent "${parentId}" is not a segment` });
      } else if (segments[parent]!.group !== true) {
        problems.push({ path: ["segments", i, "parent"], message: `parent "${parentId}" must be a group` });
      }
    }
    conditionProblems(s.when, ["segments", i, "when"], () => true);
  });
  segments.forEach((s, i) => {
    const seen = new Set<string>([asString(s.id) ?? ""]);
    let current = parentOf(s);
    while (current !== undefined) {
      if (seen.has(current)) {
        problems.push({ path: ["segments", i, "parent"], message: `parent chain of "${asString(s.id)}" has a cycle` });
        break;
      }
      seen.add(current);
      const next = ids.get(current);
      current = next === undefined ? undefined : parentOf(segments[next]!);
    }
  });
  const last = segments.at(-1);
  if (last) {
    const hasCondition = isObject(last.when) && Object.keys(last.when).length > 0;
    if (last.id !== DEFAULT_SEGMENT_ID || last.group === true || last.parent !== undefined || hasCondition) {
      problems.push({
        path: ["segments", segments.length - 1],
        message: `the last segment must be the catch-all: id "${DEFAULT_SEGMENT_ID}", no parent, no condition, not a group`,
      });
    }
  }

  const scoring = asObject(doc.scoring);
  const levels = asObject(asObject(scoring.engagement).levels);
  const [high, medium] = [asObject(levels.high), asObject(levels.medium)];
  conditionProblems(high.orWhen, ["scoring", "engagement", "levels", "high", "orWhen"], ENGAGEMENT_FREE);
  conditionProblems(medium.orWhen, ["scoring", "engagement", "levels", "medium", "orWhen"], ENGAGEMENT_FREE);
  if (typeof medium.above === "number" && typeof high.above === "number" && medium.above > high.above) {
    problems.push({ path: ["scoring", "engagement", "levels", "medium", "above"], message: "medium must not be above high" });
  }
  const fitIds = new Set<string>();
  asArray(asObject(scoring.fit).rules).map(asObject).forEach((r, i) => {
    const ruleId = asString(r.id);
    if (ruleId !== undefined && fitIds.has(ruleId)) {
      problems.push({ path: ["scoring", "fit", "rules", i, "id"], message: `duplicate fit rule id "${ruleId}"` });
    }
    if (ruleId !== undefined) fitIds.add(ruleId);
    conditionProblems(r.when, ["scoring", "fit", "rules", i, "when"], TRAITS_ONLY);
  });

  problems.push(...retentionProblems(doc));
  problems.push(
    ...routingProblems(doc.routing, new Set(ids.keys()), (when, at) => {
      const before = problems.length;
      conditionProblems(when, at, () => true);
      return problems.splice(before);
    }),
  );

  const slotKinds = new Map(Object.entries(asObject(doc.slots)).map(([id, slot]) => [id, asString(asObject(slot).kind) ?? ""]));
  problems.push(...layerProblems(doc.layers, slotKinds, (kind) => LAYER_VALUES[kind], known));
  problems.push(...holdoutProblems(doc.experiments, new Map([...ids].map(([id, i]) => [id, segments[i]!])), DEFAULT_SEGMENT_ID));

  for (const [slotId, slot] of Object.entries(asObject(doc.slots))) {
    const variants = asObject(asObject(slot).variants);
    if (!Object.hasOwn(variants, DEFAULT_SEGMENT_ID)) {
      problems.push({ path: ["slots", slotId, "variants"], message: `slot "${slotId}" needs a "${DEFAULT_SEGMENT_ID}" variant` });
    }
    for (const segmentId of Object.keys(variants)) {
      if (!ids.has(segmentId)) {
        problems.push({ path: ["slots", slotId, "variants", segmentId], message: `content for unknown segment "${segmentId}"` });
      }
    }
  }
  return problems;
}

/**
 * Raw events are kept at least as long as any score looks back: the invariant that keeps
 * windows and decay exact after a retention sweep (src/domain/retention.ts).
 */
function retentionProblems(doc: Loose): ConfigProblem[] {
  const eventsDays = asObject(doc.retention).eventsDays;
  const horizonDays = asObject(asObject(doc.scoring).engagement).horizonDays;
  if (typeof eventsDays !== "number" || typeof horizonDays !== "number") return [];
  const windows = Object.entries(asObject(doc.signals)).flatMap(([name, s]): [string, number][] => {
    const days = asObject(s).windowDays;
    return typeof days === "number" ? [[name, days]] : [];
  });
  const lookback = scoringLookback(horizonDays, windows);
  if (eventsDays >= lookback.days) return [];
  return [
    {
      path: ["retention", "eventsDays"],
      message: `must be at least ${lookback.days} days (${lookback.setting}): events a score can still count are never deleted`,
    },
  ];
}
