import { z } from "zod";
import { label, numeric, type CustomTraitValue, type TraitsPatch } from "./traits";

/**
 * Custom traits: besides the built-in ones, a configuration may declare traits of its own,
 * typed, per entity (`traits.custom.company.arr: "number"`, `traits.custom.person.plan:
 * "string"`). Traits PUTs and batches set them under `company.custom.<name>` and
 * `person.custom.<name>`, checked against the ACTIVE configuration's declaration; conditions
 * read them as the facts `company.custom.<name>` and `person.custom.<name>`.
 */

export const CUSTOM_TRAIT_TYPES = ["string", "number", "boolean"] as const;
export type CustomTraitType = (typeof CUSTOM_TRAIT_TYPES)[number];
export const TRAIT_ENTITIES = ["company", "person"] as const;
type Entity = (typeof TRAIT_ENTITIES)[number];
/** Declared custom traits an entity may have. */
export const MAX_CUSTOM_TRAITS = 50;

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const NAME_RULE = "lower-case letters, digits, - and _ (max 63), starting with a letter or digit";

const declarations = z
  .record(z.string(), z.enum(CUSTOM_TRAIT_TYPES, { error: `a custom trait's type is one of ${CUSTOM_TRAIT_TYPES.join(", ")}` }))
  .superRefine((declared, ctx) => {
    for (const name of Object.keys(declared)) {
      if (!NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `"${name}": ${NAME_RULE}` });
    }
    if (Object.keys(declared).length > MAX_CUSTOM_TRAITS) ctx.addIssue({ code: "custom", message: `at most ${MAX_CUSTOM_TRAITS} custom traits` });
  });

/** The configuration's `traits`: `{ custom: { company?: { <name>: <type> }, person?: {...} } }`. */
export const traitsConfigSchema = z.strictObject({
  custom: z.strictObject({ company: declarations.optional(), person: declarations.optional() }).optional(),
});
export type TraitsConfig = z.infer<typeof traitsConfigSchema>;

/** What a value of each type must be; numbers and strings as the built-in traits take them. */
const VALUE: Record<CustomTraitType, z.ZodType<CustomTraitValue>> = {
  string: label,
  number: numeric(z.number()),
  boolean: z.boolean({ error: "expected true or false" }),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The declared types of an entity, read defensively (a document whose structure may not be valid). */
function declaredOf(traits: unknown, entity: Entity): Map<string, CustomTraitType> {
  const custom = isObject(traits) && isObject(traits.custom) ? traits.custom : {};
  const declared = isObject(custom[entity]) ? custom[entity] : {};
  return new Map(
    Object.entries(declared).filter((e): e is [string, CustomTraitType] => NAME.test(e[0]) && CUSTOM_TRAIT_TYPES.includes(e[1] as CustomTraitType)),
  );
}

/** The facts the declared custom traits provide: `company.custom.arr`, `person.custom.plan`. */
export function customFactPaths(traits: unknown): Set<string> {
  return new Set(TRAIT_ENTITIES.flatMap((entity) => [...declaredOf(traits, entity).keys()].map((name) => `${entity}.custom.${name}`)));
}

export interface TraitProblem {
  path: (string | number)[];
  message: string;
}

/**
 * A traits patch's custom traits checked against the declaration (`traits` of the active
 * configuration): each must be declared, and its value of the declared type (normalized as
 * the built-in traits are; `null` removes it). Answers the patch with normalized values, and
 * the problems at their paths (below `at`).
 */
export function checkCustomTraits(traits: TraitsConfig | undefined, patch: TraitsPatch, at: (string | number)[] = []): { patch: TraitsPatch; problems: TraitProblem[] } {
  const problems: TraitProblem[] = [];
  const out: TraitsPatch = { ...patch };
  for (const entity of TRAIT_ENTITIES) {
    const custom = patch[entity]?.custom;
    if (!custom) continue;
    const declared = declaredOf(traits, entity);
    const normalized: Record<string, CustomTraitValue | null> = {};
    for (const [name, value] of Object.entries(custom)) {
      const path = [...at, entity, "custom", name];
      const type = declared.get(name);
      if (!type) {
        problems.push({ path, message: `no custom trait "${name}" is declared for ${entity} (the configuration's traits.custom.${entity})` });
        continue;
      }
      if (value === null) {
        normalized[name] = null;
        continue;
      }
      const parsed = VALUE[type].safeParse(value);
      if (parsed.success) normalized[name] = parsed.data;
      else problems.push(...parsed.error.issues.map((i) => ({ path: [...path, ...(i.path as (string | number)[])], message: `a ${type} trait: ${i.message}` })));
    }
    out[entity] = { ...patch[entity], custom: normalized };
  }
  return { patch: out, problems };
}
