import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Target accounts (README "Accounts"), keyed by their email/web domain, uploaded by the
 * customer's server (`PUT /v1/accounts/{domain}`, `POST /v1/accounts:batch`). A lead belongs to
 * the account of `leads.account_domain` (its `company.domain` trait, else its email's domain,
 * else, while anonymous, the network it was seen on: `leads.network_domain`).
 */
export const accounts = sqliteTable("accounts", {
  domain: text("domain").primaryKey(),
  name: text("name"),
  employees: integer("employees"),
  industry: text("industry"),
  revenue: real("revenue"),
  country: text("country"),
  /** ABM tier: 1 (named, one-to-one), 2, 3. */
  tier: integer("tier"),
  /** Who owns the account (an email or a CRM user id): routing may assign it. */
  owner: text("owner"),
  /** JSON array of lower-case technology names (the technographic list). */
  technologies: text("technologies").notNull().default("[]"),
  /** JSON array of the `request.cf.asOrganization` names of the company's own network, lower-cased. */
  asOrganizations: text("as_organizations").notNull().default("[]"),
  updatedAt: integer("updated_at").notNull(),
});

/** `request.cf.asOrganization` (lower-cased) → the account whose network it is: the anonymous visitor's lookup. */
export const accountNetworks = sqliteTable(
  "account_networks",
  {
    asOrganization: text("as_organization").primaryKey(),
    domain: text("domain").notNull(),
  },
  (t) => [index("account_networks_domain").on(t.domain)],
);

/**
 * One row per identified lead of an account, written by the segment ledger's review (after the
 * response or by the sweep, never on the hot path): the lead's engagement as of that review.
 * `engaged_at`: the last review at which its engagement level was medium or high.
 */
export const accountContacts = sqliteTable(
  "account_contacts",
  {
    leadId: text("lead_id").primaryKey(),
    domain: text("domain").notNull(),
    score: real("score").notNull(),
    scoredAt: integer("scored_at").notNull(),
    engagedAt: integer("engaged_at"),
    role: text("role"),
    seniority: text("seniority"),
  },
  (t) => [index("account_contacts_domain_engaged").on(t.domain, t.engagedAt)],
);

/**
 * Per account, its recently engaged contacts as one JSON array (newest first, at most
 * ACCOUNT_ROLLUP_CONTACTS): what the hot path reads in the lead's own SELECT to derive
 * `account.engagedContacts`, `account.score` and `account.roles` as of the request, without
 * touching the account's leads. Rewritten by each review of one of its contacts; `signature`
 * (the engaged contacts and their roles) changes when a condition on them could, and then
 * `changed_at` is set and the account's other leads are marked for review.
 */
export const accountRollups = sqliteTable(
  "account_rollups",
  {
    domain: text("domain").primaryKey(),
    contacts: text("contacts").notNull().default("[]"),
    signature: text("signature"),
    changedAt: integer("changed_at"),
    /** 0: flagged for the next review batch's recompute (a contact erased or gone). */
    computedAt: integer("computed_at").notNull(),
  },
  // Every review batch looks for flagged rollups: by this (usually empty) index, not a scan.
  (t) => [index("account_rollups_flagged").on(t.domain).where(sql`${t.computedAt} = 0`)],
);
