import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { runRetention, RETENTION_LIMITS } from "../../src/app/retention";
import { RetentionStore } from "../../src/db/retention-store";
import { LeadStore } from "../../src/db/store";
import { evaluateLead } from "../../src/domain/evaluate";
import worker from "../../src/index";
import { withActive } from "../support/admin";
import { compile, defaultDocCopy } from "../support/config";
import { EVENTS } from "../support/events-table";
import { countRows, DAY, verifyVisitor, importEvents, newEmail, newVisitorId, personalize, putLead, sendEvents } from "../support/harness";

const HOUR = 3_600_000;

/** Runs the worker's cron handler as Cloudflare would at `scheduledTime`. */
async function runCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/**
 * Every test starts a fresh sweep (no cursor, not resting), as on a new database: the
 * tests run sweeps at times of their own choosing, not in clock order.
 */
beforeEach(async () => {
  await env.DB.exec("DELETE FROM sweep_state");
});

/** A lead as the API would see it at `at`: signals, engagement and segment (null when the lead is gone). */
async function evaluated(doc: unknown, who: { email: string } | { visitorId: string }, at: number) {
  const store = new LeadStore(env.DB);
  const lead = "email" in who ? await store.loadByEmail(who.email) : await store.loadByVisitor(who.visitorId);
  if (!lead.leadId) return null;
  const { facts, segment, explanation } = evaluateLead(compile(doc), lead, {}, at);
  return { signals: { ...facts.signals }, engagement: explanation.engagement, score: facts.score, segment: segment.id };
}

const leadIdOfVisitor = async (visitorId: string) =>
  (await env.DB.prepare("SELECT lead_id FROM visitors WHERE id = ?").bind(visitorId).first<{ lead_id: string }>())?.lead_id ?? null;

/** Makes a visitor's lead `days` older (it was created then): an API call can only create leads now. */
async function backdateLead(visitorId: string, days: number) {
  await env.DB.prepare("UPDATE leads SET created_at = created_at - ?1, updated_at = updated_at - ?1 WHERE id = (SELECT lead_id FROM visitors WHERE id = ?2)")
    .bind(days * DAY, visitorId)
    .run();
}

