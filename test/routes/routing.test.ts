import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { reevaluateChunk } from "../../src/app/ledger-reevaluation";
import { RoutingStore } from "../../src/db/routing-store";
import { LeadStore } from "../../src/db/store";
import { reevaluationContext } from "../../src/queue";
import { createServices } from "../../src/services";
import { signWebhook } from "../../src/domain/webhook-signature";
import { ADMIN_TOKEN, claimIdentity, newVisitorId } from "../support/harness";
import { drain, hook, pricingView, routedEnv, runCron, SECRET, server, settle, smbLead, type Received } from "../support/routing";

/**
 * Routing through the worker: the default configuration's rules with its `crm-webhook`
 * destination made live (its two secrets set) and pointed at a real receiver on 127.0.0.1
 * (test/support/receiver-server.ts), the queue driven with vitest's queue helpers.
 */

/** As if the quiet period had passed: the lead's held delivery is due now. */
async function endQuietPeriod(leadId: string) {
  const { meta } = await env.DB.prepare("UPDATE routing_deliveries SET next_at = ? WHERE lead_id = ? AND status = 'held'").bind(Date.now() - 1, leadId).run();
  expect(meta.changes).toBe(1);
}

async function deliveriesOf(leadId: string) {
  const { results } = await env.DB.prepare(
    `SELECT id, destination, from_segment AS "from", to_segment AS "to", status, attempts FROM routing_deliveries WHERE lead_id = ? ORDER BY created_at, id`,
  ).bind(leadId).all<{ id: string; destination: string; from: string | null; to: string; status: string; attempts: number }>();
  return results;
}

const bodies = (received: Received[]) => received.map((r) => JSON.parse(r.body) as { type: string; data: { from: string | null; to: string; lead: { id: string; email: string }; sales: Record<string, unknown>; links: Record<string, string> } });

