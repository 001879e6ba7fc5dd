// Bulk seeding of a local D1 database for the benchmark. Writes straight into the sqlite
// file that `wrangler d1 migrations apply --local` created (workerd must not have it open),
// in one transaction with prepared statements. The `events_aggregate` trigger is dropped
// for the load and re-created from its own stored SQL afterwards; `lead_activity` is
// computed here exactly as the trigger would have (total per `type:category`, the newest
// RECENT_CAP timestamps, newest first), and `verifyAggregates` checks that on a sample.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export const RECENT_CAP = 200;
const DAY = 86_400_000;

/** The sqlite file of the (only) D1 database under a wrangler `--persist-to` directory. */
export function d1File(persistDir) {
  const dir = join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one D1 sqlite file in ${dir}, found ${files.length}`);
  return join(dir, files[0]);
}

/** Small deterministic PRNG (mulberry32) so every run seeds the same shape. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(random, entries) {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, w] of entries) if ((r -= w) < 0) return value;
  return entries[entries.length - 1][0];
}

/** Page categories from the shipped configuration's path rules (same glob semantics as src/domain/compile.ts). */
function categorizer() {
  const doc = JSON.parse(readFileSync(new URL("../src/config/default.json", import.meta.url), "utf8"));
  const rules = doc.pageCategories.map((r) => ({
    pattern: new RegExp(`^${r.match.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`),
    category: r.category,
  }));
  return (path) => rules.find((r) => r.pattern.test(path))?.category ?? "other";
}

const PAGES = [
  ["/", 20], ["/pricing", 10], ["/pricing/enterprise", 3], ["/docs/getting-started", 10], ["/docs/api", 8],
  ["/blog/launch-week", 8], ["/blog/segments-that-convert", 8], ["/features", 10], ["/customers", 5],
  ["/demo", 5], ["/contact", 4],
];
const EVENT_TYPES = [["page_view", 85], ["cta_click", 10], ["form_submit", 4], ["conversion", 1]];
const INDUSTRIES = ["software", "saas", "fintech", "healthcare", "retail", "manufacturing", "education", "media"];
const SENIORITY = ["c-level", "vp", "director", "manager", "individual contributor"];
const ROLES = ["marketing", "engineering", "sales", "operations", "finance"];
const COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "NL", "IN"];
/**
 * The history pools share one set of keys (type × page category), visited in turn, so that
 * a lead with 10 events and one with 10,000 differ only in history, not in which keys exist.
 */
export const HISTORY_KEYS = [
  ["page_view", "/"], ["page_view", "/pricing"], ["page_view", "/docs/api"], ["page_view", "/blog/launch-week"],
  ["page_view", "/demo"], ["page_view", "/contact"], ["cta_click", "/pricing"], ["form_submit", "/contact"],
];
/** Visitors (browsers) per lead with 10,000 events; the leads with 10 have one each. */
export const BIG_HISTORY_VISITORS = 10;
/**
 * The account pool (the "account and three layers" scenario): identified leads at healthcare
 * accounts of 5,000 employees, each lead in its account's finance department, CONTACTS_PER_ACCOUNT
 * leads per account, each one of its rollup's recently engaged contacts.
 */
export const CONTACTS_PER_ACCOUNT = 20;
export const ACCOUNT_FIELDS = { employees: 5000, industry: "healthcare", tier: 1, technologies: ["salesforce", "epic", "workday"] };
/** Events per ordinary lead: most have a handful, a few are very active. */
const HISTORY_SIZES = [[[1, 3], 45], [[4, 8], 30], [[9, 20], 17], [[21, 60], 6.5], [[61, 250], 1.5]];

/**
 * Seeds `leads` leads and `events` events in total, including two designated pools for the
 * history benchmark: `historySmall` leads with 10 events and `historyBig` leads with 10,000,
 * both over HISTORY_KEYS; and `accounts` accounts (ACCOUNT_FIELDS) with CONTACTS_PER_ACCOUNT
 * ordinary leads each (emails at the account's domain, no company traits of their own, so the
 * account supplies size and industry; person traits of the finance department), with the
 * `account_contacts` and `account_rollups` rows the ledger's reviews would have written.
 * Returns timings, counts and samples of ids for the load generator.
 */
export function seedDatabase(file, { leads, events, historySmall = 0, historyBig = 0, accounts = 0, now, seed = 42 }) {
  const started = performance.now();
  const random = prng(seed);
  const categoryOf = categorizer();
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(random() * list.length)];

  const db = new DatabaseSync(file);
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;");
  const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_aggregate'").get();
  if (!trigger) throw new Error("events_aggregate trigger missing: migrations not applied?");

  const insertLead = db.prepare("INSERT INTO leads (id, email, traits, created_at, updated_at) VALUES (?, ?, ?, ?, ?)");
  const insertVisitor = db.prepare("INSERT INTO visitors (id, lead_id, created_at) VALUES (?, ?, ?)");
  // The two UUIDs as their 16 bytes, as src/db/uuid.ts stores them.
  const insertEvent = db.prepare(
    "INSERT INTO events (lead_id, id, type, category, ts, path, props) VALUES (unhex(replace(?, '-', '')), unhex(replace(?, '-', '')), ?, ?, ?, ?, ?)",
  );
  const insertActivity = db.prepare("INSERT INTO lead_activity (lead_id, key, total, recent) VALUES (?, ?, ?, ?)");
  const insertAccount = db.prepare(
    "INSERT INTO accounts (domain, name, employees, industry, country, tier, owner, technologies, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertContact = db.prepare(
    "INSERT INTO account_contacts (lead_id, domain, score, scored_at, engaged_at, role, seniority) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertRollup = db.prepare("INSERT INTO account_rollups (domain, contacts, signature, changed_at, computed_at) VALUES (?, ?, ?, ?, ?)");

  const special = historySmall + historyBig;
  const ordinary = leads - special;
  const ordinaryEvents = events - historySmall * 10 - historyBig * 10_000;
  if (ordinary < 0 || ordinaryEvents < ordinary) throw new Error("not enough events for the leads asked for");
  // Draw a history size per ordinary lead, then scale so the totals are exact.
  const sizes = new Array(ordinary);
  let drawn = 0;
  for (let i = 0; i < ordinary; i++) drawn += sizes[i] = int(...weighted(random, HISTORY_SIZES));
  let assigned = 0;
  for (let i = 0; i < ordinary; i++) assigned += sizes[i] = Math.max(1, Math.round((sizes[i] * ordinaryEvents) / drawn));
  for (let i = 0; assigned !== ordinaryEvents; i = (i + 1) % ordinary) {
    if (assigned < ordinaryEvents) (sizes[i]++, assigned++);
    else if (sizes[i] > 1) (sizes[i]--, assigned--);
  }

  const samples = { visitors: [], emails: [], smallVisitors: [], bigVisitors: [], smallLeads: [], bigLeads: [], accountVisitors: [], accountEmails: [] };
  const counts = { leads: 0, visitors: 0, events: 0, activityRows: 0, identified: 0, accounts: 0, accountContacts: 0 };
  const SAMPLE = 5000;

  const traitsFor = (employees) =>
    JSON.stringify({
      company: { employees, industry: pick(INDUSTRIES), country: pick(COUNTRIES), domain: `co${int(1, 50_000)}.example` },
      person: { role: pick(ROLES), seniority: pick(SENIORITY), department: pick(ROLES) },
    });

  /** One lead with `n` events between `spanDays` ago and now, and its aggregate rows. */
  const writeLead = (index, n, spanDays, opts) => {
    const leadId = crypto.randomUUID();
    const created = now - Math.floor(spanDays * DAY) - int(0, DAY);
    const identified = opts.identified ?? random() < 0.35;
    const email = opts.email ?? (identified ? `lead${index}@co${index % 20_000}.example` : null);
    const traits = identified && (opts.traits || random() < 0.8) ? opts.traits ?? traitsFor(pick([8, 40, 150, 350, 800, 2500, 12_000])) : "{}";
    insertLead.run(leadId, email, traits, created, created);
    const visitorCount = opts.visitors ?? weighted(random, [[1, 70], [2, 25], [3, 5]]);
    const visitors = [];
    for (let v = 0; v < visitorCount; v++) {
      const id = crypto.randomUUID();
      insertVisitor.run(id, leadId, created);
      visitors.push(id);
    }
    const byKey = new Map();
    for (let e = 0; e < n; e++) {
      // Skewed towards recent activity.
      const ts = now - 60_000 - Math.floor(Math.pow(random(), 1.6) * spanDays * DAY);
      const [type, path] = opts.keys ? opts.keys[e % opts.keys.length] : [weighted(random, EVENT_TYPES), weighted(random, PAGES)];
      const category = categoryOf(path);
      const props = type === "cta_click" ? '{"slot":"primary-cta"}' : null;
      insertEvent.run(leadId, crypto.randomUUID(), type, category, ts, path, props);
      const key = `${type}:${category}`;
      const list = byKey.get(key);
      if (list) list.push(ts);
      else byKey.set(key, [ts]);
    }
    for (const [key, list] of byKey) {
      list.sort((a, b) => b - a);
      insertActivity.run(leadId, key, list.length, JSON.stringify(list.slice(0, RECENT_CAP)));
      counts.activityRows++;
    }
    counts.leads++;
    counts.visitors += visitorCount;
    counts.events += n;
    if (identified) counts.identified++;
    return { leadId, visitors, email };
  };

  db.exec("BEGIN");
  db.exec("DROP TRIGGER events_aggregate");
  const sameTraits = traitsFor(350);
  let index = 0;
  for (let i = 0; i < historySmall; i++) {
    const lead = writeLead(index++, 10, 30, { identified: true, traits: sameTraits, visitors: 1, keys: HISTORY_KEYS });
    samples.smallVisitors.push(lead.visitors[0]);
    samples.smallLeads.push(lead.leadId);
  }
  for (let i = 0; i < historyBig; i++) {
    // Ten browsers each: the load's page views spread over 200 visitor ids, so no bench
    // visitor comes near the daily points cap (a real visitor's day, not a script's).
    const lead = writeLead(index++, 10_000, 180, { identified: true, traits: sameTraits, visitors: BIG_HISTORY_VISITORS, keys: HISTORY_KEYS });
    samples.bigVisitors.push(...lead.visitors);
    samples.bigLeads.push(lead.leadId);
  }
  // Every n-th ordinary lead's visitor and every n-th email: spread over the whole table.
  const everyVisitor = Math.max(1, Math.floor(ordinary / SAMPLE));
  const everyEmail = Math.max(1, Math.floor((ordinary * 0.35) / SAMPLE));
  // The account pool: every n-th ordinary lead (its ordinary history), out of the samples above.
  const accountLeads = accounts * CONTACTS_PER_ACCOUNT;
  if (accountLeads > ordinary / 2) throw new Error("too many account leads for the ordinary leads");
  const everyAccount = accountLeads ? Math.floor(ordinary / accountLeads) : 0;
  const contactsOf = Array.from({ length: accounts }, () => []);
  let emails = 0;
  for (let i = 0; i < ordinary; i++) {
    const a = everyAccount && i % everyAccount === 1 ? Math.floor(i / everyAccount) : -1;
    if (a >= 0 && a < accountLeads) {
      const account = a % accounts;
      const person = { role: pick(ROLES), seniority: pick(SENIORITY), department: "finance" };
      const email = `lead${index}@health${account}.example`;
      const lead = writeLead(index++, sizes[i], int(1, 180), { identified: true, email, traits: JSON.stringify({ person }) });
      contactsOf[account].push({ leadId: lead.leadId, person });
      samples.accountVisitors.push(lead.visitors[0]);
      samples.accountEmails.push(email);
      continue;
    }
    const lead = writeLead(index++, sizes[i], int(1, 180), {});
    if (i % everyVisitor === 0) samples.visitors.push(lead.visitors[0]);
    if (lead.email && emails++ % everyEmail === 0) samples.emails.push(lead.email);
  }
  // The accounts, and what the segment ledger's reviews would have left: each lead's contact
  // row (engaged at a review in the last 20 days) and the account's rollup of them, newest
  // first, with the signature the rollup statement computes (src/db/account-rollup-sql.ts).
  for (let a = 0; a < accounts; a++) {
    const domain = `health${a}.example`;
    insertAccount.run(domain, `Health System ${a}`, ACCOUNT_FIELDS.employees, ACCOUNT_FIELDS.industry, pick(COUNTRIES), ACCOUNT_FIELDS.tier,
      `ae${a % 5}@vendor.example`, JSON.stringify(ACCOUNT_FIELDS.technologies), now);
    const contacts = contactsOf[a].map(({ leadId, person }) => {
      const at = now - int(3_600_000, 20 * DAY);
      const score = int(150, 800) / 10;
      insertContact.run(leadId, domain, score, at, at, person.role, person.seniority);
      return { leadId, at, score, ...person };
    });
    contacts.sort((x, y) => y.at - x.at || (x.leadId < y.leadId ? -1 : 1));
    const distinct = (key) => JSON.stringify([...new Set(contacts.map((c) => c[key]))].sort());
    insertRollup.run(domain, JSON.stringify(contacts.map((c) => [c.at, c.score, c.at, c.role, c.seniority])),
      `${contacts.length}:${distinct("role")}:${distinct("seniority")}`, now - DAY, now);
    counts.accounts++;
    counts.accountContacts += contacts.length;
  }
  db.exec(trigger.sql);
  db.exec("COMMIT");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return { ms: Math.round(performance.now() - started), counts, samples };
}

/**
 * Recomputes the aggregate of a few leads from their events with the trigger's own
 * semantics and compares: the benchmark must read the rows production would have.
 */
export function verifyAggregates(file, leadIds) {
  const db = new DatabaseSync(file, { readOnly: true });
  const stored = db.prepare("SELECT key, total, recent FROM lead_activity WHERE lead_id = ? ORDER BY key");
  const derived = db.prepare(
    `SELECT type || ':' || category AS key, count(*) AS total,
       (SELECT json_group_array(ts) FROM (SELECT ts FROM events e2 WHERE e2.lead_id = e.lead_id
          AND e2.type = e.type AND e2.category = e.category ORDER BY ts DESC LIMIT ${RECENT_CAP})) AS recent
     FROM events e WHERE lead_id = unhex(replace(?, '-', '')) GROUP BY type, category ORDER BY key`,
  );
  try {
    for (const id of leadIds) {
      const a = JSON.stringify(stored.all(id));
      const b = JSON.stringify(derived.all(id));
      if (a !== b) throw new Error(`seeded aggregate of lead ${id} differs from what the trigger computes`);
    }
  } finally {
    db.close();
  }
}
