import { Hono } from "hono";
import { reevaluateChunk } from "../../src/app/ledger-reevaluation";
import { runRetention } from "../../src/app/retention";
import { compileDocument, shippedConfig } from "../../src/config/active";
import { ConfigStore } from "../../src/db/config-store";
import { LedgerStore } from "../../src/db/ledger-store";
import { ReevaluationStore } from "../../src/db/reevaluation-store";
import { RetentionStore } from "../../src/db/retention-store";
import { LeadStore } from "../../src/db/store";
import { publicPointsCap } from "../../src/domain/activity";
import { prepareEvent } from "../../src/domain/events";
import { retentionPolicy } from "../../src/domain/retention";

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
  return { db: db as unknown as D1Database, store: new LeadStore(db as unknown as D1Database), usage };
}

const app = new Hono<Env>();

app.get("/meta/:kind", async (c) => {
  const { store, usage } = metered(c.env.DB);
  const visitorId = c.req.query("visitorId") ?? crypto.randomUUID();
  const now = Date.now();
  const config = shippedConfig();
  const event = (url: string) => prepareEvent(config, { id: crypto.randomUUID(), type: "page_view", url }, now);
  switch (c.req.param("kind")) {
    case "personalize": {
      // As the public route calls it, with the daily points cap, for a visitor who already
      // earned points today (an unmetered view first): whether the visitor has today's points
      // row changes what the upsert reads, and that must not pass for a difference in history.
      const view = async (on: LeadStore) => {
        const e = event("/pricing");
        await on.recordPageViewAndLoad(visitorId, crypto.randomUUID(), e, now, publicPointsCap(config.doc, [e]));
      };
      await view(new LeadStore(c.env.DB));
      await view(store);
      break;
    }
    case "events": {
      const events = Array.from({ length: 10 }, () => event("/docs/api"));
      await store.recordVisitorEvents(visitorId, crypto.randomUUID(), events, now, publicPointsCap(config.doc, events));
      break;
    }
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

/**
 * The retention sweep as the cron runs it (`runRetention`, the shipped limits and policy),
 * one run after another as if every minute had come at once, as of `now`, until it has
 * caught up or `budgetMs` has passed: how many rows it deleted, in how long.
 */
app.get("/retention", async (c) => {
  const { db, usage } = metered(c.env.DB);
  const store = new RetentionStore(db);
  const now = Number(c.req.query("now"));
  const budgetMs = Number(c.req.query("budgetMs") ?? 10_000);
  const policy = retentionPolicy(shippedConfig().doc);
  const totals = { runs: 0, finished: false, events_deleted: 0, leads_examined: 0, leads_deleted: 0, lead_events_deleted: 0 };
  const started = performance.now();
  while (!totals.finished && performance.now() - started < budgetMs) {
    const run = await runRetention(store, policy, now);
    if (run.rested) break;
    totals.runs++;
    totals.finished = run.finished;
    totals.events_deleted += run.eventsDeleted;
    totals.leads_examined += run.leadsExamined;
    totals.leads_deleted += run.leadsDeleted;
    totals.lead_events_deleted += run.leadEventsDeleted;
  }
  const { per_statement: _, ...d1 } = usage();
  return c.json({ ...totals, ms: Math.round(performance.now() - started), policy, d1 });
});

/**
 * A configuration change's re-evaluation of every lead, as the queue and the cron run it
 * (`reevaluateChunk`, the shipped chunk size unless `chunk` is given), one chunk after another
 * until the job is done or `budgetMs` has passed. The change activated: Enterprise starts at
 * 500 employees instead of 1000, or back again when that is active, so every call moves leads.
 */
app.get("/reevaluate", async (c) => {
  const configs = new ConfigStore(c.env.DB);
  const active = (await configs.active({ document: JSON.stringify(shippedConfig().doc), now: Date.now() }))!;
  const doc = JSON.parse(active.document);
  const enterprise = doc.segments.find((s: { id: string }) => s.id === "enterprise");
  enterprise.when = { "company.employees": { $gte: enterprise.when?.["company.employees"]?.$gte === 500 ? 1000 : 500 } };
  const changes = ["segments.enterprise.when changed (bench)"];
  const activated = await configs.activate(active.version, { document: JSON.stringify(doc), author: "bench", authorNote: null, message: "bench", action: "activate", rolledBackFrom: null, changes }, Date.now());
  if (!("activated" in activated)) return c.json({ error: "activation conflict", activated }, 409);
  const context = {
    jobs: new ReevaluationStore(c.env.DB),
    ledger: new LedgerStore(c.env.DB),
    configs,
    active: { config: compileDocument(doc), configVersion: activated.activated },
    ...(c.req.query("chunk") ? { chunkSize: Number(c.req.query("chunk")) } : {}),
  };
  const budgetMs = Number(c.req.query("budgetMs") ?? 600_000);
  const started = performance.now();
  let progress = null;
  let chunks = 0;
  while (performance.now() - started < budgetMs) {
    progress = await reevaluateChunk(context, Date.now());
    if (!progress) break;
    chunks++;
    if (progress.finishedAt !== null) break;
  }
  const ms = Math.round(performance.now() - started);
  const leads = progress?.done ?? 0;
  return c.json({
    ms, leads, leads_per_second: ms > 0 ? Math.round((leads / ms) * 1000) : null,
    chunks, changed: progress?.changed ?? 0, finished: progress?.finishedAt != null, config_version: activated.activated,
  });
});

export default app;