describe("routing a lead's change of segment to a webhook", () => {
  it("signs with WebCrypto exactly as the Standard Webhooks specification's test vector", async () => {
    const signature = await signWebhook(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    // During a rotation: one signature per secret, and a receiver holding either verifies.
    const other = "whsec_" + btoa("another key of 24 bytes!");
    const timestamp = Math.floor(Date.now() / 1000);
    const both = await signWebhook([SECRET, other], "msg_1", timestamp, "{}");
    expect(both.split(" ")).toHaveLength(2);
    const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(timestamp), "webhook-signature": both };
    for (const secret of [SECRET, other]) expect(new Webhook(secret).verify("{}", headers)).toEqual({});
    expect(() => new Webhook("whsec_" + btoa("a third key, not used!!!")).verify("{}", headers)).toThrow(/signature/i);
  });

  it("three pricing views move a verified SMB lead into smb-qualified: the receiver gets that move once, signed, with the sales route and links", async () => {
    const target = await hook();
    const testEnv = routedEnv(target.url);
    const { visitor, leadId, email } = await smbLead(testEnv);
    await drain(testEnv);
    for (let i = 0; i < 3; i++) expect((await pricingView(testEnv, visitor)).status).toBe(200);
    await drain(testEnv);
    const received = await target.received();
    expect(received.map((r) => r.verified)).toEqual([true, true]);
    const moves = bodies(received);
    expect(moves.map((m) => `${m.type} ${m.data.from}→${m.data.to}`)).toEqual([
      "lead.segment_changed null→smb-nurture",
      "lead.segment_changed smb-nurture→smb-qualified",
    ]);
    const qualified = moves[1]!;
    expect(qualified.data.lead).toEqual({ id: leadId, email });
    expect(qualified.data.sales).toMatchObject({ action: "Self-service signup", track: "Product-led growth", team: "self-serve", owner: null });
    expect(Object.keys(qualified.data.links)).toContain("primary-cta");
    expect(qualified.data.links["primary-cta"]).toMatch(/^https:\/\/leadflare\.test\/r\//);
    const rows = await deliveriesOf(leadId);
    expect(rows.map((r) => r.status)).toEqual(["delivered", "delivered"]);
    expect(received[1]!.headers["webhook-id"]).toBe(rows[1]!.id);
  });

  it("the same move by a browser that only claimed the lead's email sends nothing", async () => {
    const target = await hook();
    const testEnv = routedEnv(target.url);
    const { email, leadId } = await smbLead(testEnv);
    await drain(testEnv);
    const stranger = newVisitorId();
    await claimIdentity(stranger, email);
    for (let i = 0; i < 3; i++) await pricingView(testEnv, stranger);
    await drain(testEnv);
    expect(bodies(await target.received()).map((m) => m.data.to)).toEqual(["smb-nurture"]);
    expect((await deliveriesOf(leadId)).map((r) => r.to)).toEqual(["smb-nurture"]);
  });

  it("500, 500, 200: three attempts of one logical delivery with one webhook-id, on the retry schedule", async () => {
    const target = await hook([{ status: 500 }, { status: 500 }]);
    const testEnv = routedEnv(target.url);
    const { leadId } = await smbLead(testEnv);
    await drain(testEnv);
    const [first] = await deliveriesOf(leadId);
    expect(first).toMatchObject({ status: "pending", attempts: 1 });
    // The retry is a delayed message: 5 s after the first failure, 5 min after the second.
    expect(testEnv.sent).toEqual([{ id: first!.id, delaySeconds: 5 }]);
    await env.DB.prepare("UPDATE routing_deliveries SET next_at = ? WHERE id = ?").bind(Date.now(), first!.id).run();
    await drain(testEnv);
    expect(testEnv.sent).toEqual([{ id: first!.id, delaySeconds: 300 }]);
    await env.DB.prepare("UPDATE routing_deliveries SET next_at = ? WHERE id = ?").bind(Date.now(), first!.id).run();
    await drain(testEnv);
    const received = await target.received();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([first!.id]));
    expect(received.every((r) => r.verified)).toBe(true);
    expect(await deliveriesOf(leadId)).toEqual([expect.objectContaining({ status: "delivered", attempts: 3 })]);
    const { results } = await env.DB.prepare("SELECT attempt, status FROM routing_attempts WHERE delivery_id = ? ORDER BY attempt").bind(first!.id).all();
    expect(results).toEqual([{ attempt: 1, status: 500 }, { attempt: 2, status: 500 }, { attempt: 3, status: 200 }]);
  });

  it("a message delivered twice sends once: the second finds the delivery taken or done", async () => {
    const target = await hook();
    const testEnv = routedEnv(target.url);
    const { leadId } = await smbLead(testEnv);
    testEnv.sent.push(...testEnv.sent);
    await drain(testEnv);
    expect(await target.received()).toHaveLength(1);
    expect(await deliveriesOf(leadId)).toEqual([expect.objectContaining({ status: "delivered", attempts: 1 })]);
  });

  it("429 with Retry-After waits at least that long; 410 disables the destination and what waits for it", async () => {
    const target = await hook([{ status: 429, retryAfter: "120" }, { status: 410 }]);
    const testEnv = routedEnv(target.url);
    const { leadId } = await smbLead(testEnv);
    await drain(testEnv);
    expect(testEnv.sent.map((m) => m.delaySeconds)).toEqual([120]);
    const [first] = await deliveriesOf(leadId);
    await env.DB.prepare("UPDATE routing_deliveries SET next_at = ? WHERE id = ?").bind(Date.now(), first!.id).run();
    await drain(testEnv);
    expect(await deliveriesOf(leadId)).toEqual([expect.objectContaining({ status: "disabled", attempts: 2 })]);
    expect(await env.DB.prepare("SELECT reason FROM routing_disabled WHERE destination = 'crm-webhook'").first("reason")).toMatch(/410/);
    await env.DB.prepare("DELETE FROM routing_disabled").run();
  });

  it("a crash between the commit and the enqueue: the cron's sweep sends what was never enqueued", async () => {
    const target = await hook();
    const testEnv = routedEnv(target.url);
    const { leadId } = await smbLead(testEnv);
    // The messages are lost (the isolate died after the batch committed).
    testEnv.sent.length = 0;
    expect(await deliveriesOf(leadId)).toEqual([expect.objectContaining({ status: "pending", attempts: 0 })]);
    // Within the grace period the message may still be on its way: the sweep waits...
    await runCron(testEnv, Date.now() + 60_000);
    expect(testEnv.sent).toEqual([]);
    // ...then sends it, once.
    const [row] = await deliveriesOf(leadId);
    await runCron(testEnv, Date.now() + 180_000);
    expect(testEnv.sent).toEqual([{ id: row!.id, delaySeconds: 0 }]);
    await drain(testEnv);
    expect(await target.received()).toHaveLength(1);
    expect(await deliveriesOf(leadId)).toEqual([expect.objectContaining({ status: "delivered" })]);
  });

  it("a lead that flaps back within the quiet period is sent once at its end, as the net change, or not at all when it is back", async () => {
    const target = await hook();
    const testEnv = routedEnv(target.url);
    const { email, visitor, leadId } = await smbLead(testEnv);
    const path = `/v1/leads/${encodeURIComponent(email)}`;
    for (let i = 0; i < 3; i++) await pricingView(testEnv, visitor);
    await server(testEnv, "PUT", path, { company: { employees: 5000 } });
    await drain(testEnv);
    const moves = () => target.received().then((r) => bodies(r).map((m) => `${m.data.from}→${m.data.to}`));
    expect(await moves()).toEqual(["null→smb-nurture", "smb-nurture→smb-qualified", "smb-qualified→enterprise-hot"]);
    // Back and forth twice: each move is held, none sent.
    for (const employees of [50, 5000, 50, 5000]) await server(testEnv, "PUT", path, { company: { employees } });
    await drain(testEnv);
    expect(await moves()).toHaveLength(3);
    const held = (await deliveriesOf(leadId)).filter((r) => r.status === "held");
    expect(held).toEqual([expect.objectContaining({ from: "enterprise-hot", to: "enterprise-hot" })]);
    // At the end of the quiet period the lead is where the last delivery left it: nothing to send.
    await endQuietPeriod(leadId);
    await runCron(testEnv, Date.now());
    await drain(testEnv);
    expect(await moves()).toHaveLength(3);
    expect((await deliveriesOf(leadId)).map((r) => r.status)).toEqual(["delivered", "delivered", "delivered", "dropped"]);

    // Back once more, and left there: one delivery of the net change when the period ends.
    await server(testEnv, "PUT", path, { company: { employees: 50 } });
    await server(testEnv, "PUT", path, { company: { employees: 5000 } });
    await server(testEnv, "PUT", path, { company: { employees: 50 } });
    await drain(testEnv);
    expect(await moves()).toHaveLength(3);
    await endQuietPeriod(leadId);
    await runCron(testEnv, Date.now());
    await drain(testEnv);
    expect((await moves()).at(-1)).toBe("enterprise-hot→smb-qualified");
    expect(await moves()).toHaveLength(4);
  });

  it("the export lists the lead's deliveries; erasing the lead deletes them and their attempts", async () => {
    const target = await hook([{ status: 500 }]);
    const testEnv = routedEnv(target.url);
    const { email, leadId } = await smbLead(testEnv);
    await drain(testEnv);
    const [row] = await deliveriesOf(leadId);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM routing_attempts WHERE delivery_id = ?").bind(row!.id).first("n")).toBe(1);
    const exported = await server(testEnv, "GET", `/v1/leads/${encodeURIComponent(email)}/export`, undefined);
    expect(((await exported.json()) as { routingDeliveries: unknown[] }).routingDeliveries).toEqual([
      expect.objectContaining({ destination: "crm-webhook", from: null, to: "smb-nurture", status: "pending", attempts: 1 }),
    ]);
    expect((await server(testEnv, "DELETE", `/v1/leads/${encodeURIComponent(email)}`, undefined)).status).toBe(204);
    expect(await deliveriesOf(leadId)).toEqual([]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM routing_attempts WHERE delivery_id = ?").bind(row!.id).first("n")).toBe(0);
  });

  it("owners from one pool go in turn: twenty concurrent first attempts take twenty different turns", async () => {
    const { leadId } = await smbLead(routedEnv("http://127.0.0.1:9/unused"));
    const pool = JSON.stringify([`ae-${crypto.randomUUID()}`, "ae-2", "ae-3", "ae-4"]);
    const ids = Array.from({ length: 20 }, () => `msg_${crypto.randomUUID().replaceAll("-", "")}`);
    const now = Date.now();
    await env.DB.batch(ids.map((id) => env.DB.prepare(
      `INSERT INTO routing_deliveries (id, lead_id, destination, to_segment, cause, at, config_version, rule, pool, status, next_at, created_at)
       VALUES (?, ?, 'crm-webhook', 'enterprise-hot', 'traits', ?, 1, 0, ?, 'pending', ?, ?)`).bind(id, leadId, now, pool, now, now)));
    const store = new RoutingStore(env.DB);
    const claimed = await Promise.all(ids.map((id) => store.claim(id, crypto.randomUUID(), now)));
    const owners = claimed.map((c) => c!.owner);
    // Four owners, twenty turns: each owner five times, as one counter handed them out.
    const turns = new Map<string, number>();
    for (const owner of owners) turns.set(owner!, (turns.get(owner!) ?? 0) + 1);
    expect([...turns.values()]).toEqual([5, 5, 5, 5]);
    expect(await env.DB.prepare("SELECT turn FROM routing_turns WHERE pool = ?").bind(pool).first("turn")).toBe(20);
    // A second claim of a held delivery finds it taken: no second turn.
    expect(await store.claim(ids[0]!, crypto.randomUUID(), now)).toBeNull();
  });

  it("GET /v1/admin/deliveries shows the log with every attempt; replay sends a dead delivery again with the same webhook-id", async () => {
    const target = await hook([{ status: 500 }]);
    const testEnv = routedEnv(target.url);
    const { email, leadId } = await smbLead(testEnv);
    await drain(testEnv);
    testEnv.sent.length = 0;
    const [row] = await deliveriesOf(leadId);
    await env.DB.prepare("UPDATE routing_deliveries SET status = 'dead' WHERE id = ?").bind(row!.id).run();
    const admin = (method: string, path: string) =>
      settle(testEnv, new Request(`https://leadflare.test${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, origin: "https://leadflare.test" } }));
    const list = await admin("GET", `/v1/admin/deliveries?lead=${encodeURIComponent(email)}`);
    expect(list.status).toBe(200);
    const { deliveries } = (await list.json()) as { deliveries: { id: string; status: string; lead: { email: string }; attempts: { status: number; error: string }[] }[] };
    expect(deliveries).toEqual([expect.objectContaining({ id: row!.id, status: "dead", lead: { id: leadId, email }, attempts: [expect.objectContaining({ status: 500, error: "answered 500" })] })]);
    expect((await admin("GET", "/v1/admin/deliveries?status=nope")).status).toBe(422);

    const replay = await admin("POST", `/v1/admin/deliveries/${row!.id}/replay`);
    expect(replay.status).toBe(202);
    expect(testEnv.sent).toEqual([{ id: row!.id, delaySeconds: 0 }]);
    await drain(testEnv);
    const received = await target.received();
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([row!.id, row!.id]);
    expect((await deliveriesOf(leadId))[0]).toMatchObject({ status: "delivered" });
    // The log keeps the attempts before the replay, and numbers the replay's on after them.
    const after = ((await (await admin("GET", `/v1/admin/deliveries?lead=${encodeURIComponent(email)}`)).json()) as { deliveries: typeof deliveries }).deliveries;
    expect(after[0]).toMatchObject({ status: "delivered", attempts: [{ attempt: 1, status: 500 }, { attempt: 2, status: 200, error: null }] });
    expect((await admin("POST", `/v1/admin/deliveries/msg_${"0".repeat(32)}/replay`)).status).toBe(404);
  });

  it("erase tells each live webhook lead.erased, signed, with the lead's id only; the notice is gone once delivered, retried until then", async () => {
    const target = await hook([{ status: 503 }]);
    const testEnv = routedEnv(target.url);
    const { email, leadId } = await smbLead(testEnv);
    await drain(testEnv);
    expect((await server(testEnv, "DELETE", `/v1/leads/${encodeURIComponent(email)}`, undefined)).status).toBe(204);
    // The queue holds the segment change's retry (its 503) and the notice.
    const notice = testEnv.sent.find((m) => testEnv.kinds.get(m.id) === "erasure");
    expect(notice).toBeDefined();
    await drain(testEnv);
    // The receiver's second answer (after the segment change's 503) is the notice's: 200.
    const received = await target.received();
    const erased = received.map((r) => JSON.parse(r.body)).filter((b) => b.type === "lead.erased");
    expect(erased).toEqual([{ type: "lead.erased", timestamp: expect.any(String), data: { lead: { id: leadId } } }]);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(received.at(-1)!.body).not.toContain(email);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM routing_erasures WHERE id = ?").bind(notice!.id).first("n")).toBe(0);
  });

  it("a lead.erased notice that fails is retried on the schedule, and the sweep sends one whose message was lost", async () => {
    const target = await hook([{ status: 200 }, { status: 500 }]);
    const testEnv = routedEnv(target.url);
    const { email, leadId } = await smbLead(testEnv);
    await drain(testEnv);
    await server(testEnv, "DELETE", `/v1/leads/${encodeURIComponent(email)}`, undefined);
    await drain(testEnv);
    const row = await env.DB.prepare("SELECT id, erased_lead, attempts, status FROM routing_erasures WHERE erased_lead = ?").bind(leadId).first<{ id: string; attempts: number; status: string }>();
    expect(row).toMatchObject({ attempts: 1, status: "pending" });
    expect(testEnv.sent).toEqual([{ id: row!.id, delaySeconds: 5 }]);
    testEnv.sent.length = 0; // the delayed message is lost
    await env.DB.prepare("UPDATE routing_erasures SET next_at = ?, enqueued_at = ? WHERE id = ?").bind(Date.now() - 1, Date.now() - 180_000, row!.id).run();
    await runCron(testEnv, Date.now());
    expect(testEnv.sent).toEqual([{ id: row!.id, delaySeconds: 0 }]);
    await drain(testEnv);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM routing_erasures WHERE id = ?").bind(row!.id).first("n")).toBe(0);
  });

  it("routes a lead's own change that a configuration's re-evaluation records first (its `config` changes are never routed)", async () => {
    const receiver = await hook();
    const testEnv = routedEnv(receiver.url);
    // A write whose review after the response never ran: the lead is marked, its change pending.
    const email = `lead-${crypto.randomUUID()}@test.example`;
    await new LeadStore(env.DB).upsertTraits(email, { company: { employees: 50 } }, crypto.randomUUID(), Date.now());
    const leadId = (await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(email).first<{ id: string }>())!.id;
    // The queue's re-evaluation context, given a chunk holding just this lead.
    const services = await createServices(testEnv.env, Date.now(), () => {});
    const context = reevaluationContext(testEnv.env, services);
    const jobs = { claim: async () => ({ configVersion: services.configVersion, lease: "test", leads: [{ id: leadId, current: false }] }), advance: async () => null };
    await reevaluateChunk({ ...context, jobs: jobs as unknown as typeof context.jobs }, Date.now());
    const recorded = await env.DB.prepare("SELECT to_segment, cause FROM segment_transitions WHERE lead_id = ?").bind(leadId).all();
    expect(recorded.results).toEqual([{ to_segment: "smb-nurture", cause: "traits" }]);
    expect((await deliveriesOf(leadId)).map((d) => `${d.from}→${d.to}`)).toEqual(["null→smb-nurture"]);
  });
});
