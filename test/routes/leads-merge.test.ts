import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BROWSER_UA, emailContent, follow, leadIdOf } from "../support/email";
import {
  ADMIN_TOKEN, call, countRows, DAY, getLead, verifyVisitor, importEvents, jsonOf, newEmail, newVisitorId, personalize, putLead, SERVER_KEY,
} from "../support/harness";

const BROWSER = { "user-agent": BROWSER_UA };
const merge = (into: string, from: unknown, key: string | null = SERVER_KEY) =>
  call("POST", `/v1/leads/${encodeURIComponent(into)}/merge`, { body: { from }, key });

/** Two known leads: A (SMB, two pricing views) and B (enterprise traits, a pricing and a docs view, a browser). */
async function twoLeads() {
  const [a, b] = [newEmail(), newEmail()];
  const now = Date.now();
  await putLead(a, { company: { employees: 50 } });
  await importEvents(a, [1, 2].map((h) => ({ type: "page_view", url: "/pricing", ts: now - h * 3_600_000 })));
  await putLead(b, { company: { employees: 5000, industry: "Retail" }, person: { role: "CTO" } });
  await importEvents(b, [{ type: "page_view", url: "/pricing", ts: now - DAY }, { type: "page_view", url: "/docs/start", ts: now - DAY }]);
  const visitorOfB = newVisitorId();
  await verifyVisitor(visitorOfB, b);
  return { a, b, visitorOfB, ids: { a: await leadIdOf(a), b: await leadIdOf(b) } };
}

async function pricingOf(leadId: string) {
  const row = await env.DB.prepare("SELECT total, recent FROM lead_activity WHERE lead_id = ? AND key = 'page_view:pricing'")
    .bind(leadId)
    .first<{ total: number; recent: string }>();
  return { total: row!.total, recent: JSON.parse(row!.recent) as number[] };
}

