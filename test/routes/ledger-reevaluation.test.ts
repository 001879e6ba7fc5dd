import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { reevaluateChunk } from "../../src/app/ledger-reevaluation";
import { configCache } from "../../src/config/active";
import { ConfigStore } from "../../src/db/config-store";
import { ReevaluationStore } from "../../src/db/reevaluation-store";
import worker from "../../src/index";
import { reevaluationContext } from "../../src/queue";
import { createServices } from "../../src/services";
import { activate, admin, getActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { leadIdOf } from "../support/email";
import { jsonOf, newEmail, SERVER_KEY } from "../support/harness";

/** Chunk size in these tests (vitest.config.ts sets LF_REEVALUATION_CHUNK). */
const CHUNK = Number(env.LF_REEVALUATION_CHUNK);

/** A request through the worker, waiting for its work after the response. */
async function settle(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as never, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A lead of `employees` (the shipped default: 200–999 is mid-market, 1000+ enterprise), its first segment recorded. */
async function leadOf(employees: number): Promise<string> {
  const email = newEmail();
  const res = await settle(new Request(`https://leadflare.test/v1/leads/${encodeURIComponent(email)}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${SERVER_KEY}` },
    body: JSON.stringify({ company: { employees } }),
  }));
  expect(res.status).toBe(200);
  return leadIdOf(email);
}

/** The shipped default with Enterprise from 400 employees: a 500-employee lead moves from mid-market-cold to enterprise-cold. */
function enterpriseFrom(employees: number) {
  const doc = defaultDocCopy();
  doc.segments.find((s) => s.id === "enterprise")!.when = { "company.employees": { $gte: employees } } as never;
  return doc;
}

type Progress = { configVersion: number; done: number; total: number; changed: number; startedAt: string; finishedAt: string | null; supersededBy: number | null };

async function progress(): Promise<Progress> {
  const res = await admin("GET", "/v1/admin/ledger/reevaluation");
  expect(res.status).toBe(200);
  return jsonOf(res);
}

/** Waits until the re-evaluation of `version` has finished (the queue's chain, or the cron's chunks). */
async function finished(version: number): Promise<Progress> {
  return vi.waitFor(async () => {
    const now = await progress();
    expect(now).toMatchObject({ configVersion: version });
    expect(now.finishedAt).not.toBeNull();
    return now;
  }, { timeout: 20_000, interval: 100 });
}

async function configTransitions(leadId: string) {
  const { results } = await env.DB.prepare(
    "SELECT from_segment AS \"from\", to_segment AS \"to\", config_version AS version FROM segment_transitions WHERE lead_id = ? AND cause = 'config' ORDER BY at, id",
  ).bind(leadId).all<{ from: string; to: string; version: number }>();
  return results.map((t) => `${t.from}→${t.to}@${t.version}`);
}

const recordedSegment = async (leadId: string) =>
  env.DB.prepare("SELECT segment_id AS segment, config_version AS version FROM lead_segments WHERE lead_id = ?").bind(leadId).first<{ segment: string; version: number }>();

/** Leads with a `config` transition at `version`, and those transitions (each lead's change is recorded once: the two are equal). */
async function changedAt(version: number) {
  return (await env.DB.prepare("SELECT count(DISTINCT lead_id) AS leads, count(*) AS transitions FROM segment_transitions WHERE cause = 'config' AND config_version = ?")
    .bind(version).first<{ leads: number; transitions: number }>())!;
}

const leadCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM leads").first<{ n: number }>())!.n;

/**
 * Activates `document` in D1 the way PUT does, but with no message sent: the worker died
 * right after the activation's batch (the job is in that batch, so it is not lost).
 */
async function activateSilently(document: unknown): Promise<number> {
  const configs = new ConfigStore(env.DB);
  const { version } = await getActive();
  const { found } = await configs.version(version);
  const result = await configs.activate(version, { document: JSON.stringify(document), author: "test", authorNote: null, message: "silent", action: "activate", rolledBackFrom: null, changes: [] }, Date.now());
  expect(result).toEqual({ activated: version + 1 });
  expect(found).not.toBeNull();
  configCache.reset();
  return version + 1;
}

/** One chunk by a runner that then dies before sending the next message. */
async function oneChunkThenCrash(now = Date.now()) {
  const services = await createServices(env, now, () => {});
  return reevaluateChunk(reevaluationContext(env, services), now);
}

/** Puts the shipped default back (each test starts from it) and waits for its re-evaluation. */
async function restoreShipped() {
  await finished(await activate(defaultDocCopy(), { author: "test", message: "restore" }));
}