/** Rows that point at a lead that no longer exists: a sweep racing a request must leave none. */
async function orphans() {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM visitors v WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = v.lead_id))
      + (SELECT count(*) FROM ${EVENTS} e WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = e.lead_id))
      + (SELECT count(*) FROM lead_activity a WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = a.lead_id)) AS n`,
  ).first<{ n: number }>();
  return row!.n;
}

describe("the scheduled retention sweep", () => {
  it("deletes events older than eventsDays and anonymous leads idle for anonymousDays; known leads score the same", async () => {
    const now = Date.now();
    const email = newEmail();
    await putLead(email, { company: { employees: 50 } });
    await importEvents(email, [
      { type: "page_view", url: "/pricing", ts: now - 181 * DAY },
      { type: "conversion", ts: now - 400 * DAY },
      { type: "page_view", url: "/pricing", ts: now - 179 * DAY },
      { type: "page_view", url: "/pricing", ts: now - 3 * DAY },
      { type: "page_view", url: "/pricing", ts: now - 2 * DAY },
      { type: "page_view", url: "/pricing", ts: now - DAY },
      { type: "cta_click", url: "/pricing", ts: now - HOUR },
    ]);
    const idle = newVisitorId();
    await personalize(idle, "/docs/start");
    const idleLead = await leadIdOfVisitor(idle);
    const doc = defaultDocCopy();
    const sweptAt = now + 91 * DAY;
    const before = await evaluated(doc, { email }, now);
    const beforeAtSweep = await evaluated(doc, { email }, sweptAt);
    expect(before!.segment).toBe("smb-qualified");

    await runCron(sweptAt);

    // The known lead keeps its events younger than 180 days (as of the run) and its scores.
    const leadId = (await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(email).first<{ id: string }>())!.id;
    expect(await countRows("events", "lead_id = ? AND ts < ?", leadId, sweptAt - 180 * DAY)).toBe(0);
    expect(await countRows("events", "lead_id = ?", leadId)).toBe(4);
    expect(await evaluated(doc, { email }, now)).toEqual(before);
    expect(await evaluated(doc, { email }, sweptAt)).toEqual(beforeAtSweep);
    // The idle anonymous lead is gone with everything it had.
    expect(await leadIdOfVisitor(idle)).toBeNull();
    for (const table of ["leads", "lead_activity", "events"] as const) {
      expect(await countRows(table, table === "leads" ? "id = ?" : "lead_id = ?", idleLead)).toBe(0);
    }
    expect(await countRows("events", "ts < ?", sweptAt - 180 * DAY)).toBe(0);
  });

  it("deletes a kept lead's segment transitions older than eventsDays, keeping the newer ones and its current segment", async () => {
    const now = Date.now();
    const email = newEmail();
    await putLead(email, { company: { employees: 50 } });
    const leadId = (await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(email).first<{ id: string }>())!.id;
    const current = await env.DB.prepare("SELECT segment_id, since FROM lead_segments WHERE lead_id = ?").bind(leadId).first();
    expect(current).not.toBeNull();
    const transition = env.DB.prepare(
      "INSERT INTO segment_transitions (lead_id, from_segment, to_segment, at, cause, config_version) VALUES (?, 'smb-nurture', 'smb-qualified', ?, 'event', 1)",
    );
    const ages = [400, 181, 179, 2];
    await env.DB.batch(ages.map((days) => transition.bind(leadId, now - days * DAY)));
    const recorded = await countRows("segment_transitions", "lead_id = ?", leadId);

    await runCron(now);

    expect(await countRows("segment_transitions", "lead_id = ? AND at < ?", leadId, now - 180 * DAY)).toBe(0);
    expect(await countRows("segment_transitions", "lead_id = ?", leadId)).toBe(recorded - 2);
    expect(await env.DB.prepare("SELECT segment_id, since FROM lead_segments WHERE lead_id = ?").bind(leadId).first()).toEqual(current);
  });

  it("deletes finished routing deliveries older than eventsDays with their attempts; pending and held ones stay", async () => {
    const now = Date.now();
    const email = newEmail();
    await putLead(email, { company: { employees: 50 } });
    const leadId = (await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(email).first<{ id: string }>())!.id;
    const rows: [string, string, number][] = [["old-delivered", "delivered", 181], ["old-dead", "dead", 400], ["old-pending", "pending", 200], ["old-held", "held", 200], ["young", "delivered", 179]];
    const ids = new Map(rows.map(([name]) => [name, `msg_${crypto.randomUUID().replaceAll("-", "")}`]));
    await env.DB.batch(rows.flatMap(([name, status, days]) => [
      env.DB.prepare(`INSERT INTO routing_deliveries (id, lead_id, destination, to_segment, cause, at, config_version, rule, status, next_at, created_at)
        VALUES (?, ?, ?, 'smb-qualified', 'event', ?, 1, 0, ?, ?, ?)`).bind(ids.get(name), leadId, `d-${name}`, now - days * DAY, status, now + DAY, now - days * DAY),
      env.DB.prepare("INSERT INTO routing_attempts (delivery_id, attempt, at, status, latency_ms) VALUES (?, 1, ?, 200, 5)").bind(ids.get(name), now - days * DAY),
    ]));

    await runCron(now);

    const { results } = await env.DB.prepare("SELECT id FROM routing_deliveries WHERE lead_id = ?").bind(leadId).all<{ id: string }>();
    expect(results.map((r) => r.id).sort()).toEqual(["old-pending", "old-held", "young"].map((n) => ids.get(n)).sort());
    const attempts = await env.DB.prepare(`SELECT count(*) AS n FROM routing_attempts WHERE delivery_id IN (${[...ids.values()].map(() => "?").join(",")})`).bind(...ids.values()).first("n");
    expect(attempts).toBe(3);
  });

  it("keeps an old anonymous lead that was active within anonymousDays, and a young one", async () => {
    const now = Date.now();
    const returning = newVisitorId();
    const young = newVisitorId();
    await personalize(returning, "/pricing");
    await backdateLead(returning, 200); // first seen 200 days ago, back today
    await personalize(young, "/pricing");
    const doc = defaultDocCopy();
    const before = [await evaluated(doc, { visitorId: returning }, now), await evaluated(doc, { visitorId: young }, now)];

    await runCron(now + 89 * DAY);

    expect([await evaluated(doc, { visitorId: returning }, now), await evaluated(doc, { visitorId: young }, now)]).toEqual(before);
    expect(before.every((b) => b !== null)).toBe(true);
  });

  it("follows the active configuration's retention", async () => {
    const now = Date.now();
    const email = newEmail();
    await importEvents(email, [{ type: "page_view", url: "/pricing", ts: now - 100 * DAY }]);
    const visitor = newVisitorId();
    await personalize(visitor, "/");
    const doc: any = defaultDocCopy();
    doc.retention = { eventsDays: 95, anonymousDays: 3 };
    await withActive(doc, async () => {
      await runCron(now + 4 * DAY);
    });
    expect(await countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email)).toBe(0);
    expect(await leadIdOfVisitor(visitor)).toBeNull();
  });

  it("rests for an hour once it has caught up, then deletes what has aged since", async () => {
    const now = Date.now();
    const email = newEmail();
    await importEvents(email, [
      { type: "page_view", url: "/", ts: now - 200 * DAY },
      { type: "page_view", url: "/", ts: now - 180 * DAY + 30 * 60_000 },
    ]);
    const events = () => countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email);
    await runCron(now);
    expect(await events()).toBe(1);
    await runCron(now + 59 * 60_000); // the second event is now older than 180 days, but the sweep rests
    expect(await events()).toBe(1);
    await runCron(now + 61 * 60_000);
    expect(await events()).toBe(0);
  });

  it("leaves nothing pointing at a deleted lead when the visitor comes back during the sweep", async () => {
    const now = Date.now();
    const visitors = Array.from({ length: 6 }, newVisitorId);
    for (const v of visitors) {
      await personalize(v, "/pricing");
      await backdateLead(v, 100);
    }
    // Each comes back while the sweep runs: before, between or after its batches.
    await Promise.all([runCron(now + 91 * DAY), ...visitors.map((v) => personalize(v, "/docs/again"))]);
    expect(await orphans()).toBe(0);
    for (const v of visitors) {
      const lead = await new LeadStore(env.DB).loadByVisitor(v);
      // Either the visit was counted before the sweep deleted the (still idle) lead, or it started a new one.
      if (lead.leadId) expect(lead.activity.map((a) => a.key)).toContain("page_view:docs");
    }
  });
});

describe("bounded batches", () => {
  const LIMITS = { eventsPerBatch: 4, eventBatches: 2, leadsPerBatch: 3, leadBatches: 2, restMs: HOUR };

  it("deletes at most a run's bound, and the next runs resume where it stopped until nothing is left", async () => {
    const now = Date.now();
    const email = newEmail();
    await importEvents(email, Array.from({ length: 19 }, (_, i) => ({ type: "page_view", url: "/", ts: now - (200 + i) * DAY })));
    for (let i = 0; i < 8; i++) {
      const v = newVisitorId();
      await personalize(v, "/");
      await backdateLead(v, 100);
    }
    const at = now + 1000; // the leads were seen 100 days ago (backdated) and just now
    // Anonymous leads the walk has to examine: every one created before the idle bound.
    const candidates = await countRows("leads", "email IS NULL AND created_at < ?", at - 90 * DAY);
    const oldEvents = await countRows("events", "ts < ?", at - 180 * DAY);
    expect(oldEvents).toBeGreaterThanOrEqual(19);

    const store = new RetentionStore(env.DB);
    const runs = [];
    for (let i = 0; i < 20; i++) {
      const run = await runRetention(store, { eventsDays: 180, anonymousDays: 90 }, at, LIMITS);
      if (run.rested) break;
      runs.push(run);
    }
    for (const run of runs) {
      expect(run.eventsDeleted).toBeLessThanOrEqual(LIMITS.eventsPerBatch * LIMITS.eventBatches);
      expect(run.leadsExamined).toBeLessThanOrEqual(LIMITS.leadsPerBatch * LIMITS.leadBatches);
      expect(run.transitionsDeleted).toBeLessThanOrEqual(LIMITS.eventsPerBatch * LIMITS.eventBatches);
      // Events and transitions in up to eventBatches each; + 1: the daily points rows of past days, one batch a run.
      expect(run.batches).toBeLessThanOrEqual(2 * LIMITS.eventBatches + LIMITS.leadBatches + 1);
    }
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.at(-1)!.finished).toBe(true);
    expect(runs.slice(0, -1).every((r) => !r.finished)).toBe(true);
    expect(runs.reduce((n, r) => n + r.eventsDeleted, 0)).toBe(oldEvents);
    // Resumed, never restarted: every candidate examined exactly once over the runs.
    expect(runs.reduce((n, r) => n + r.leadsExamined, 0)).toBe(candidates);
    expect(await countRows("events", "ts < ?", at - 180 * DAY)).toBe(0);
    // The backdated leads were also active just now: examined, and kept.
    expect(runs.reduce((n, r) => n + r.leadsDeleted, 0)).toBe(0);
  });

  it("ships bounds that keep a batch within D1's limits", () => {
    // One statement per events batch; no statement binds more than a handful of parameters.
    expect(RETENTION_LIMITS.eventsPerBatch).toBeLessThanOrEqual(1_000);
    expect(RETENTION_LIMITS.leadsPerBatch).toBeLessThanOrEqual(200);
    expect((2 * RETENTION_LIMITS.eventBatches + RETENTION_LIMITS.leadBatches) * 8).toBeLessThan(1_000);
  });

  it("never scans a table: every statement finds its rows through an index", async () => {
    const seen: { sql: string; params: unknown[] }[] = [];
    const recording = {
      prepare(query: string) {
        const entry = { sql: query, params: [] as unknown[] };
        seen.push(entry);
        const statement = env.DB.prepare(query);
        return {
          bind: (...params: unknown[]) => {
            entry.params = params;
            return statement.bind(...params);
          },
        };
      },
      batch: (statements: D1PreparedStatement[]) => env.DB.batch(statements),
    } as unknown as D1Database;
    await runRetention(new RetentionStore(recording), { eventsDays: 180, anonymousDays: 90 }, Date.now(), {
      ...LIMITS,
      eventBatches: 1,
      leadBatches: 1,
    });
    const plans: string[] = [];
    for (const { sql, params } of seen) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
      plans.push(...plan.results.map((r) => r.detail));
    }
    expect(plans.some((p) => /events_ts/.test(p))).toBe(true);
    expect(plans.some((p) => /segment_transitions_at/.test(p))).toBe(true);
    expect(plans.some((p) => /leads_anonymous_created/.test(p))).toBe(true);
    // Only the scratch table (at most one batch of leads) is ever read whole. `email IS NULL`
    // through the unique email index would read every anonymous lead.
    expect(plans.filter((p) => /^SCAN (?!retention_batch)|TEMP B-TREE|leads_email_unique/.test(p))).toEqual([]);
  });
});

describe("the invariant: a sweep changes no signal, engagement or segment of a lead it keeps", () => {
  const TYPES = ["page_view", "cta_click", "form_submit", "conversion", "email_click"] as const;
  const URLS = ["/pricing", "/demo", "/docs/api", "/blog/post", "/contact", "/"];

  const history = fc.record({
    eventsDays: fc.integer({ min: 90, max: 200 }),
    anonymousDays: fc.integer({ min: 1, max: 6 }),
    // Whole hours plus half an hour: no lead sits within seconds of a bound.
    sweepHours: fc.integer({ min: 0, max: 8 * 24 }),
    known: fc.array(
      fc.record({
        employees: fc.constantFrom(20, 500, 5000),
        events: fc.array(
          fc.record({
            type: fc.constantFrom(...TYPES),
            url: fc.constantFrom(...URLS),
            // Half within two weeks (windows, decay), half anywhere in 400 days (most beyond any bound).
            ageHours: fc.oneof(fc.integer({ min: 0, max: 14 * 24 }), fc.integer({ min: 0, max: 400 * 24 })),
          }),
          { maxLength: 25 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    anonymous: fc.array(
      fc.record({
        views: fc.array(fc.constantFrom(...URLS), { minLength: 1, maxLength: 4 }),
        // Seen first this many days ago (and again now).
        firstSeenDays: fc.integer({ min: 0, max: 200 }),
        identifiesAs: fc.option(fc.nat(2), { freq: 3 }),
      }),
      { maxLength: 4 },
    ),
  });

  it("holds over random histories, at the sweep's time and later; old events and idle anonymous leads are gone", async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        await env.DB.exec("DELETE FROM sweep_state");
        const now = Date.now();
        const sweptAt = now + h.sweepHours * HOUR + HOUR / 2;
        const doc: any = defaultDocCopy();
        doc.retention = { eventsDays: h.eventsDays, anonymousDays: h.anonymousDays };

        const emails = h.known.map(() => newEmail());
        for (const [i, lead] of h.known.entries()) {
          await putLead(emails[i]!, { company: { employees: lead.employees } });
          const events = lead.events.map((e) => ({ type: e.type, url: e.url, ts: now - e.ageHours * HOUR }));
          if (events.length > 0) await importEvents(emails[i]!, events);
        }
        const anonymous: { visitorId: string; firstSeen: number }[] = [];
        for (const visitor of h.anonymous) {
          const visitorId = newVisitorId();
          for (const url of visitor.views) await personalize(visitorId, url);
          await sendEvents(visitorId, [{ id: crypto.randomUUID(), type: "cta_click", url: visitor.views[0] }]);
          await backdateLead(visitorId, visitor.firstSeenDays);
          if (visitor.identifiesAs !== null && visitor.identifiesAs < emails.length) await verifyVisitor(visitorId, emails[visitor.identifiesAs]!);
          else anonymous.push({ visitorId, firstSeen: now - visitor.firstSeenDays * DAY });
        }

        // Idle: first seen and last active (now) before the idle bound.
        const idleBefore = sweptAt - h.anonymousDays * DAY;
        const leads = [
          ...emails.map((email) => ({ who: { email }, idle: false })),
          ...anonymous.map((a) => ({ who: { visitorId: a.visitorId }, idle: a.firstSeen < idleBefore && now < idleBefore })),
        ];
        const times = [sweptAt, sweptAt + DAY, sweptAt + 45 * DAY];
        const evaluateAll = async () => {
          const out = [];
          for (const at of times) for (const { who } of leads) out.push(await evaluated(doc, who, at));
          return out;
        };
        const keptEvents = () =>
          countRows("events", `ts >= ? AND lead_id IN (SELECT id FROM leads WHERE email IN (${emails.map(() => "?").join(", ")}))`, sweptAt - h.eventsDays * DAY, ...emails);

        await withActive(doc, async () => {
          const before = await evaluateAll();
          const keptBefore = await keptEvents();
          await runCron(sweptAt);

          // Every kept lead evaluates exactly as before; an idle anonymous one is gone.
          expect(before.every((b) => b !== null)).toBe(true);
          expect(await evaluateAll()).toEqual(before.map((b, i) => (leads[i % leads.length]!.idle ? null : b)));
          for (const { who, idle } of leads) {
            if ("visitorId" in who) expect((await leadIdOfVisitor(who.visitorId)) === null).toBe(idle);
          }
          expect(await countRows("events", "ts < ?", sweptAt - h.eventsDays * DAY)).toBe(0);
          expect(await keptEvents()).toBe(keptBefore);
          expect(await orphans()).toBe(0);
        });
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe("the cron handler without retention configured", () => {
  it("uses the defaults: 180 days of events", async () => {
    const email = newEmail();
    const now = Date.now();
    await importEvents(email, [{ type: "page_view", url: "/", ts: now - 181 * DAY }, { type: "page_view", url: "/", ts: now - 179 * DAY }]);
    const doc: any = defaultDocCopy();
    delete doc.retention;
    await withActive(doc, () => runCron(now));
    expect(await countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email)).toBe(1);
  });
});