describe("POST /v1/leads/{email}/merge (server API)", () => {
  it("moves activity, events, visitors and missing traits into the survivor, once; the merged email is gone", async () => {
    const { a, b, visitorOfB, ids } = await twoLeads();
    const link = (await emailContent({ email: b, slots: "primary-cta" })).links["primary-cta"]!;

    const res = await merge(a, b);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ email: a, merged: b });

    const lead = await getLead(a);
    expect(lead.signals.pricing_views_7d).toBe(3);
    expect(lead.signals.page_views_30d).toBe(4);
    // The survivor's traits win; the merged lead's fill the gaps.
    expect(lead.traits).toEqual({ company: { employees: 50, industry: "retail" }, person: { role: "cto" } });
    // Three pricing views this week: the SMB survivor qualifies.
    expect(lead.segment.id).toBe("smb-qualified");
    expect((await call("GET", `/v1/leads/${b}`, { key: SERVER_KEY })).status).toBe(404);
    expect(await countRows("events", "lead_id = ?", ids.a)).toBe(4);
    expect(await countRows("events", "lead_id = ?", ids.b)).toBe(0);
    expect(await countRows("lead_activity", "lead_id = ?", ids.b)).toBe(0);
    expect(await countRows("leads", "id = ?", ids.b)).toBe(0);

    // B's browser now belongs to A, and so do B's email links.
    expect((await personalize(visitorOfB, "/pricing", {}, BROWSER)).segment.id).toBe("smb-qualified");
    expect(await countRows("events", "lead_id = ?", ids.a)).toBe(5);
    const click = await follow(link);
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toMatch(/\/demo\/contact\?plan=trial$/);
    expect(await countRows("events", "lead_id = ? AND type = 'email_click'", ids.a)).toBe(1);

    // A retry finds nothing left to merge and changes nothing.
    const retry = await merge(a, b);
    expect(retry.status).toBe(404);
    expect((await jsonOf(retry)).error.details).toEqual([{ path: "from", message: "no lead has this email" }]);
    expect((await getLead(a)).signals.page_views_30d).toBe(5);
  });

  it("an event id both leads hold is one event after the merge: the survivor's copy stays, totals exact", async () => {
    const { a, b, ids } = await twoLeads();
    const now = Date.now();
    const shared = crypto.randomUUID();
    const [tA, tB] = [now - 3 * 3_600_000, now - 4 * 3_600_000];
    expect(await importEvents(a, [{ id: shared, type: "page_view", url: "/pricing", ts: tA }])).toMatchObject({ accepted: 1 });
    // B's copy carries another time; B also has another pricing view at that same time.
    const sameTime = { type: "page_view", url: "/pricing", ts: tB };
    expect(await importEvents(b, [{ id: shared, ...sameTime }, sameTime])).toMatchObject({ accepted: 2 });

    const [before, other] = [await pricingOf(ids.a), await pricingOf(ids.b)];
    expect(other.recent.filter((ts) => ts === tB)).toHaveLength(2);

    expect((await merge(a, b)).status).toBe(200);
    expect(await countRows("events", "id = ?", shared)).toBe(1);
    expect(await countRows("events", "id = ? AND lead_id = ? AND ts = ?", shared, ids.a, tA)).toBe(1);
    expect(await countRows("events", "lead_id = ?", ids.a)).toBe(6);
    // A's two views and the shared one (A's time), B's day-old view and B's other view at tB.
    const withoutSharedCopy = [...other.recent.filter((ts) => ts !== tB), tB];
    expect(await pricingOf(ids.a)).toEqual({ total: 5, recent: [...before.recent, ...withoutSharedCopy].sort((x, y) => y - x) });
    expect((await getLead(a)).signals).toMatchObject({ pricing_views_7d: 5, page_views_30d: 6 });
    expect(await countRows("lead_activity", "lead_id = ?", ids.b)).toBe(0);
  });

  it("two opposite merges at once: one wins, the other finds nothing, nothing is lost or counted twice", async () => {
    const { a, b, ids } = await twoLeads();
    const statuses = (await Promise.all([merge(a, b), merge(b, a)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 404]);
    const survivors = await Promise.all([a, b].map((e) => call("GET", `/v1/leads/${e}`, { key: SERVER_KEY })));
    const alive = survivors.filter((r) => r.status === 200);
    expect(alive).toHaveLength(1);
    const lead = await jsonOf(alive[0]!);
    expect(lead.signals.page_views_30d).toBe(4);
    expect(lead.signals.pricing_views_7d).toBe(3);
    expect(await countRows("events", "lead_id IN (?, ?)", ids.a, ids.b)).toBe(4);
  });

  it("a merged lead's links follow a second merge too", async () => {
    const { a, b, ids } = await twoLeads();
    const c = newEmail();
    await putLead(c, { company: { employees: 300 } });
    const link = (await emailContent({ email: b, slots: "primary-cta" })).links["primary-cta"]!;
    expect((await merge(a, b)).status).toBe(200);
    expect((await merge(c, a)).status).toBe(200);
    expect((await follow(link)).status).toBe(302);
    expect(await countRows("events", "lead_id = ? AND type = 'email_click'", await leadIdOf(c))).toBe(1);
    expect(await countRows("leads", "id IN (?, ?)", ids.a, ids.b)).toBe(0);
  });

  it("rejects a missing or wrong key, the lead itself, a bad email and unknown leads, changing nothing", async () => {
    const { a, b, ids } = await twoLeads();
    for (const key of [null, ADMIN_TOKEN, "wrong"]) expect((await merge(a, b, key)).status).toBe(401);
    const self = await merge(a, ` ${a.toUpperCase()} `);
    expect(self.status).toBe(422);
    expect((await jsonOf(self)).error.details).toEqual([{ path: "from", message: "is the lead itself" }]);
    expect((await merge(a, "not-an-email")).status).toBe(422);
    expect((await merge(a, 42)).status).toBe(422);
    const unknownInto = await merge(newEmail(), b);
    expect(unknownInto.status).toBe(404);
    expect((await merge(a, newEmail())).status).toBe(404);
    expect(await countRows("leads", "id IN (?, ?)", ids.a, ids.b)).toBe(2);
    expect(await countRows("events", "lead_id = ?", ids.b)).toBe(2);
  });
});
