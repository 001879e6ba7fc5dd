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

/** The benchmark's page paths map to categories like the shipped configuration does. */
const CATEGORIES: Record<string, string> = { pricing: "pricing", docs: "docs", blog: "blog", demo: "demo", contact: "contact" };
const categoryOf = (path: string) => CATEGORIES[path.split("/")[1] ?? ""] ?? "other";

function ensureVisitor(db: D1Database, visitorId: string, now: number) {
  const leadId = crypto.randomUUID();
  return [
    db
      .prepare("INSERT INTO leads (id, traits, created_at, updated_at) SELECT ?1, '{}', ?2, ?2 WHERE NOT EXISTS (SELECT 1 FROM visitors WHERE id = ?3) RETURNING id")
      .bind(leadId, now, visitorId),
    db.prepare("INSERT OR IGNORE INTO visitors (id, lead_id, created_at) VALUES (?1, ?2, ?3)").bind(visitorId, leadId, now),
  ];
}

function selectLead(db: D1Database, leadOf: string, key: string) {
  return [
    db.prepare(`SELECT id, traits FROM leads WHERE id = ${leadOf}`).bind(key),
    db.prepare(`SELECT key, total, recent FROM lead_activity WHERE lead_id = ${leadOf}`).bind(key),
  ];
}

interface PageEvent {
  id: string;
  type: string;
  url: string;
}

/**
 * One INSERT OR IGNORE of all events (multi-row VALUES); the events trigger fires per row.
 * The lead and event ids as their 16 bytes, converted in SQL like src/db/uuid.ts does.
 */
function insertEvents(db: D1Database, visitorId: string, events: PageEvent[], now: number) {
  const rows = events.map((_, i) => `(?${i * 4 + 3}, ?${i * 4 + 4}, ?${i * 4 + 5}, ?${i * 4 + 6})`).join(", ");
  const params = events.flatMap((e) => [e.id, e.type, categoryOf(e.url), e.url]);
  return db
    .prepare(
      `INSERT OR IGNORE INTO events (lead_id, id, type, category, ts, path, props)
       SELECT unhex(replace(${LEAD_OF_VISITOR}, '-', '')), unhex(replace(e.column1, '-', '')), e.column2, e.column3, ?2, e.column4, NULL
       FROM (VALUES ${rows}) AS e WHERE ${LEAD_OF_VISITOR} IS NOT NULL RETURNING 1`,
    )
    .bind(visitorId, now, ...params);
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
  const lead = results.at(-2)?.results[0] as { id: string } | undefined;
  return { lead: lead?.id ?? null, keys: results.at(-1)?.results.length ?? 0 };
}

app.post("/v1/personalize", async (c) => {
  const body = await c.req.json<{ visitorId: string; eventId: string; page: { url: string } }>();
  await limitPublic(c, body.visitorId);
  const db = c.env.DB;
  const now = Date.now();
  const results = await db.batch([
    ...ensureVisitor(db, body.visitorId, now),
    insertEvents(db, body.visitorId, [{ id: body.eventId, type: "page_view", url: body.page.url }], now),
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
  const results = await db.batch([...ensureVisitor(db, body.visitorId, now), insertEvents(db, body.visitorId, body.events, now)]);
  await countNewLead(c, results);
  return c.json({ accepted: results[2]?.results.length ?? 0 }, 202);
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
