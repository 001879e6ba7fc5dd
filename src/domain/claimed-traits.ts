import { z } from "zod";
import type { Traits } from "./traits";
import { country, label } from "./traits";

/**
 * Claimed traits (README "Form fields as traits"): what a visitor states in a form. The
 * configuration's `forms.fields` maps a form field's name to a trait; the script sends those
 * fields' values with the form's submit; they are stored apart from the trusted traits and used
 * only for a field neither the lead's trusted traits nor its account have.
 */

/** The traits a form may claim, and how each value is read. */
const CLAIMABLE = {
  "company.employees": "count",
  "company.revenue": "count",
  "company.industry": "label",
  "company.country": "country",
  "person.role": "label",
  "person.seniority": "label",
  "person.department": "label",
} as const;
export type ClaimableTrait = keyof typeof CLAIMABLE;

const fieldName = z.string().regex(/^[A-Za-z0-9_.:[\]-]{1,64}$/, "a form field's name: letters, digits and _ . : [ ] - (max 64)");

export const formsSchema = z.strictObject({
  /** Form field name → the trait it claims, e.g. `{"company_size": {"trait": "company.employees"}}`. */
  fields: z
    .record(fieldName, z.strictObject({ trait: z.enum(Object.keys(CLAIMABLE) as [ClaimableTrait, ...ClaimableTrait[]]) }))
    .refine((f) => Object.keys(f).length <= 20, "at most 20 fields"),
});

export type FormsConfig = z.infer<typeof formsSchema>;

/**
 * A number a form states: the first number in it, so a bucket's lower bound (`200-999` → 200,
 * `5,000+` → 5000, `1.000 - 4.999` → 1000): a bucket's lead is at least that. Thousands
 * separators are read as such only in groups of three digits. Null when there is no number.
 */
export function claimedCount(value: string): number | null {
  const match = /(\d{1,3}(?:[,.\s]\d{3})+(?!\d)|\d+)/.exec(value);
  if (!match) return null;
  const n = Number(match[1]!.replace(/[,.\s]/g, ""));
  return Number.isSafeInteger(n) && n <= 10_000_000_000 ? n : null;
}

function read(kind: (typeof CLAIMABLE)[ClaimableTrait], value: string): string | number | null {
  if (kind === "count") return claimedCount(value);
  const parsed = (kind === "country" ? country : label).safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * The claimed traits in a form's submitted fields, as a patch for the stored claims. Fields the
 * configuration does not map, and values that do not read as their trait (a blank, "lots"),
 * are left out: a visitor's typing never refuses the event.
 */
export function claimedTraits(forms: FormsConfig | undefined, fields: Readonly<Record<string, string>>): Traits {
  const claimed: { company?: Record<string, unknown>; person?: Record<string, unknown> } = {};
  if (!forms) return claimed;
  for (const [name, raw] of Object.entries(fields)) {
    const mapping = Object.hasOwn(forms.fields, name) ? forms.fields[name] : undefined;
    if (!mapping) continue;
    const value = read(CLAIMABLE[mapping.trait], raw);
    if (value === null) continue;
    const [group, key] = mapping.trait.split(".") as ["company" | "person", string];
    (claimed[group] ??= {})[key] = value;
  }
  return claimed as Traits;
}

/** The claimed traits of a request's form submits, later ones winning; null when none. */
export function claimedFromForms(forms: FormsConfig | undefined, events: readonly { type: string; fields?: Record<string, string> | undefined }[]): Traits | null {
  if (!forms) return null;
  const claims = events.filter((e) => e.type === "form_submit" && e.fields).map((e) => claimedTraits(forms, e.fields!));
  const merged: Traits = {};
  for (const c of claims) {
    if (c.company) merged.company = { ...merged.company, ...c.company };
    if (c.person) merged.person = { ...merged.person, ...c.person };
  }
  return merged.company || merged.person ? merged : null;
}