async function runCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("re-evaluating every lead after a configuration change", () => {
  it("moves leads with cause `config` once each, through the queue's chunks, and reports progress", async () => {
    const moving = [await leadOf(500), await leadOf(600), await leadOf(700), await leadOf(800)];
    const staying = [await leadOf(50), await leadOf(5000)];
    expect(await recordedSegment(moving[0]!)).toMatchObject({ segment: "mid-market-cold" });
    const total = await leadCount();
    expect(total).toBeGreaterThan(CHUNK);

    const version = await activate(enterpriseFrom(400));
    const done = await finished(version);
    expect(done).toMatchObject({ configVersion: version, done: total, total, changed: moving.length, supersededBy: null });
    expect(await changedAt(version)).toEqual({ leads: moving.length, transitions: moving.length });
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    for (const lead of moving) {
      expect(await configTransitions(lead)).toEqual([`mid-market-cold→enterprise-cold@${version}`]);
      expect(await recordedSegment(lead)).toEqual({ segment: "enterprise-cold", version });
    }
    for (const lead of staying) {
      expect(await configTransitions(lead)).toEqual([]);
      expect(await recordedSegment(lead)).toMatchObject({ version });
    }

    // A rollback is an activation too: everyone moves back, once more each.
    const rollback = await admin("POST", "/v1/admin/config/rollback", { version: version - 1 });
    expect(rollback.status).toBe(200);
    const back = (await jsonOf(rollback)).version as number;
    expect(await finished(back)).toMatchObject({ done: total, total, changed: moving.length });
    for (const lead of moving) {
      expect(await configTransitions(lead)).toEqual([`mid-market-cold→enterprise-cold@${version}`, `enterprise-cold→mid-market-cold@${back}`]);
    }
  });

  it("keeps a lead's recorded segment until its turn; after a runner dies, the cron finishes the job", async () => {
    const moving = [await leadOf(500), await leadOf(550)];
    const total = await leadCount();
    const version = await activateSilently(enterpriseFrom(400));
    expect(await progress()).toMatchObject({ configVersion: version, done: 0, total, finishedAt: null });
    for (const lead of moving) expect(await recordedSegment(lead)).toMatchObject({ segment: "mid-market-cold" });

    const first = await oneChunkThenCrash();
    expect(first).toMatchObject({ configVersion: version, done: CHUNK, finishedAt: null });
    expect(await progress()).toMatchObject({ done: CHUNK, total, finishedAt: null });

    await runCron(Date.now());
    const done = await finished(version);
    // Every mid-market lead of 400 employees or more moves (also earlier tests' leads): each once.
    expect(done).toMatchObject({ done: total, total });
    expect(done.changed).toBeGreaterThanOrEqual(moving.length);
    expect(await changedAt(version)).toEqual({ leads: done.changed, transitions: done.changed });
    for (const lead of moving) expect(await configTransitions(lead)).toEqual([`mid-market-cold→enterprise-cold@${version}`]);
    // Nothing left to do: another cron run or a late message changes nothing.
    await runCron(Date.now());
    const message = createMessageBatch("leadflare-ledger", [{ id: "late", timestamp: new Date(), attempts: 1, body: { kind: "ledger-reevaluation" } }]);
    const ctx = createExecutionContext();
    await worker.queue(message as never, env, ctx);
    expect((await getQueueResult(message, ctx)).explicitAcks).toEqual(["late"]);
    expect(await progress()).toEqual(done);
    for (const lead of moving) expect(await configTransitions(lead)).toHaveLength(1);
    await restoreShipped();
  });

  it("never gives a claimed chunk to a second runner while its lease lasts, and takes it over after", async () => {
    const lead = await leadOf(450);
    const version = await activateSilently(enterpriseFrom(420));
    const jobs = new ReevaluationStore(env.DB);
    const now = Date.now();
    const claimed = await jobs.claim(now, 60_000, CHUNK); // a runner that claims and dies
    expect(claimed).toMatchObject({ configVersion: version });
    expect(await oneChunkThenCrash(now + 1_000)).toBeNull();
    expect(await progress()).toMatchObject({ done: 0, finishedAt: null });

    await runCron(now + 61_000);
    await finished(version);
    expect(await configTransitions(lead)).toEqual([expect.stringMatching(new RegExp(`→enterprise-cold@${version}$`))]);
    // The dead runner's late advance counts nothing: its lease is gone.
    expect(await jobs.advance(claimed!, 0, false, now + 90_000)).toBeNull();
    expect((await progress()).done).toBe(await leadCount());
    await restoreShipped();
  });

  it("a newer activation mid-job supersedes the unfinished one, and re-evaluates every lead against itself", async () => {
    const lead = await leadOf(480);
    const older = await activateSilently(enterpriseFrom(470));
    expect(await oneChunkThenCrash()).toMatchObject({ configVersion: older, done: CHUNK, finishedAt: null });

    const shipped = defaultDocCopy();
    const newer = await activate(shipped);
    const done = await finished(newer);
    expect(done).toMatchObject({ done: await leadCount(), supersededBy: null });
    const old = await env.DB.prepare("SELECT done, finished_at, superseded_by FROM ledger_reevaluations WHERE config_version = ?").bind(older)
      .first<{ done: number; finished_at: number | null; superseded_by: number | null }>();
    expect(old).toMatchObject({ done: CHUNK, superseded_by: newer });
    expect(old!.finished_at).not.toBeNull();
    expect(await recordedSegment(lead)).toMatchObject({ version: newer });
    // Moved by the older version only if its one chunk reached it; back by the newer one then.
    expect([[], [`mid-market-cold→enterprise-cold@${older}`, `enterprise-cold→mid-market-cold@${newer}`]]).toContainEqual(await configTransitions(lead));
    expect(await recordedSegment(lead)).toMatchObject({ segment: "mid-market-cold" });
  });

  it("answers 401 without an admin, and is in /openapi.json", async () => {
    const res = await settle(new Request("https://leadflare.test/v1/admin/ledger/reevaluation"));
    expect(res.status).toBe(401);
    const spec = await jsonOf(await settle(new Request("https://leadflare.test/openapi.json")));
    expect(Object.keys(spec.paths)).toContain("/v1/admin/ledger/reevaluation");
  });
});
