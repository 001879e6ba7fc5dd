import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { reviewLead } from "../../src/app/segment-ledger";
import { LedgerStore } from "../../src/db/ledger-store";
import { defaultConfig } from "./config";
import { BROWSER_UA, emailContent, leadIdOf } from "./email";
import { asText } from "./events-table";
import { call, claimIdentity, DAY, importEvents, newEmail, newVisitorId, personalize, putLead, SERVER_KEY, verifyVisitor } from "./harness";

/**
 * Finding every row about a lead without naming the tables: the tables come from the live
 * schema the migrations built (`sqlite_master`), the columns from `pragma_table_info`, so a
 * table a later migration adds is checked without anyone remembering to list it.
 */

/**
 * The only tables allowed to keep something after an erase, each with the reason. Anything
 * else that mentions the lead counts as a row the erase forgot.
 */
export const NOT_PER_LEAD: Record<string, string> = {
  config_versions: "configuration documents: segments and content, no lead data",
  privacy_requests: "the proof of the erase itself: an HMAC of the email under LF_LINK_SECRET, never the email or a lead id",
  admin_sessions: "who signed in to the admin console: admin token names, never lead data",
  ledger_reevaluations: "a configuration change's re-evaluation: counts, and while it runs the id of the last lead done (its cursor, emptied when it finishes)",
  retention_batch: "scratch of one retention batch, filled and emptied inside one D1 transaction: never a row outside it",
  routing_attempts: "a delivery's attempts, by the delivery's id only (status, latency, error; no lead id, email or payload): deleted with the lead's deliveries (test/routes/routing.test.ts)",
  routing_turns: "a round-robin counter per pool of owner ids: sales owners, never lead data",
  routing_disabled: "destinations that answered 410: destination names, never lead data",
  accounts: "target accounts the customer uploads: company fields by domain, never a lead's id, email or traits",
  account_networks: "an account's network names (request.cf.asOrganization) → its domain: company data",
  account_rollups: "an account's engaged contacts as [engaged at, score, scored at, role, seniority]: no lead id or email (test/routes/account-rollups.test.ts); rewritten by the next review of the account",
  routing_erasures: "the lead.erased notice to routing's webhooks, written by the erase itself: the erased lead's opaque id only (no email, traits or history), deleted once delivered (a dead one forgets the id); test/routes/routing.test.ts",
};

/** Every table the migrations created, but SQLite's, D1's and the migration bookkeeping. */
export async function migratedTables(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table'
      AND substr(name, 1, 4) <> '_cf_' AND substr(name, 1, 7) <> 'sqlite_' AND name <> 'd1_migrations'
      ORDER BY name`,
  ).all<{ name: string }>();
  return results.map((r) => r.name);
}

/** The tables an erase must leave without a trace of the lead. */
export async function perLeadTables(): Promise<string[]> {
  return (await migratedTables()).filter((t) => !(t in NOT_PER_LEAD));
}

async function columnsOf(table: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT name FROM pragma_table_info(?)").bind(table).all<{ name: string }>();
  return results.map((r) => r.name);
}

/**
 * A column's value as text a UUID can be found in: the text itself, and for bytes (events
 * keeps its UUIDs as 16 bytes) also their hex with the UUID's dashes put back, so a stored id
 * is found whichever form a table keeps it in.
 */
const searchable = (column: string) =>
  `CAST("${column}" AS TEXT) || CASE typeof("${column}") WHEN 'blob' THEN ' ' || ${asText(`"${column}"`)} ELSE '' END`;

/**
 * For each per-lead table, how many rows mention any of `values` (a lead id, an email, a
 * visitor id) anywhere in any column, inside JSON text included.
 */
export async function rowsMentioning(values: string[]): Promise<Record<string, number>> {
  const wanted = `WITH wanted(value) AS (VALUES ${values.map(() => "(?)").join(", ")})`;
  const counts: Record<string, number> = {};
  for (const table of await perLeadTables()) {
    const anyColumn = (await columnsOf(table)).map((c) => `instr(${searchable(c)}, wanted.value) > 0`).join(" OR ");
    const row = await env.DB.prepare(`${wanted} SELECT count(*) AS n FROM "${table}" WHERE EXISTS (SELECT 1 FROM wanted WHERE ${anyColumn})`)
      .bind(...values)
      .first<{ n: number }>();
    counts[table] = row?.n ?? 0;
  }
  return counts;
}

/** Columns that point at a lead by its id. */
const LEAD_POINTER = /^(lead_id|into_id|merged_into)$|_lead_id$/;

/** Rows pointing at a lead that does not exist, per `table.column`, over every table and lead pointer. */
export async function orphanRows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await migratedTables()) {
    for (const column of (await columnsOf(table)).filter((c) => LEAD_POINTER.test(c))) {
      const value = `CASE typeof("${column}") WHEN 'blob' THEN ${asText(`"${column}"`)} ELSE "${column}" END`;
      const row = await env.DB.prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${value} NOT IN (SELECT id FROM leads)`).first<{ n: number }>();
      counts[`${table}.${column}`] = row?.n ?? 0;
    }
  }
  return counts;
}

