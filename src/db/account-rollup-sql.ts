import { sql, type SQL } from "drizzle-orm";
import { ACCOUNT_ROLLUP_CONTACTS, ENGAGED_WINDOW_DAYS } from "../domain/accounts";
import { markEach } from "./ledger-store";

/**
 * Account rollups (src/db/schema-accounts.ts), maintained by the segment ledger's reviews, in
 * the review's batch and under its compare-and-set: never on the hot path, which reads the
 * rollup's one row in the lead's SELECT. A review of an account's contact rewrites its
 * `account_contacts` row and recomputes the rollup from the account's recent contacts (by
 * `account_contacts_domain_engaged`); when the engaged contacts or their roles changed, the
 * account's other leads are marked for review, since a condition on them may now hold (when
 * some segment condition reads `account.*`: `marksAccountLeads`).
 */

/** A reviewed lead's contact row: its account, its engagement as of the review, its role. Null: no account, or no email. */
export interface PlannedContact {
  domain: string;
  score: number;
  engaged: boolean;
  role: string | null;
  seniority: string | null;
}

const DAY_MS = 86_400_000;

/**
 * The statements, given `each` (the planned reviews as `json_each(...) p`, each with `lead`,
 * `next` and `contact`), `written` (the compare-and-set took), and `touched`
 * (a JSON array of the domains whose rollups to recompute).
 */
export function rollupStatements(each: SQL, written: (lead: SQL) => SQL, touched: string, now: number, marksAccountLeads = true): SQL[] {
  const lead = sql`p.value ->> 'lead'`;
  const contact = (field: string) => sql.raw(`p.value -> 'contact' ->> '${field}'`);
  const since = now - ENGAGED_WINDOW_DAYS * DAY_MS;
  const recent = (domain: SQL) => sql`(SELECT * FROM account_contacts c WHERE c.domain = ${domain} AND c.engaged_at > ${since}
    ORDER BY c.engaged_at DESC, c.lead_id LIMIT ${ACCOUNT_ROLLUP_CONTACTS})`;
  const distinct = (column: "role" | "seniority", domain: SQL) => {
    const c = sql.raw(column);
    return sql`(SELECT json_group_array(DISTINCT ${c}) FROM (SELECT ${c} FROM ${recent(domain)} WHERE ${c} IS NOT NULL ORDER BY ${c}))`;
  };
  const domain = sql`d.value`;
  // A lead that left its account (or is no identified contact any more) leaves its rollup:
  // flagged (computed_at 0) for the recompute below, then deleted.
  const leaving = sql`(p.value ->> 'contact' IS NULL OR ${contact("domain")} IS NOT c.domain)`;
  // The reviewed leads' contact rows, by primary key: the reviews drive the loop (CROSS JOIN
  // keeps SQLite from scanning account_contacts for each review instead).
  const leavers = sql`SELECT c.lead_id, c.domain FROM ${each} CROSS JOIN account_contacts c
    WHERE c.lead_id = ${lead} AND ${leaving} AND ${written(lead)}`;
  return [
    sql`UPDATE account_rollups SET computed_at = 0 WHERE domain IN (SELECT domain FROM (${leavers}))`,
    sql`DELETE FROM account_contacts WHERE lead_id IN (SELECT lead_id FROM (${leavers}))`,
    sql`INSERT INTO account_contacts (lead_id, domain, score, scored_at, engaged_at, role, seniority)
      SELECT ${lead}, ${contact("domain")}, ${contact("score")}, ${now}, CASE WHEN ${contact("engaged")} THEN ${now} END,
        ${contact("role")}, ${contact("seniority")}
      FROM ${each} WHERE p.value ->> 'contact' IS NOT NULL AND ${written(lead)}
      ON CONFLICT (lead_id) DO UPDATE SET score = excluded.score, scored_at = excluded.scored_at,
        engaged_at = coalesce(excluded.engaged_at, account_contacts.engaged_at), role = excluded.role, seniority = excluded.seniority`,
    sql`INSERT INTO account_rollups (domain, contacts, signature, changed_at, computed_at)
      SELECT ${domain},
        (SELECT json_group_array(json_array(engaged_at, score, scored_at, role, seniority)) FROM ${recent(domain)}),
        (SELECT count(*) FROM ${recent(domain)}) || ':' || ${distinct("role", domain)} || ':' || ${distinct("seniority", domain)},
        ${now}, ${now}
      FROM (SELECT value FROM json_each(${touched}) UNION SELECT domain FROM account_rollups WHERE computed_at = 0) d
      WHERE EXISTS (SELECT 1 FROM accounts WHERE domain = ${domain})
      ON CONFLICT (domain) DO UPDATE SET contacts = excluded.contacts, computed_at = excluded.computed_at,
        changed_at = CASE WHEN account_rollups.signature IS NOT excluded.signature THEN excluded.changed_at ELSE account_rollups.changed_at END,
        signature = excluded.signature`,
    ...(marksAccountLeads
      ? [markEach(
          sql`SELECT id FROM leads WHERE account_domain IN (SELECT domain FROM account_rollups WHERE changed_at = ${now}
              AND domain IN (SELECT value FROM json_each(${touched})))
            AND id NOT IN (SELECT ${lead} FROM ${each})`,
          "account",
          now,
        )]
      : []),
  ];
}
