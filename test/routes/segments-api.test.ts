import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { defaultConfig } from "../support/config";
import { BROWSER_UA, leadIdOf } from "../support/email";
import { ADMIN_TOKEN, call, DAY, jsonOf, newEmail, newVisitorId, SERVER_KEY } from "../support/harness";

/** The seed's SMB lead: fit 52, so its traits alone put it in smb-nurture and three pricing views in smb-qualified. */
const SMB = { company: { employees: 50, industry: "saas" }, person: { seniority: "director" } };

interface Sizes {
  from: string;
  to: string;
  configVersion: number;
  segments: { id: string; name: string | null; inConfiguration: boolean; leads: number; entered: number; exited: number }[];
}
interface Members {
  segment: { id: string; name: string | null };
  leads: { email: string; since: string }[];
  next: string | null;
}

/** One request through the worker, waiting for its work after the response (the segment review). */
async function settle(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as never, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const server = (method: string, path: string, body?: unknown) =>
  settle(new Request(`https://leadflare.test${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${SERVER_KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));

const pricingView = (visitorId: string) =>
  settle(new Request("https://leadflare.test/v1/personalize", {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": BROWSER_UA },
    body: JSON.stringify({ visitorId, page: { url: "/pricing" } }),
  }));

async function runCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** A known SMB lead with one browser (in smb-nurture); `views` pricing views move it on. */
async function smbLead(views = 0) {
  const email = newEmail();
  const visitor = newVisitorId();
  const path = `/v1/leads/${encodeURIComponent(email)}`;
  expect((await server("PUT", path, SMB)).status).toBe(200);
  expect((await server("POST", `${path}/visitors`, { visitorId: visitor })).status).toBe(200);
  for (let i = 0; i < views; i++) expect((await pricingView(visitor)).status).toBe(200);
  return { email, visitor, leadId: await leadIdOf(email) };
}

async function sizes(): Promise<Map<string, Sizes["segments"][number]>> {
  const res = await server("GET", "/v1/segments");
  expect(res.status).toBe(200);
  return new Map((await jsonOf<Sizes>(res)).segments.map((s) => [s.id, s]));
}

/** What changed between two answers, per segment: [leads, entered, exited]. */
function delta(before: Map<string, Sizes["segments"][number]>, after: Map<string, Sizes["segments"][number]>, id: string) {
  const a = before.get(id) ?? { leads: 0, entered: 0, exited: 0 };
  const b = after.get(id)!;
  return [b.leads - a.leads, b.entered - a.entered, b.exited - a.exited];
}

/** Every member of a segment, following `next` page by page. */
async function allMembers(id: string, limit: number): Promise<{ pages: number; leads: Members["leads"] }> {
  const leads: Members["leads"] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await server("GET", `/v1/segments/${id}/leads${query}`);
    expect(res.status).toBe(200);
    const page = await jsonOf<Members>(res);
    expect(page.leads.length).toBeLessThanOrEqual(limit);
    leads.push(...page.leads);
    cursor = page.next;
    pages++;
  } while (cursor);
  return { pages, leads };
}

async function emailedMembers(id: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT l.email FROM lead_segments s JOIN leads l ON l.id = s.lead_id WHERE s.segment_id = ? AND l.email IS NOT NULL",
  ).bind(id).all<{ email: string }>();
  return results.map((r) => r.email);
}

describe("GET /v1/segments", () => {
  it("lists every configured segment in configuration order, with current sizes and 7-day entries and exits from the ledger", async () => {
    const before = await sizes();
    const order = [...before.values()].filter((s) => s.inConfiguration).map((s) => s.id);
    expect(order).toEqual(defaultConfig().candidates.map((c) => c.def.id));
    expect([...before.values()].every((s) => s.inConfiguration ? typeof s.name === "string" : s.name === null)).toBe(true);

    await smbLead(0);
    await smbLead(3);
    await smbLead(3);
    const after = await sizes();
    // Three entered smb-nurture (their traits); two left it for smb-qualified at the third view.
    expect(delta(before, after, "smb-nurture")).toEqual([1, 3, 2]);
    expect(delta(before, after, "smb-qualified")).toEqual([2, 2, 0]);
    for (const id of order.filter((id) => id !== "smb-nurture" && id !== "smb-qualified")) expect(delta(before, after, id), id).toEqual([0, 0, 0]);
  });

  it("follows what the sweep records when time alone moves a lead; changes older than 7 days leave the window", async () => {
    const { leadId } = await smbLead(3);
    const row = await env.DB.prepare("SELECT review_at FROM lead_segments WHERE lead_id = ?").bind(leadId).first<{ review_at: number }>();
    const before = await sizes();
    await runCron(row!.review_at + 60_000);
    const after = await sizes();
    // The change is dated when it happens (7 days from now), so it is not in the window ending now; the size is.
    expect(delta(before, after, "smb-qualified")[0]).toBeLessThanOrEqual(-1);
    expect(delta(before, after, "smb-nurture")[0]).toBeGreaterThanOrEqual(1);

    // A change recorded 8 days ago counts in no window of now.
    const old = Date.now() - 8 * DAY;
    await env.DB.prepare("INSERT INTO segment_transitions (lead_id, from_segment, to_segment, at, cause, config_version) VALUES (?, 'smb-nurture', 'smb-qualified', ?, 'time', 1)")
      .bind(leadId, old).run();
    expect(delta(after, await sizes(), "smb-qualified")).toEqual([0, 0, 0]);
  });

  it("lists segments the ledger holds but the configuration no longer has after the configured ones, flagged", async () => {
    const { email, leadId } = await smbLead(0);
    const retired = `retired-${crypto.randomUUID().slice(0, 8)}`;
    await env.DB.prepare("UPDATE lead_segments SET segment_id = ? WHERE lead_id = ?").bind(retired, leadId).run();
    try {
      const all = [...(await sizes()).values()];
      const index = all.findIndex((s) => s.id === retired);
      expect(all[index]).toEqual({ id: retired, name: null, inConfiguration: false, leads: 1, entered: 0, exited: 0 });
      expect(all.slice(0, index).every((s) => s.inConfiguration)).toBe(true);
      const members = await jsonOf<Members>(await server("GET", `/v1/segments/${retired}/leads`));
      expect(members).toEqual({ segment: { id: retired, name: null }, leads: [{ email, since: expect.any(String) }], next: null });
    } finally {
      await env.DB.prepare("DELETE FROM lead_segments WHERE lead_id = ?").bind(leadId).run();
    }
    expect([...(await sizes()).keys()]).not.toContain(retired);
    expect((await server("GET", `/v1/segments/${retired}/leads`)).status).toBe(404);
  });

  it("needs the server key, and says nothing about leads without it", async () => {
    const { email } = await smbLead(0);
    for (const path of ["/v1/segments", "/v1/segments/smb-nurture/leads"]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(401);
      expect(await res.text()).not.toContain("@");
      expect((await call("GET", path, { key: ADMIN_TOKEN })).status, path).toBe(401);
    }
    const body = await (await server("GET", "/v1/segments")).text();
    expect(body).not.toContain(email);
    expect(body).not.toContain("@");
  });

  it("has a console twin under /v1/admin that answers the same and refuses the server key", async () => {
    await smbLead(0);
    const admin = await call("GET", "/v1/admin/segments", { key: ADMIN_TOKEN });
    expect(admin.status).toBe(200);
    const fromAdmin = await jsonOf<Sizes>(admin);
    const fromServer = await jsonOf<Sizes>(await server("GET", "/v1/segments"));
    expect(fromAdmin.segments).toEqual(fromServer.segments);
    expect((await call("GET", "/v1/admin/segments", { key: SERVER_KEY })).status).toBe(401);
  });

  it("is documented in /openapi.json", async () => {
    const doc = await jsonOf<{ paths: Record<string, Record<string, { security: unknown[] }>> }>(await call("GET", "/openapi.json"));
    expect(doc.paths["/v1/segments"]?.get?.security).toEqual([{ serverKey: [] }]);
    expect(doc.paths["/v1/segments/{id}/leads"]?.get?.security).toEqual([{ serverKey: [] }]);
    expect(doc.paths["/v1/admin/segments"]?.get).toBeDefined();
    expect(doc.paths["/v1/admin/leads/{email}/segments"]?.get).toBeDefined();
  });
});

describe("GET /v1/segments/{id}/leads", () => {
  it("pages through the current members with email and since, with no duplicates or gaps, leaving out anonymous leads", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await smbLead(0));
    // An anonymous visitor in a segment: a member, but without an address to sync.
    const anonymous = newVisitorId();
    expect((await pricingView(anonymous)).status).toBe(200);
    const anonymousRow = await env.DB.prepare(
      "SELECT s.segment_id FROM lead_segments s JOIN visitors v ON v.lead_id = s.lead_id WHERE v.id = ?",
    ).bind(anonymous).first<{ segment_id: string }>();

    const { pages, leads } = await allMembers("smb-nurture", 2);
    const emails = leads.map((l) => l.email);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.sort()).toEqual((await emailedMembers("smb-nurture")).sort());
    for (const { email } of created) expect(emails).toContain(email);
    expect(pages).toBe(Math.max(1, Math.ceil(emails.length / 2)));
    expect(leads.every((l) => !Number.isNaN(Date.parse(l.since)))).toBe(true);
    // In entry order: a sync can keep the last cursor.
    const since = leads.map((l) => Date.parse(l.since));
    const { leads: ordered } = await allMembers("smb-nurture", 1000);
    expect(ordered.map((l) => Date.parse(l.since))).toEqual([...since].sort((a, b) => a - b));

    expect(anonymousRow?.segment_id).toBeTruthy();
    const segment = anonymousRow!.segment_id;
    const members = await env.DB.prepare("SELECT count(*) AS n FROM lead_segments WHERE segment_id = ?").bind(segment).first<{ n: number }>();
    const { leads: listed } = await allMembers(segment, 1000);
    expect(listed.length).toBe((await emailedMembers(segment)).length);
    expect(listed.length).toBeLessThan(members!.n);
  });

  it("pages through members that entered at the same instant one by one, none twice", async () => {
    const leads = [];
    for (let i = 0; i < 3; i++) leads.push(await smbLead(0));
    // Members recorded under a segment of their own, all since one instant: the order falls back to the lead.
    const segment = `tied-${crypto.randomUUID().slice(0, 8)}`;
    for (const { leadId } of leads) {
      await env.DB.prepare("UPDATE lead_segments SET segment_id = ?, since = ? WHERE lead_id = ?").bind(segment, Date.UTC(2030, 0, 1), leadId).run();
    }
    try {
      const { pages, leads: listed } = await allMembers(segment, 1);
      expect(pages).toBe(3);
      expect(listed.map((l) => l.email).sort()).toEqual(leads.map((l) => l.email).sort());
      expect(listed.every((l) => l.since === "2030-01-01T00:00:00.000Z")).toBe(true);
    } finally {
      for (const { leadId } of leads) await env.DB.prepare("DELETE FROM lead_segments WHERE lead_id = ?").bind(leadId).run();
    }
  });

  it("keeps its place when members join and leave between pages", async () => {
    for (let i = 0; i < 3; i++) await smbLead(0);
    const first = await jsonOf<Members>(await server("GET", "/v1/segments/smb-nurture/leads?limit=2"));
    expect(first.next).not.toBeNull();
    // The first listed member leaves (three pricing views), a new one joins: the rest still follows, once each.
    const leaving = first.leads[0]!.email;
    const leaver = await env.DB.prepare("SELECT v.id FROM visitors v JOIN leads l ON l.id = v.lead_id WHERE l.email = ?").bind(leaving).first<{ id: string }>();
    expect(leaver).not.toBeNull();
    for (let i = 0; i < 3; i++) await pricingView(leaver!.id);
    const joined = await smbLead(0);
    const rest: Members["leads"] = [];
    let cursor: string | null = first.next;
    while (cursor) {
      const page: Members = await jsonOf<Members>(await server("GET", `/v1/segments/smb-nurture/leads?limit=2&cursor=${encodeURIComponent(cursor)}`));
      rest.push(...page.leads);
      cursor = page.next;
    }
    const restEmails = rest.map((l) => l.email);
    expect(restEmails).not.toContain(first.leads[0]!.email);
    expect(restEmails).not.toContain(first.leads[1]!.email);
    expect(restEmails).toContain(joined.email);
    expect(new Set(restEmails).size).toBe(restEmails.length);
  });

  it("answers 404 for an unknown segment and a validation error for a bad limit or cursor", async () => {
    const missing = await server("GET", "/v1/segments/no-such-segment/leads");
    expect(missing.status).toBe(404);
    expect((await jsonOf(missing)).error.code).toBe("not_found");
    const notOurs = btoa("x.y.z");
    for (const bad of ["limit=0", "limit=1001", "limit=x", "cursor=%%%", "cursor=abc", `cursor=${notOurs}`, `cursor=${"a".repeat(300)}`]) {
      const res = await server("GET", `/v1/segments/smb-nurture/leads?${bad}`);
      expect(res.status, bad).toBe(422);
      const body = await jsonOf(res);
      expect(body.error.code, bad).toBe("validation_failed");
      expect(body.error.details[0].path, bad).toBe(bad.split("=")[0]);
    }
    expect((await server("GET", "/v1/segments/smb-nurture/leads?limit=1000")).status).toBe(200);
  });
});

describe("the console's lead: the ledger", () => {
  it("GET /v1/admin/leads/{email} carries the ledger, and /segments pages through its history", async () => {
    const { email } = await smbLead(3);
    const path = `/v1/admin/leads/${encodeURIComponent(email)}`;
    const lead = await jsonOf(await call("GET", path, { key: ADMIN_TOKEN }));
    expect(lead.ledger.current).toMatchObject({ id: "smb-qualified", configVersion: expect.any(Number) });
    expect(typeof lead.ledger.reviewAt).toBe("string");
    expect(lead.ledger.history.map((t: { from: string | null; to: string }) => `${t.from}→${t.to}`)).toEqual(["smb-nurture→smb-qualified", "null→smb-nurture"]);

    const page = await jsonOf(await call("GET", `${path}/segments?limit=1&before=${encodeURIComponent(lead.ledger.history[0].at)}`, { key: ADMIN_TOKEN }));
    expect(page.history).toEqual(lead.ledger.history.slice(1));
    expect((await call("GET", `${path}/segments`, { key: SERVER_KEY })).status).toBe(401);
    expect((await call("GET", `/v1/admin/leads/${encodeURIComponent(newEmail())}/segments`, { key: ADMIN_TOKEN })).status).toBe(404);
  });
});