export const leadPath = (email: string) => `/v1/leads/${encodeURIComponent(email)}`;
const BROWSER = { "user-agent": BROWSER_UA };
const linkFor = async (email: string) => (await emailContent({ email, slots: "primary-cta" })).links["primary-cta"]!;
const imageFor = async (email: string) => (await emailContent({ email, slots: "banner" })).images.banner!;

/**
 * A lead with a row in every per-lead table: traits, a browser whose anonymous history
 * merged in on identify, imported events, another known lead merged into it (so a
 * `lead_merges` row points here), email links minted for both, and a browser that used to
 * be a neighbour's (identify moved only the browser; its earlier events stay the neighbour's).
 */
export async function leadInEveryTable() {
  const email = newEmail();
  // At an account (by company.domain), so its review writes its row among the account's contacts.
  const account = `acct-${crypto.randomUUID().slice(0, 8)}.example`;
  const put = await call("PUT", `/v1/accounts/${account}`, { body: { name: "Every Table Inc." }, key: SERVER_KEY });
  if (put.status !== 200) throw new Error(`account ${put.status}`);
  await putLead(email, { company: { employees: 50, domain: account }, person: { role: "CTO" } });
  const browser = newVisitorId();
  await personalize(browser, "/pricing", {}, BROWSER);
  await verifyVisitor(browser, email);
  await importEvents(email, [{ type: "page_view", url: "/docs/start", ts: Date.now() - DAY }]);

  const merged = newEmail();
  await putLead(merged, { company: { employees: 5000 } });
  await importEvents(merged, [{ type: "page_view", url: "/pricing", ts: Date.now() - DAY }]);
  const mergedLink = await linkFor(merged);
  const mergedId = await leadIdOf(merged);
  const res = await call("POST", `${leadPath(email)}/merge`, { body: { from: merged }, key: SERVER_KEY });
  if (res.status !== 200) throw new Error(`merge ${res.status}`);

  const neighbour = newEmail();
  const sharedBrowser = newVisitorId();
  await verifyVisitor(sharedBrowser, neighbour);
  await personalize(sharedBrowser, "/blog/hello", {}, BROWSER);
  await verifyVisitor(sharedBrowser, email);
  // Claims (public identifies): a stranger's browser claiming this email, and one of the
  // lead's own browsers claiming somebody else's.
  await claimIdentity(newVisitorId(), email);
  // The single-use mark of an email-link verification its browser took (written directly: a
  // real one also records the click and the landing view, which the counts below leave out).
  await env.DB.prepare("INSERT INTO identity_verifications (id, visitor_id, expires_at) VALUES (?, ?, ?)").bind(crypto.randomUUID(), browser, Date.now() + 600_000).run();
  await claimIdentity(browser, newEmail());

  const leadId = await leadIdOf(email);
  // Its segment ledger: the review a write path runs after its response.
  await reviewLead({ ledger: new LedgerStore(env.DB), config: defaultConfig(), configVersion: 1 }, sql`${leadId}`, Date.now());
  // A routing delivery of its change of segment (written directly: routing needs a live destination).
  await env.DB.prepare(
    `INSERT INTO routing_deliveries (id, lead_id, destination, to_segment, cause, at, config_version, rule, status, next_at, created_at)
     VALUES (?, ?, 'crm-webhook', 'smb-nurture', 'traits', ?, 1, 0, 'delivered', ?, ?)`,
  ).bind(`msg_${crypto.randomUUID().replaceAll("-", "")}`, leadId, Date.now(), Date.now(), Date.now()).run();
  // Its arm in a segment's holdout (written directly: the default configuration holds nobody out).
  await env.DB.prepare("INSERT INTO holdout_assignments (lead_id, segment_id, arm, salt, share, assigned_at) VALUES (?, 'smb-nurture', 'control', 'lf:smb-nurture:0.1', 0.1, ?)")
    .bind(leadId, Date.now()).run();
  // A sweep whose walk over leads stopped at this one (its cursor names the lead's id).
  await env.DB.prepare("INSERT INTO sweep_state (name, cursor_created_at, cursor_id) VALUES (?, 0, ?)").bind(`erase-fixture-${crypto.randomUUID()}`, leadId).run();
  return {
    email,
    leadId,
    neighbour,
    mergedId,
    browsers: [browser, sharedBrowser],
    links: { own: await linkFor(email), image: await imageFor(email), merged: mergedLink },
    /** Everything that identifies this person in the database. */
    identifiers: [leadId, email, browser, sharedBrowser, mergedId, merged],
  };
}

