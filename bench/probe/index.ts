import { Hono } from "hono";
import { reevaluateChunk } from "../../src/app/ledger-reevaluation";
import { runRetention } from "../../src/app/retention";
import { reviewDue } from "../../src/app/segment-ledger";
import { LedgerStore } from "../../src/db/ledger-store";
import { compileDocument } from "../../src/config/active";
import { shippedConfig } from "../../src/config/shipped";
import { ConfigStore } from "../../src/db/config-store";
import { ReevaluationStore } from "../../src/db/reevaluation-store";
import { RetentionStore } from "../../src/db/retention-store";
import { LeadStore } from "../../src/db/store";
import { publicPointsCap } from "../../src/domain/activity";
import { prepareEvent } from "../../src/domain/events";
import { retentionPolicy } from "../../src/domain/retention";
import { LedgerReports } from "../../src/db/ledger-reports";
import { segmentReport } from "../../src/domain/report";
import { loadLeadsSeen, segmentConversions } from "./sampled-report";
import { liftReport } from "../../src/app/lift";
import { LiftReports } from "../../src/db/lift-reports";
import { healthWeeks, segmentHealth } from "../../src/domain/health-report";

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
 * The segment ledger's sweep as the cron runs it (`reviewDue`, shipped batch sizes), one run
 * after another, as of `now`, until no lead is due or `budgetMs` has passed. With `mark=1`
 * every lead without a ledger row is first marked due (as a deploy of the ledger onto an
 * existing database would): the sweep then reviews the whole database once, which is also
 * the bench's steady state (every lead recorded) for the load that follows.
 */
app.get("/ledger-sweep", async (c) => {
  const now = Number(c.req.query("now"));
  const budgetMs = Number(c.req.query("budgetMs") ?? 60_000);
  let marked = 0;
  if (c.req.query("mark") === "1") {
    const result = await c.env.DB.prepare(
      "INSERT OR IGNORE INTO lead_segments (lead_id, review_at, pending_cause, pending_at, revision) SELECT id, ?1, 'import', ?1, '' FROM leads",
    ).bind(now).run();
    marked = result.meta.changes;
  }
  const context = { ledger: new LedgerStore(c.env.DB), config: shippedConfig(), configVersion: 1 };
  const totals = { marked, runs: 0, reviewed: 0, recorded: 0, finished: false };
  const started = performance.now();
  while (performance.now() - started < budgetMs) {
    const run = await reviewDue(context, now);
    if (run.reviewed === 0) {
      totals.finished = true;
      break;
    }
    totals.runs++;
    totals.reviewed += run.reviewed;
    totals.recorded += run.recorded;
  }
  const ms = Math.round(performance.now() - started);
  return c.json({ ...totals, ms, leads_per_second: Math.round(totals.reviewed / (ms / 1000)), ms_per_run: Math.round(ms / Math.max(1, totals.runs)) });
});

/** `from` and `to` (epoch ms) of a report request; by default the 30 days before now. */
function period(c: { req: { query(name: string): string | undefined } }) {
  const to = Number(c.req.query("to") ?? Date.now());
  return { from: Number(c.req.query("from") ?? to - 30 * 86_400_000), to };
}

/**
 * The segment report as GET /v1/admin/reports/segments computes it now (exact, in SQL from the
 * ledger) and as it was (a sample of `limit` leads re-evaluated in JS: ./sampled-report.ts), each
 * timed on the bench database: the bench's "exact vs sampled" ratio.
 */
app.get("/report-exact", async (c) => {
  const { db, usage } = metered(c.env.DB);
  const { from, to } = period(c);
  const started = performance.now();
  const counts = await new LedgerReports(db).segments(from, to);
  const segments = segmentReport(shippedConfig(), counts.segments);
  const ms = Math.round(performance.now() - started);
  const { per_statement: _, ...d1 } = usage();
  return c.json({ ms, leads: { seen: counts.seen, evaluated: counts.members }, segments, d1 });
});

app.get("/report-sampled", async (c) => {
  const { db, usage } = metered(c.env.DB);
  const { from, to } = period(c);
  const limit = Number(c.req.query("limit") ?? 2000);
  const started = performance.now();
  const { seen, leads } = await loadLeadsSeen(db, from, to, limit);
  const segments = segmentConversions(shippedConfig(), leads, from, to);
  const ms = Math.round(performance.now() - started);
  const { per_statement: _, ...d1 } = usage();
  return c.json({ ms, leads: { seen, evaluated: leads.length }, segments, d1 });
});

/**
 * The lift and health reports (GET /v1/admin/reports/lift, /health) on the bench database. The
 * seed records no holdout, so the first call assigns every lead in a segment (but default) an arm
 * of a 10 % holdout, at its segment's `since` (or `from`): the report then reads ~100k
 * assignments and their conversions, as a configuration with `global: 0.1` would have them.
 */
app.get("/lift", async (c) => {
  const { db, usage } = metered(c.env.DB);
  const { from, to } = period(c);
  await c.env.DB.prepare(
    `INSERT OR IGNORE INTO holdout_assignments (lead_id, segment_id, arm, salt, share, assigned_at)
     SELECT lead_id, segment_id, CASE WHEN abs(random()) % 10 = 0 THEN 'control' ELSE 'treatment' END, 'lf:' || segment_id || ':0.1', 0.1, max(since, ?)
     FROM lead_segments WHERE segment_id IS NOT NULL AND segment_id <> 'default'`,
  ).bind(from).run();
  const config = compileDocument({ ...shippedConfig().doc, experiments: { holdout: { global: 0.1 } } });
  const started = performance.now();
  const report = await liftReport(new LiftReports(db), config, { from, to, closedWindowsOnly: false });
  const ms = Math.round(performance.now() - started);
  const { per_statement: _, ...d1 } = usage();
  const assignments = report.segments.reduce((n, s) => n + (s.control?.leads ?? 0) + s.treatment.leads, 0);
  return c.json({ ms, leads: { assignments }, segments: report.segments.map((s) => ({ segment: s.segment, verdict: s.verdict, srm: s.srm })), d1 });
});

app.get("/health", async (c) => {
  const { db, usage } = metered(c.env.DB);
  const { from, to } = period(c);
  const started = performance.now();
  const weeks = healthWeeks(from, to);
  const counts = await new LedgerReports(db).weeks(weeks);
  const report = segmentHealth(shippedConfig(), weeks.map((w, i) => ({ ...w, segments: counts[i]! })), from);
  const ms = Math.round(performance.now() - started);
  const { per_statement: _, ...d1 } = usage();
  return c.json({ ms, leads: { weeks: weeks.length }, siblings: report.siblings, d1 });
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
