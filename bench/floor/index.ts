import { Hono, type Context } from "hono";

/**
 * The floor for `npm run bench`: for each benchmarked request, the same D1 statements as
 * Leadflare's store (src/db/store.ts: same count, same kind, same rows, one `db.batch`,
 * trigger included), the same Rate Limiting binding calls as Leadflare's limits
 * (src/middleware/public-limits.ts, rate-limit.ts), and a JSON answer, without any of
 * Leadflare's work around them: no schema validation, configuration, segment evaluation,
 * content or CORS. Leadflare's req/s divided by this worker's, measured in the same run, is
 * `ratio_to_floor`.
 */
type Env = {
  Bindings: {
    DB: D1Database;
    LIMIT_PUBLIC_IP: RateLimit;
    LIMIT_PUBLIC_VISITOR: RateLimit;
    LIMIT_NEW_LEADS_IP: RateLimit;
    LIMIT_SERVER_KEY: RateLimit;
  };
};
type Ctx = Context<Env>;

const app = new Hono<Env>();

const LEAD_OF_VISITOR = "(SELECT lead_id FROM visitors WHERE id = ?1)";
const LEAD_OF_EMAIL = "(SELECT COALESCE(merged_into, id) FROM leads WHERE email = ?1)";

/**
 * The benchmark's page paths map to categories as the shipped configuration's path rules do
 * (src/config/default.json: "/demo" alone is the demo site's home), and events earn the
 * shipped points (scoring.engagement.points): a static table, the floor's share of the work.
 */
const CATEGORIES: Record<string, string> = { "/demo": "home", "/demo/": "home" };
const PREFIXES: [string, string][] = [
  ["/demo/pricing", "pricing"],
  ["/demo/contact", "contact"],
  ["/pricing", "pricing"],
  ["/demo", "demo"],
  ["/docs", "docs"],
  ["/blog", "blog"],
  ["/contact", "contact"],
];
const categoryOf = (path: string) => CATEGORIES[path] ?? PREFIXES.find(([prefix]) => path.startsWith(prefix))?.[1] ?? "other";
const PAGE_POINTS: Record<string, number> = { pricing: 10, demo: 10, docs: 2 };
const TYPE_POINTS: Record<string, number> = { cta_click: 3, form_submit: 5, conversion: 20 };
const pointsOf = (type: string, category: string) => (type === "page_view" ? PAGE_POINTS[category] ?? 1 : TYPE_POINTS[type] ?? 0);
/** PUBLIC_DAILY_CAP (src/domain/activity.ts), the shipped configuration's cap. */
const DAILY_CAP = 500;
const DAY_MS = 86_400_000;

function ensureVisitor(db: D1Database, visitorId: string, now: number) {
  const leadId = crypto.randomUUID();
  return [
    db
      .prepare("INSERT INTO leads (id, traits, created_at, updated_at) SELECT ?1, '{}', ?2, ?2 WHERE NOT EXISTS (SELECT 1 FROM visitors WHERE id = ?3) RETURNING id")
      .bind(leadId, now, visitorId),
    db.prepare("INSERT OR IGNORE INTO visitors (id, lead_id, created_at) VALUES (?1, ?2, ?3)").bind(visitorId, leadId, now),
  ];
}

/**
 * The lead's SELECT as LeadStore.selectLead sends it: with its claimed traits, its holdout arms
 * and its account with the account's rollup (src/db/account-sql.ts), in the same statement.
 */
const LEAD_COLUMNS = `id, traits, claimed_traits, email IS NOT NULL AS identified,
  (SELECT json_group_object(segment_id, arm) FROM holdout_assignments WHERE lead_id = leads.id) AS holdouts,
  (SELECT json_object('domain', a.domain, 'name', a.name, 'employees', a.employees, 'industry', a.industry,
      'revenue', a.revenue, 'country', a.country, 'tier', a.tier, 'owner', a.owner, 'technologies', json(a.technologies),
      'contacts', json(coalesce(r.contacts, '[]')))
    FROM accounts a LEFT JOIN account_rollups r ON r.domain = a.domain WHERE a.domain = leads.account_domain) AS account,
  CASE WHEN json_extract(leads.traits, '$.company.domain') IS NOT NULL THEN 'company.domain'
    WHEN leads.email IS NOT NULL THEN 'email' ELSE 'network' END AS account_link`;

