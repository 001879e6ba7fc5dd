import { Hono } from "hono";
import { shippedConfig } from "../../src/config/active";
import { LeadStore } from "../../src/db/store";
import { prepareEvent } from "../../src/domain/events";

/**
 * D1's own accounting for one request of each kind: the probe calls the very LeadStore
 * method the route calls (same SQL, same batch) on a D1 binding wrapped to keep each
 * statement's `meta`, and sums rows_read / rows_written over the batch.
 */
type Env = { Bindings: { DB: D1Database } };

interface Usage {
  statements: number;
  rows_read: number;
  rows_written: number;
  per_statement: { rows_read: number; rows_written: number }[];
}

/** Passes everything through to D1 and remembers the meta of every batched statement. */
function metered(d1: D1Database) {
  const metas: D1Meta[] = [];
  const db = {
    prepare: (query: string) => d1.prepare(query),
    batch: async <T>(statements: D1PreparedStatement[]) => {
      const results = await d1.batch<T>(statements);
      metas.push(...results.map((r) => r.meta));
      return results;
    },
  };
  const usage = (): Usage => ({
    statements: metas.length,
    rows_read: metas.reduce((n, m) => n + (m.rows_read ?? 0), 0),
    rows_written: metas.reduce((n, m) => n + (m.rows_written ?? 0), 0),
    per_statement: metas.map((m) => ({ rows_read: m.rows_read ?? 0, rows_written: m.rows_written ?? 0 })),
  });
  return { store: new LeadStore(db as unknown as D1Database), usage };
}

const app = new Hono<Env>();

app.get("/meta/:kind", async (c) => {
  const { store, usage } = metered(c.env.DB);
  const visitorId = c.req.query("visitorId") ?? crypto.randomUUID();
  const now = Date.now();
  const config = shippedConfig();
  const event = (url: string) => prepareEvent(config, { id: crypto.randomUUID(), type: "page_view", url }, now);
  switch (c.req.param("kind")) {
    case "personalize":
      await store.recordPageViewAndLoad(visitorId, crypto.randomUUID(), event("/pricing"), now);
      break;
    case "events":
      await store.recordVisitorEvents(visitorId, crypto.randomUUID(), Array.from({ length: 10 }, () => event("/docs/api")), now);
      break;
    case "personalize-get":
      await store.loadByVisitor(visitorId);
      break;
    case "email-content":
      await store.loadByEmail(c.req.query("email") ?? "");
      break;
    default:
      return c.json({ error: "unknown kind" }, 404);
  }
  return c.json(usage());
});

export default app;
