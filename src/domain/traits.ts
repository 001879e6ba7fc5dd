import { z } from "zod";

/**
 * Trusted traits, set by server-to-server callers (CRM, enrichment). Strings that
 * conditions compare are normalized (trimmed, lower-cased; countries upper-cased) so a
 * configuration can say `"industry": "software"` whatever the CRM's capitalization.
 * `null` removes a trait.
 */
export const label = z.string().trim().min(1).max(120).toLowerCase();
export const country = z.string().trim().regex(/^[A-Za-z]{2}$/, "ISO 3166-1 alpha-2 code").toUpperCase();

/**
 * A number, or the same number written as a plain decimal string (`"1200"`, `" 1200 "`,
 * `"1200.50"`): CRMs and spreadsheets often export numbers as text. Anything a reader could take
 * for more than one number (`"1,200"` is 1.2 in much of Europe, `"12k"`, `"1e3"`) is refused.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;
const NUMBER_FORM = "expected a number such as 1200 (no separators, units or exponents)";
// The union decides the form (one message for every wrong one); the field's own rules follow.
export const numeric = (rules: z.ZodNumber) =>
  z
    .union([z.number(), z.string().trim().regex(DECIMAL, NUMBER_FORM)], { error: NUMBER_FORM })
    .transform(Number)
    .pipe(rules);

/** A company's (email or web) domain: `acme.com`, lower-cased. */
export const domainName = z.string().trim().toLowerCase().max(253).regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a domain name");
/** A custom trait's value (src/domain/custom-traits.ts). */
export type CustomTraitValue = string | number | boolean;
/**
 * Custom traits as the body may carry them: a record of names to primitives (or `null`).
 * Which names and types are allowed is the active configuration's (checkCustomTraits).
 */
const custom = z
  .record(z.string().max(63), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .optional();

export const traitsSchema = z.strictObject({
  company: z
    .strictObject({
      employees: numeric(z.number().int().min(0).max(10_000_000)).nullable().optional(),
      industry: label.nullable().optional(),
      revenue: numeric(z.number().min(0)).nullable().optional(),
      country: country.nullable().optional(),
      domain: domainName.nullable().optional(),
      custom,
    })
    .optional(),
  person: z
    .strictObject({
      role: label.nullable().optional(),
      seniority: label.nullable().optional(),
      department: label.nullable().optional(),
      custom,
    })
    .optional(),
});

export type TraitsPatch = z.infer<typeof traitsSchema>;

export interface Traits {
  company?: { employees?: number; industry?: string; revenue?: number; country?: string; domain?: string; custom?: Record<string, CustomTraitValue> };
  person?: { role?: string; seniority?: string; department?: string; custom?: Record<string, CustomTraitValue> };
}

/** Parses the stored JSON (written by json_patch, so nulls are already gone). */
export function parseStoredTraits(json: string | null | undefined): Traits {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as Traits;
    return typeof value === "object" && value !== null ? value : {};
  } catch {
    return {};
  }
}
