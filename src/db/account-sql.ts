import { sql, type SQL } from "drizzle-orm";
import type { AccountLink, StoredAccount } from "../domain/accounts";

/**
 * The SQL that reads a lead's account in the lead's own SELECT (no statement, no round trip of
 * its own): the account's fields and its rollup's contacts as one JSON object, by the indexed
 * primary keys of `accounts` and `account_rollups`. `leads` is the lead row's alias.
 */
export function accountOf(domain: SQL): SQL {
  return sql`(SELECT json_object('domain', a.domain, 'name', a.name, 'employees', a.employees, 'industry', a.industry,
      'revenue', a.revenue, 'country', a.country, 'tier', a.tier, 'owner', a.owner, 'technologies', json(a.technologies),
      'contacts', json(coalesce(r.contacts, '[]')))
    FROM accounts a LEFT JOIN account_rollups r ON r.domain = a.domain WHERE a.domain = ${domain})`;
}

/** How the lead row `leads` is linked (see leads.account_domain). */
export const ACCOUNT_LINK = sql`CASE WHEN json_extract(leads.traits, '$.company.domain') IS NOT NULL THEN 'company.domain'
  WHEN leads.email IS NOT NULL THEN 'email' ELSE 'network' END`;

/** The account of an anonymous lead seen on this network (`request.cf.asOrganization`, lower-cased). */
export function networkAccount(asOrganization: string): SQL {
  return sql`(SELECT domain FROM account_networks WHERE as_organization = ${asOrganization})`;
}

/**
 * In a page view's batch, before the lead is read: an anonymous lead seen on a network an
 * account names becomes that account's visitor (`network_domain`), until it has an email. No
 * write when nothing changes.
 */
export function joinNetworkAccount(lead: SQL, asOrganization: string): SQL {
  const domain = networkAccount(asOrganization);
  return sql`UPDATE leads SET network_domain = ${domain}
    WHERE id = ${lead} AND email IS NULL AND ${domain} IS NOT NULL AND network_domain IS NOT ${domain}`;
}

/** The stored account a lead row read back (`account`, `account_link` columns), null without one. */
export function parseAccount(json: string | null | undefined, link: string | null | undefined): StoredAccount | null {
  if (!json) return null;
  const account = JSON.parse(json) as StoredAccount;
  return { ...account, link: (link as AccountLink | null) ?? "email" };
}
