import { sql } from "drizzle-orm";
import type { AccountRow, RollupContact } from "../domain/accounts";
import { rows, run, runBatch } from "./batch";
import { markEach } from "./ledger-store";

/** An account as the API answers it: its fields, its networks, and how many leads and recently engaged contacts it has. */
export interface AccountRecord extends AccountRow {
  updatedAt: number;
  leads: number;
  contacts: RollupContact[];
}

interface AccountDbRow {
  domain: string;
  name: string | null;
  employees: number | null;
  industry: string | null;
  revenue: number | null;
  country: string | null;
  tier: number | null;
  owner: string | null;
  technologies: string;
  as_organizations: string;
  updated_at: number;
  leads: number;
  contacts: string | null;
}

/** Accounts (src/db/schema-accounts.ts): the uploads, every write one round trip. */
export class AccountStore {
  constructor(private readonly d1: D1Database) {}

  /**
   * Upserts accounts, all or nothing, in one batch (one transaction): each row replaces the
   * account's fields (PUT semantics: an absent field is cleared) and its networks; the accounts'
   * leads are marked for review (their facts changed). Answers which domains were new.
   */
  async upsert(accounts: AccountRow[], now: number): Promise<{ created: number; updated: number }> {
    const json = JSON.stringify(
      accounts.map((a) => ({
        ...a,
        technologies: JSON.stringify(a.technologies ?? []),
        asOrganizations: JSON.stringify((a.asOrganizations ?? []).map((n) => n.trim().toLowerCase())),
      })),
    );
    const each = sql`json_each(${json}) r`;
    const field = (name: string) => sql.raw(`r.value ->> '${name}'`);
    const domains = sql`(SELECT r.value ->> 'domain' FROM ${each})`;
    const { existing } = await runBatch(this.d1, {
      existing: rows<{ n: number }>(sql`SELECT count(*) AS n FROM accounts WHERE domain IN ${domains}`),
      upsert: run(sql`INSERT INTO accounts (domain, name, employees, industry, revenue, country, tier, owner, technologies, as_organizations, updated_at)
        SELECT ${field("domain")}, ${field("name")}, ${field("employees")}, ${field("industry")}, ${field("revenue")}, ${field("country")},
          ${field("tier")}, ${field("owner")}, ${field("technologies")}, ${field("asOrganizations")}, ${now}
        FROM ${each} WHERE true
        ON CONFLICT (domain) DO UPDATE SET name = excluded.name, employees = excluded.employees, industry = excluded.industry,
          revenue = excluded.revenue, country = excluded.country, tier = excluded.tier, owner = excluded.owner,
          technologies = excluded.technologies, as_organizations = excluded.as_organizations, updated_at = excluded.updated_at`),
      unnetwork: run(sql`DELETE FROM account_networks WHERE domain IN ${domains}`),
      // A network named by two accounts belongs to the last one uploaded.
      network: run(sql`INSERT OR REPLACE INTO account_networks (as_organization, domain)
        SELECT n.value, r.value ->> 'domain' FROM ${each}, json_each(r.value ->> 'asOrganizations') n`),
      mark: run(markEach(sql`SELECT id FROM leads WHERE account_domain IN ${domains}`, "account", now)),
    });
    const updated = existing[0]?.n ?? 0;
    return { created: accounts.length - updated, updated };
  }

  async get(domain: string): Promise<AccountRecord | null> {
    const { found } = await runBatch(this.d1, { found: rows<AccountDbRow>(sql`${ACCOUNT_COLUMNS} WHERE a.domain = ${domain}`) });
    const row = found[0];
    return row ? toRecord(row) : null;
  }

  /** Accounts in domain order after `after`, at most `limit` (the console's list; one more tells another page follows). */
  async list(after: string | undefined, limit: number): Promise<AccountRecord[]> {
    const { found } = await runBatch(this.d1, {
      found: rows<AccountDbRow>(sql`${ACCOUNT_COLUMNS} WHERE a.domain > ${after ?? ""} ORDER BY a.domain LIMIT ${limit}`),
    });
    return found.map(toRecord);
  }

  /** Deletes the account, its networks and its rollup; its leads (kept) are marked for review. False when there was none. */
  async delete(domain: string, now: number): Promise<boolean> {
    const { gone } = await runBatch(this.d1, {
      mark: run(markEach(sql`SELECT id FROM leads WHERE account_domain = ${domain} AND EXISTS (SELECT 1 FROM accounts WHERE domain = ${domain})`, "account", now)),
      networks: run(sql`DELETE FROM account_networks WHERE domain = ${domain}`),
      rollup: run(sql`DELETE FROM account_rollups WHERE domain = ${domain}`),
      contacts: run(sql`DELETE FROM account_contacts WHERE domain = ${domain}`),
      gone: rows<{ domain: string }>(sql`DELETE FROM accounts WHERE domain = ${domain} RETURNING domain`),
    });
    return gone.length > 0;
  }
}

/** The columns an account is answered with: its fields, its leads (by the account_domain index), its rollup's contacts. */
const ACCOUNT_COLUMNS = sql`SELECT a.*, (SELECT count(*) FROM leads WHERE account_domain = a.domain) AS leads,
    (SELECT contacts FROM account_rollups WHERE domain = a.domain) AS contacts
  FROM accounts a`;

function toRecord(row: AccountDbRow): AccountRecord {
  return {
    domain: row.domain,
    ...optional({ name: row.name, employees: row.employees, industry: row.industry, revenue: row.revenue, country: row.country, tier: row.tier, owner: row.owner }),
    technologies: JSON.parse(row.technologies) as string[],
    asOrganizations: JSON.parse(row.as_organizations) as string[],
    updatedAt: row.updated_at,
    leads: row.leads,
    contacts: row.contacts ? (JSON.parse(row.contacts) as RollupContact[]) : [],
  } as AccountRecord;
}

function optional<T extends Record<string, unknown>>(fields: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)) as Partial<{ [K in keyof T]: NonNullable<T[K]> }>;
}
