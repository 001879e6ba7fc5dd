import { z } from "zod";
import { country, domainName, label, numeric } from "./traits";

/**
 * Accounts (README "Accounts"): the customer's target-account list, keyed by domain. A lead
 * joins the account of its `company.domain`, else its email's domain, else (while anonymous)
 * the network it was seen on (`request.cf.asOrganization`). The account fills the company
 * facts the lead's own traits leave out and adds `account.*` facts: its own fields and the
 * rollup of its recently engaged contacts.
 */

/** The list fields of a CSV row: values separated by `;` (or `|`). */
export const LIST_SEPARATOR = /[;|]/;
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);

/** One account as uploaded (every field but the domain optional; PUT replaces the whole account). */
export const accountFields = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  employees: numeric(z.number().int().min(0).max(10_000_000)).optional(),
  industry: label.optional(),
  revenue: numeric(z.number().min(0)).optional(),
  country: country.optional(),
  tier: z
    .union([z.literal(1), z.literal(2), z.literal(3), z.enum(["1", "2", "3"]).transform(Number)], { error: "the ABM tier: 1, 2 or 3" })
    .optional(),
  owner: z.string().trim().min(1).max(200).optional(),
  /** Technographics: lower-cased names, so `{"account.technologies": {"$in": ["salesforce"]}}` matches whatever the list's case. */
  technologies: list(label, 100).optional(),
  /** The names Cloudflare reports in `request.cf.asOrganization` for the company's own network. */
  asOrganizations: list(z.string().trim().min(2).max(200), 20).optional(),
});

export const accountRow = accountFields.extend({ domain: domainName });

export type AccountFields = z.infer<typeof accountFields>;
export type AccountRow = z.infer<typeof accountRow>;

/** The most accounts one batch takes (JSON or CSV rows). */
export const ACCOUNT_BATCH_MAX = 1000;

/** The CSV header names accepted for each field (lower-cased, `-`/space read as `_`). */
const CSV_COLUMNS: Record<string, keyof AccountRow> = {
  domain: "domain", name: "name", employees: "employees", industry: "industry", revenue: "revenue", country: "country",
  tier: "tier", abm_tier: "tier", owner: "owner", technologies: "technologies", asorganizations: "asOrganizations",
  as_organizations: "asOrganizations",
};
const LISTS = new Set<keyof AccountRow>(["technologies", "asOrganizations"]);

export interface RowProblem {
  path: (string | number)[];
  message: string;
}

/**
 * A CSV upload's rows (already split into cells by the CSV parser) as the objects the JSON
 * upload takes: the header names the fields, an empty cell is an absent field, the list
 * fields are split on `;`. An unknown or repeated column is a problem of the header.
 */
export function csvRecords(table: string[][]): { records: Record<string, unknown>[]; problems: RowProblem[] } {
  const [header = [], ...body] = table;
  const problems: RowProblem[] = [];
  const fields = header.map((name, column) => {
    const field = CSV_COLUMNS[name.trim().toLowerCase().replace(/[\s-]+/g, "_")];
    if (!field) problems.push({ path: ["header", column], message: `unknown column "${name}" (known: ${Object.keys(CSV_COLUMNS).join(", ")})` });
    else if (header.slice(0, column).some((n) => CSV_COLUMNS[n.trim().toLowerCase().replace(/[\s-]+/g, "_")] === field)) {
      problems.push({ path: ["header", column], message: `column "${name}" repeats ${field}` });
    }
    return field;
  });
  if (!fields.includes("domain")) problems.push({ path: ["header"], message: "a `domain` column is required" });
  const records = body
    .filter((cells) => cells.some((c) => c.trim() !== ""))
    .map((cells) => {
      const record: Record<string, unknown> = {};
      fields.forEach((field, i) => {
        const cell = cells[i]?.trim() ?? "";
        if (!field || cell === "") return;
        record[field] = LISTS.has(field) ? cell.split(LIST_SEPARATOR).map((v) => v.trim()).filter(Boolean) : cell;
      });
      return record;
    });
  return { records, problems };
}

/**
 * Every row checked, every problem named by its row (`rows[i]`) and field; duplicate domains
 * and free-mail providers' domains (a gmail.com "account" would be every gmail user) refused.
 */