function selectLead(db: D1Database, leadOf: string, key: string) {
  return [
    db.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id = ${leadOf}`).bind(key),
    db.prepare(`SELECT key, total, recent FROM lead_activity WHERE lead_id = ${leadOf}`).bind(key),
  ];
}

interface PageEvent {
  id: string;
  type: string;
  url: string;
}

const uuidBytes = (uuid: string) => `unhex(replace(${uuid}, '-', ''))`;

/**
 * Public events under the daily points cap, as LeadStore.eventInserts sends them: the events
 * as one JSON parameter, then three statements (the ids already stored; the points upsert
 * admitting new events while their running sum fits under the cap; the insert of events that
 * earn nothing and of the admitted ones, the lead and event ids as their 16 bytes; the events
 * trigger fires per row). Same SQL, with positional parameters.
 */
function insertEvents(db: D1Database, visitorId: string, events: PageEvent[], now: number) {
  const day = Math.floor(now / DAY_MS);
  const json = JSON.stringify(
    events.map((e) => {
      const category = categoryOf(e.url);
      return { id: e.id, type: e.type, category, ts: now, path: e.url, props: null, points: pointsOf(e.type, category), day };
    }),
  );
  const sent = `(SELECT e.key AS i, e.value ->> 'id' AS id, e.value ->> 'type' AS type, e.value ->> 'category' AS category,
      e.value ->> 'ts' AS ts, e.value ->> 'path' AS path, e.value ->> 'props' AS props, e.value ->> 'points' AS points,
      e.value ->> 'day' AS day FROM json_each(?2) e)`;
  const stored = (id: string) => `EXISTS (SELECT 1 FROM events WHERE lead_id = ${uuidBytes(LEAD_OF_VISITOR)} AND id = ${uuidBytes(id)})`;
  const earned = (d: string) => `coalesce((SELECT points FROM visitor_daily_points WHERE visitor_id = ?1 AND day = ${d}), 0)`;
  return [
    db.prepare(`SELECT 1 AS known FROM ${sent} s WHERE ${stored("s.id")}`).bind(visitorId, json),
    db
      .prepare(
        `WITH fresh AS (SELECT *, sum(points) OVER (PARTITION BY day ORDER BY i) AS running FROM ${sent} s
            WHERE s.points > 0 AND NOT ${stored("s.id")}),
          fits AS (SELECT * FROM fresh WHERE ${earned("fresh.day")} + running <= ?3)
        INSERT INTO visitor_daily_points (visitor_id, day, points, admitted)
        SELECT ?1, day, sum(points), json_group_array(id) FROM fits WHERE true GROUP BY day
        ON CONFLICT (visitor_id, day) DO UPDATE SET points = points + excluded.points, admitted = excluded.admitted`,
      )
      .bind(visitorId, json, DAILY_CAP),
    db
      .prepare(
        `INSERT OR IGNORE INTO events (lead_id, id, type, category, ts, path, props)
        SELECT ${uuidBytes(LEAD_OF_VISITOR)}, ${uuidBytes("s.id")}, s.type, s.category, s.ts, s.path, s.props FROM ${sent} s
        WHERE ${LEAD_OF_VISITOR} IS NOT NULL AND (s.points = 0 OR s.id IN (SELECT value FROM json_each((
          SELECT admitted FROM visitor_daily_points WHERE visitor_id = ?1 AND day = s.day))))
        RETURNING 1`,
      )
      .bind(visitorId, json),
  ];
}

/** Public endpoints: per visitor and, with a client IP, per IP, in parallel, before the batch. */
async function limitPublic(c: Ctx, visitorId: string) {
  const ip = c.req.header("cf-connecting-ip");
  await Promise.all([c.env.LIMIT_PUBLIC_VISITOR.limit({ key: visitorId }), ...(ip ? [c.env.LIMIT_PUBLIC_IP.limit({ key: ip })] : [])]);
}

/** After a write that created a lead (its first statement returned the new id): one more, per IP. */
async function countNewLead(c: Ctx, results: D1Result[]) {
  const ip = c.req.header("cf-connecting-ip");
  if (ip && results[0]!.results.length > 0) await c.env.LIMIT_NEW_LEADS_IP.limit({ key: ip });
}

function loaded(results: D1Result[]) {
  const lead = results.at(-2)?.results[0] as { id: string; account: string | null } | undefined;
  return { lead: lead?.id ?? null, account: Boolean(lead?.account), keys: results.at(-1)?.results.length ?? 0 };
}

app.post("/v1/personalize", async (c) => {
  const body = await c.req.json<{ visitorId: string; eventId: string; page: { url: string } }>();
  await limitPublic(c, body.visitorId);
  const db = c.env.DB;
  const now = Date.now();
  const results = await db.batch([
    ...ensureVisitor(db, body.visitorId, now),
    ...insertEvents(db, body.visitorId, [{ id: body.eventId, type: "page_view", url: body.page.url }], now),
    ...selectLead(db, LEAD_OF_VISITOR, body.visitorId),
  ]);
  await countNewLead(c, results);
  return c.json(loaded(results));
});

app.post("/v1/events", async (c) => {
  const body = await c.req.json<{ visitorId: string; events: PageEvent[] }>();
  await limitPublic(c, body.visitorId);
  const db = c.env.DB;
  const now = Date.now();
  const results = await db.batch([...ensureVisitor(db, body.visitorId, now), ...insertEvents(db, body.visitorId, body.events, now)]);
  await countNewLead(c, results);
  return c.json({ accepted: results[4]?.results.length ?? 0 }, 202);
});

app.get("/v1/personalize", async (c) => {
  const visitorId = c.req.query("visitorId") ?? "";
  await limitPublic(c, visitorId);
  const db = c.env.DB;
  return c.json(loaded(await db.batch(selectLead(db, LEAD_OF_VISITOR, visitorId))));
});

app.get("/v1/email/content", async (c) => {
  // The server API's limit, per key (Leadflare counts a hash of it; the call is the same).
  await c.env.LIMIT_SERVER_KEY.limit({ key: c.req.header("authorization") ?? "" });
  const db = c.env.DB;
  return c.json(loaded(await db.batch(selectLead(db, LEAD_OF_EMAIL, c.req.query("email") ?? ""))));
});

export default app;
