import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SWEEP_BATCH } from "../../src/app/segment-ledger";
import { LeadStore } from "../../src/db/store";
import { fetchCountingD1 } from "../support/counting-d1";
import { prepareEvent } from "../../src/domain/events";
import worker from "../../src/index";
import { defaultConfig } from "../support/config";
import { BROWSER_UA, leadIdOf } from "../support/email";
import { call, DAY, newEmail, putLead, newVisitorId, SERVER_KEY } from "../support/harness";

const BROWSER = { "content-type": "application/json", "user-agent": BROWSER_UA };
/** The seed's SMB lead: fit 52 (1–199 employees, target industry, a director), so three pricing views qualify it. */
const SMB = { company: { employees: 50, industry: "saas" }, person: { seniority: "director" } };

/** One request through the worker, waiting for its work after the response (the segment review). */
async function settle(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as never, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const pricingView = (visitorId: string, eventId?: string) =>
  settle(new Request("https://leadflare.test/v1/personalize", {
    method: "POST",
    headers: BROWSER,
    body: JSON.stringify({ visitorId, page: { url: "/pricing" }, ...(eventId ? { eventId } : {}) }),
  }));

async function runCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** A server call through the worker, waiting for its work after the response. */
const server = (method: string, path: string, body: unknown) =>
  settle(new Request(`https://leadflare.test${path}`, {
    method, headers: { "content-type": "application/json", authorization: `Bearer ${SERVER_KEY}` }, body: JSON.stringify(body),
  }));

/** The seed's SMB lead, with one browser: its first recorded segment is its traits' (smb-nurture). */
async function smbLead() {
  const email = newEmail();
  const visitor = newVisitorId();
  const path = `/v1/leads/${encodeURIComponent(email)}`;
  expect((await server("PUT", path, SMB)).status).toBe(200);
  expect((await server("POST", `${path}/visitors`, { visitorId: visitor })).status).toBe(200);
  const leadId = await leadIdOf(email);
  expect((await transitionsOf(leadId)).map((t) => `${t.from}→${t.to}:${t.cause}`)).toEqual(["null→smb-nurture:traits"]);
  return { email, visitor, leadId, path };
}

async function transitionsOf(leadId: string) {
  const { results } = await env.DB.prepare(
    "SELECT from_segment AS \"from\", to_segment AS \"to\", at, cause FROM segment_transitions WHERE lead_id = ? ORDER BY at, id",
  ).bind(leadId).all<{ from: string | null; to: string; at: number; cause: string }>();
  return results;
}

async function ledgerRow(leadId: string) {
  return env.DB.prepare("SELECT segment_id, since, review_at, pending_cause FROM lead_segments WHERE lead_id = ?")
    .bind(leadId).first<{ segment_id: string | null; since: number | null; review_at: number | null; pending_cause: string | null }>();
}

/** The lead's pricing views' times, oldest first. */
async function pricingViews(leadId: string): Promise<number[]> {
  const row = await env.DB.prepare("SELECT recent FROM lead_activity WHERE lead_id = ? AND key = 'page_view:pricing'").bind(leadId).first<{ recent: string }>();
  return (JSON.parse(row?.recent ?? "[]") as number[]).reverse();
}

describe("the segment ledger", () => {
  it("records the seed's example: smb-qualified at the third pricing view, smb-nurture exactly when the first is 7 days old", async () => {
    const { visitor, leadId } = await smbLead();
    for (let i = 0; i < 3; i++) expect((await pricingView(visitor)).status).toBe(200);
    const views = await pricingViews(leadId);
    expect(views).toHaveLength(3);
    expect((await transitionsOf(leadId)).slice(1)).toEqual([{ from: "smb-nurture", to: "smb-qualified", at: views[2], cause: "event" }]);
    const sevenDaysOld = views[0]! + 7 * DAY;
    expect(await ledgerRow(leadId)).toEqual({ segment_id: "smb-qualified", since: views[2], review_at: sevenDaysOld, pending_cause: null });

    await runCron(sevenDaysOld - 60_000); // not yet due
    expect(await transitionsOf(leadId)).toHaveLength(2);
    expect((await transitionsOf(leadId))[0]!.at).toBeLessThan(views[0]!);
    await runCron(sevenDaysOld + 3 * 60_000); // the first run after it: the change is dated when it happened
    expect((await transitionsOf(leadId)).slice(2)).toEqual([{ from: "smb-qualified", to: "smb-nurture", at: sevenDaysOld, cause: "time" }]);
    expect(await ledgerRow(leadId)).toMatchObject({ segment_id: "smb-nurture", since: sevenDaysOld });
  });

  it("records a change once when 20 concurrent page views cross the same threshold, and nothing for replays", async () => {
    const { visitor, leadId } = await smbLead();
    const replayed = crypto.randomUUID();
    await pricingView(visitor, replayed);
    await pricingView(visitor);
    const responses = await Promise.all(Array.from({ length: 20 }, () => pricingView(visitor)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const recorded = await transitionsOf(leadId);
    expect(recorded.map((t) => `${t.from}→${t.to}:${t.cause}`)).toEqual(["null→smb-nurture:traits", "smb-nurture→smb-qualified:event"]);
    expect((await pricingViews(leadId))).toContain(recorded[1]!.at);

    for (let i = 0; i < 3; i++) await pricingView(visitor, replayed);
    expect(await transitionsOf(leadId)).toEqual(recorded);
  });

  it("costs a page view nothing after its response unless the segment changes, then one write; the sweep settles the rest in bulk", async () => {
    const { visitor, leadId } = await smbLead();
    const view = () => new Request("https://leadflare.test/v1/personalize", { method: "POST", headers: BROWSER, body: JSON.stringify({ visitorId: visitor, page: { url: "/pricing" } }) });
    for (const expected of [1, 1, 2, 1]) {
      // The third view qualifies the lead: only then does a review run (a write, no read).
      const { response, counts, roundTrips } = await fetchCountingD1(view());
      expect(response.status).toBe(200);
      expect(counts.batch + counts.statement).toBe(1);
      expect(roundTrips).toBe(expected);
    }
    expect((await transitionsOf(leadId)).map((t) => t.to)).toEqual(["smb-nurture", "smb-qualified"]);
    // The fourth view changed nothing but is marked: the next sweep reviews it with other due leads.
    expect(await ledgerRow(leadId)).toMatchObject({ segment_id: "smb-qualified", pending_cause: "event" });
    await runCron(Date.now() + 60_000);
    expect(await ledgerRow(leadId)).toMatchObject({ segment_id: "smb-qualified", pending_cause: null });
    expect(await transitionsOf(leadId)).toHaveLength(2);
  });

  it("records a change that POST /v1/events causes at the next sweep, dated at the event's own time", async () => {
    const { visitor, leadId } = await smbLead();
    await pricingView(visitor);
    await pricingView(visitor);
    const res = await settle(new Request("https://leadflare.test/v1/events", {
      method: "POST", headers: BROWSER, body: JSON.stringify({ visitorId: visitor, events: [{ id: crypto.randomUUID(), type: "page_view", url: "/pricing" }] }),
    }));
    expect(res.status).toBe(202);
    expect(await transitionsOf(leadId)).toHaveLength(1); // not after the response: the events path reads nothing back
    await runCron(Date.now() + 60_000);
    const views = await pricingViews(leadId);
    expect((await transitionsOf(leadId)).slice(1)).toEqual([{ from: "smb-nurture", to: "smb-qualified", at: views[2], cause: "event" }]);
  });

  it("sweeps many due leads in batches of SWEEP_BATCH, recording each lead's change once", async () => {
    const store = new LeadStore(env.DB);
    const config = defaultConfig();
    const t0 = Date.UTC(2032, 2, 1, 9);
    const leads = await Promise.all(Array.from({ length: SWEEP_BATCH + 20 }, async () => {
      const visitor = newVisitorId();
      // Marked by the write, never reviewed after it (as if the worker was killed).
      await store.recordPageViewAndLoad(visitor, crypto.randomUUID(), prepareEvent(config, { id: crypto.randomUUID(), type: "page_view", url: "/pricing" }, t0), t0);
      return (await env.DB.prepare("SELECT lead_id FROM visitors WHERE id = ?").bind(visitor).first<{ lead_id: string }>())!.lead_id;
    }));
    await runCron(t0 + 60_000);
    for (const leadId of leads) {
      expect((await transitionsOf(leadId)).map((t) => `${t.from}→${t.to}:${t.cause}@${t.at - t0}`)).toEqual(["null→default:event@0"]);
    }
  });

  it("loses no change when the work after the response never runs: the write's mark makes the sweep record it", async () => {
    const { visitor, leadId } = await smbLead();
    const store = new LeadStore(env.DB);
    const config = defaultConfig();
    const t0 = Date.UTC(2031, 0, 5, 9);
    // The write path's own batch, without the review after it (a worker killed after answering).
    for (const ts of [t0, t0 + 60_000, t0 + 120_000]) {
      await store.recordPageViewAndLoad(visitor, crypto.randomUUID(), prepareEvent(config, { id: crypto.randomUUID(), type: "page_view", url: "/pricing" }, ts), ts);
    }
    expect(await transitionsOf(leadId)).toHaveLength(1);
    expect(await ledgerRow(leadId)).toMatchObject({ segment_id: "smb-nurture", review_at: t0, pending_cause: "event" });

    await runCron(t0 + 8 * DAY);
    expect((await transitionsOf(leadId)).slice(1)).toEqual([
      { from: "smb-nurture", to: "smb-qualified", at: t0 + 120_000, cause: "event" },
      { from: "smb-qualified", to: "smb-nurture", at: t0 + 7 * DAY, cause: "time" },
    ]);
    expect(await ledgerRow(leadId)).toMatchObject({ segment_id: "smb-nurture", pending_cause: null });
  });

  it("records a change of time that was due before a traits write at its instant, then the write's, even when only the sweep reviews", async () => {
    const { email, visitor, leadId } = await smbLead();
    const store = new LeadStore(env.DB);
    const config = defaultConfig();
    const t0 = Date.UTC(2031, 2, 3, 9);
    for (const ts of [t0, t0 + 60_000, t0 + 120_000]) {
      await store.recordPageViewAndLoad(visitor, crypto.randomUUID(), prepareEvent(config, { id: crypto.randomUUID(), type: "page_view", url: "/pricing" }, ts), ts);
    }
    await runCron(t0 + 180_000);
    expect(await ledgerRow(leadId)).toMatchObject({ segment_id: "smb-qualified", review_at: t0 + 7 * DAY });
    // Due at t0 + 7 days (the first view leaves the window); the traits arrive an hour later,
    // before any cron looked, and the work after that response never runs.
    const written = t0 + 7 * DAY + 3_600_000;
    await store.upsertTraits(email, { company: { employees: 5000 } }, crypto.randomUUID(), written);
    await runCron(written + 60_000);
    expect((await transitionsOf(leadId)).slice(2)).toEqual([
      { from: "smb-qualified", to: "smb-nurture", at: t0 + 7 * DAY, cause: "time" },
      { from: "smb-nurture", to: "enterprise-warm", at: written, cause: "traits" },
    ]);
    expect(await env.DB.prepare("SELECT prior_traits FROM lead_segments WHERE lead_id = ?").bind(leadId).first("prior_traits")).toBeNull();
  });

  it("records what traits and an import change, with their causes; a merge that changes nothing records nothing", async () => {
    const { email, visitor, leadId } = await smbLead();
    await pricingView(visitor);
    const lead = `/v1/leads/${encodeURIComponent(email)}`;
    expect((await server("PUT", lead, { company: { employees: 5000 } })).status).toBe(200);
    expect((await server("POST", `${lead}/events`, { events: [1, 2].map((h) => ({ id: crypto.randomUUID(), type: "page_view", url: "/pricing", ts: Date.now() - h * 3_600_000 })) })).status).toBe(202);
    const other = newEmail();
    await putLead(other, {});
    expect((await server("POST", `${lead}/merge`, { from: other })).status).toBe(200);
    expect((await transitionsOf(leadId)).map((t) => `${t.from}→${t.to}:${t.cause}`)).toEqual([
      "null→smb-nurture:traits",
      "smb-nurture→enterprise-cold:traits",
      "enterprise-cold→enterprise-hot:import",
    ]);
    expect(await ledgerRow(leadId)).toMatchObject({ segment_id: "enterprise-hot", pending_cause: null });
  });

  it("answers GET /v1/leads/{email}/segments: the recorded segment, reviewAt, and the history newest first, in pages", async () => {
    const { visitor, leadId, path } = await smbLead();
    for (let i = 0; i < 3; i++) await pricingView(visitor);
    const views = await pricingViews(leadId);
    const get = async (query = "") => {
      const res = await call("GET", `${path}/segments${query}`, { key: SERVER_KEY });
      expect(res.status).toBe(200);
      return (await res.json()) as { current: { id: string; name: string; since: string }; reviewAt: string | null; history: { from: string | null; to: string; at: string; cause: string }[] };
    };
    const all = await get();
    expect(all.current).toMatchObject({ id: "smb-qualified", since: new Date(views[2]!).toISOString() });
    expect(typeof all.current.name).toBe("string");
    expect(all.reviewAt).toBe(new Date(views[0]! + 7 * DAY).toISOString());
    expect(all.history.map((t) => `${t.from}→${t.to}:${t.cause}`)).toEqual(["smb-nurture→smb-qualified:event", "null→smb-nurture:traits"]);
    expect((await get("?limit=1")).history).toEqual(all.history.slice(0, 1));
    expect((await get(`?before=${encodeURIComponent(all.history[0]!.at)}`)).history).toEqual(all.history.slice(1));
    expect((await call("GET", `/v1/leads/${encodeURIComponent(newEmail())}/segments`, { key: SERVER_KEY })).status).toBe(404);
    expect((await call("GET", `${path}/segments`)).status).toBe(401);
    for (const bad of ["?limit=0", "?limit=x", "?before=yesterday"]) {
      const res = await call("GET", `${path}/segments${bad}`, { key: SERVER_KEY });
      expect(res.status, bad).toBeGreaterThanOrEqual(400);
      expect(res.status, bad).toBeLessThan(500);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
    }
  });

  it("is removed by an erase, and part of the export", async () => {
    const { email, visitor, leadId } = await smbLead();
    for (let i = 0; i < 3; i++) await pricingView(visitor);
    const exported = (await (await call("GET", `/v1/leads/${encodeURIComponent(email)}/export`, { key: SERVER_KEY })).json()) as {
      segment: { id: string }; segmentHistory: { to: string; cause: string }[];
    };
    expect(exported.segment.id).toBe("smb-qualified");
    expect(exported.segmentHistory.map((t) => t.to)).toEqual(["smb-nurture", "smb-qualified"]);
    expect((await call("DELETE", `/v1/leads/${encodeURIComponent(email)}`, { key: SERVER_KEY })).status).toBe(204);
    expect(await ledgerRow(leadId)).toBeNull();
    expect(await transitionsOf(leadId)).toEqual([]);
  });
});