export function checkAccountRows(records: unknown[], isFreeMail: (domain: string) => boolean): { rows: AccountRow[]; problems: RowProblem[] } {
  const rows: AccountRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  records.forEach((record, i) => {
    const parsed = accountRow.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: ["rows", i, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: issue.message });
      return;
    }
    const { domain } = parsed.data;
    const problem = domainProblem(domain, isFreeMail) ?? (seen.has(domain) ? `repeats row ${seen.get(domain)}'s domain` : null);
    if (problem) problems.push({ path: ["rows", i, "domain"], message: problem });
    seen.set(domain, seen.get(domain) ?? i);
    rows.push(parsed.data);
  });
  return { rows, problems };
}

/** Why a domain cannot be an account's (null: it can). */
export function domainProblem(domain: string, isFreeMail: (domain: string) => boolean): string | null {
  return isFreeMail(domain) ? `${domain} is a free-mail or disposable provider: its addresses are people, not one company` : null;
}

/** An account's own fields as the hot path reads them (src/db/account-sql.ts), with its rollup. */
export interface StoredAccount {
  domain: string;
  /** How the lead read with it is linked to it. */
  link?: AccountLink;
  name?: string | null;
  employees?: number | null;
  industry?: string | null;
  revenue?: number | null;
  country?: string | null;
  tier?: number | null;
  owner?: string | null;
  technologies?: string[];
  /** The rollup's contacts, newest engagement first: [engagedAt, score, scoredAt, role, seniority]. */
  contacts?: RollupContact[];
}

export type RollupContact = [engagedAt: number | null, score: number, scoredAt: number, role: string | null, seniority: string | null];

/** How a lead was linked to its account. */
export type AccountLink = "company.domain" | "email" | "network";

/** The window in which a contact counts as engaged, and the rollup's contacts kept at most. */
export const ENGAGED_WINDOW_DAYS = 30;
export const ACCOUNT_ROLLUP_CONTACTS = 200;
const DAY_MS = 86_400_000;

/** The `account.*` facts. */
export interface AccountFacts {
  domain?: string;
  name?: string;
  tier?: number;
  owner?: string;
  technologies: string[];
  /** Identified contacts whose engagement was medium or high at a review in the last 30 days. */
  engagedContacts: number;
  /** Their engagement scores, each decayed to now with the configuration's half-life. */
  score: number;
  /** The roles and the seniorities of those contacts: the buying committee present. */
  roles: string[];
  seniorities: string[];
}

export const NO_ACCOUNT: AccountFacts = { technologies: [], engagedContacts: 0, score: 0, roles: [], seniorities: [] };

/** The company fields an account fills when the lead's own traits do not have them. */
export function accountCompany(account: StoredAccount | null): Record<string, string | number> {
  if (!account) return {};
  const company: Record<string, string | number> = { domain: account.domain };
  for (const key of ["employees", "industry", "revenue", "country"] as const) {
    const value = account[key];
    if (value !== null && value !== undefined) company[key] = value;
  }
  return company;
}

/** The `account.*` facts as of `now`: the rollup's contacts counted and decayed at the request's time. */
export function accountFacts(account: StoredAccount | null, now: number, halfLifeDays: number): AccountFacts {
  if (!account) return NO_ACCOUNT;
  const since = now - ENGAGED_WINDOW_DAYS * DAY_MS;
  const engaged = (account.contacts ?? []).filter(([engagedAt]) => engagedAt !== null && engagedAt > since && engagedAt <= now);
  const decayed = engaged.reduce((sum, [, score, scoredAt]) => sum + score * 0.5 ** (Math.max(0, now - scoredAt) / (halfLifeDays * DAY_MS)), 0);
  const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();
  return {
    domain: account.domain,
    ...(account.name ? { name: account.name } : {}),
    ...(account.tier ? { tier: account.tier } : {}),
    ...(account.owner ? { owner: account.owner } : {}),
    technologies: account.technologies ?? [],
    engagedContacts: engaged.length,
    score: Math.round(decayed * 100) / 100,
    roles: distinct(engaged.map((c) => c[3])),
    seniorities: distinct(engaged.map((c) => c[4])),
  };
}

/** The facts conditions may name under `account.`. */
export const ACCOUNT_FACTS = ["domain", "name", "tier", "owner", "technologies", "engagedContacts", "score", "roles", "seniorities"].map(
  (f) => `account.${f}`,
);
