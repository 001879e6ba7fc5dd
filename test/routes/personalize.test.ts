import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fetchCountingD1 } from "../support/counting-d1";
import {
  call, countRows, DAY, getLead, verifyVisitor, importEvents, jsonOf, newEmail, newVisitorId, personalize, personalizeRequest, putLead,
} from "../support/harness";
import { EVENTS_OF_VISITOR } from "../support/events-table";

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };

describe("POST /v1/personalize", () => {
  it("the seed's example: an SMB lead tips into smb-qualified on its third pricing view in a week", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await putLead(email, { company: { employees: 50 } });
    await verifyVisitor(visitor, email);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push((await personalize(visitor, "https://site.example/pricing", {}, BROWSER)).segment.id);
    expect(seen).toEqual(["smb-nurture", "smb-nurture", "smb-qualified"]);
    const third = await personalize(visitor, "https://site.example/", {}, BROWSER);
    expect(third.slots.hero.variant).toBe("smb-qualified");
    expect(third.slots["primary-cta"]).toMatchObject({ label: "Start your free trial" });
  });

  it("the seed's example, worst case: two views almost a week old, the third now", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    const now = Date.now();
    await putLead(email, { company: { employees: 50 } });
    await verifyVisitor(visitor, email);
    await importEvents(email, [6.99, 6.98].map((d) => ({ type: "page_view", url: "/pricing", ts: now - d * DAY })));
    expect((await getLead(email)).segment.id).toBe("smb-nurture");
    expect((await personalize(visitor, "/pricing", {}, BROWSER)).segment.id).toBe("smb-qualified");
  });

  it("the seed's example: back to smb-nurture once those views are more than 7 days old", async () => {
    const now = Date.now();

    const aged = newEmail();
    await putLead(aged, { company: { employees: 50 } });
    await importEvents(aged, [7.01, 7.5, 8].map((d) => ({ type: "page_view", url: "/pricing", ts: now - d * DAY })));
    const lead = await getLead(aged);
    expect(lead.signals.pricing_views_7d).toBe(0);
    expect(lead.segment.id).toBe("smb-nurture");
  });

  it("records the page view idempotently by eventId", async () => {
    const visitor = newVisitorId();
    const eventId = crypto.randomUUID();
    await personalize(visitor, "/pricing", { eventId }, BROWSER);
    await personalize(visitor, "/pricing", { eventId }, BROWSER);
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(1);
    expect(await countRows("lead_activity", "lead_id = (SELECT lead_id FROM visitors WHERE id = ?) AND total = 1", visitor)).toBe(1);
  });

  it("counts 20 concurrent page views for one lead exactly 20 times", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await verifyVisitor(visitor, email);
    await Promise.all(Array.from({ length: 20 }, () => personalize(visitor, "/docs/start", {}, BROWSER)));
    const lead = await getLead(email);
    expect(lead.signals.page_views_30d).toBe(20);
    expect(await countRows("lead_activity", "lead_id = (SELECT lead_id FROM visitors WHERE id = ?) AND total = 20", visitor)).toBe(1);
  });

  const oneRoundTrip: [string, (visitor: string) => Request][] = [
    ["POST (records the page view)", (visitor) => personalizeRequest(visitor, "/pricing", BROWSER)],
    ["GET (read only)", (visitor) => new Request(`https://leadflare.test/v1/personalize?visitorId=${visitor}&url=/pricing`, { headers: BROWSER })],
  ];

  it.each(oneRoundTrip)("%s makes exactly one D1 round trip (one batch) and does not re-read configuration", async (_, request) => {
    const visitor = newVisitorId();
    await personalize(visitor, "/pricing");
    await fetchCountingD1(request(visitor)); // warm the isolate (configuration cache)
    for (let i = 0; i < 3; i++) {
      const { response, counts } = await fetchCountingD1(request(visitor));
      expect(response.status).toBe(200);
      expect(counts).toEqual({ batch: 1, statement: 0, exec: 0 });
    }
  });

  it("never returns an email, a trait or a lead id to the public", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await putLead(email, { company: { employees: 1234, industry: "Quantum Widgets", domain: "secret-co.example" }, person: { role: "Chief Widget Officer" } });
    await verifyVisitor(visitor, email);
    for (const res of [
      await call("POST", "/v1/personalize", { body: { visitorId: visitor, page: { url: "/pricing" } }, headers: BROWSER }),
      await call("GET", `/v1/personalize?visitorId=${visitor}`),
      await call("POST", "/v1/identify", { body: { visitorId: visitor, email } }),
      await call("POST", "/v1/events", { body: { visitorId: visitor, events: [{ id: crypto.randomUUID(), type: "cta_click", url: "/" }] } }),
    ]) {
      const text = await res.text();
      expect(res.status).toBeLessThan(300);
      const leadId = await env.DB.prepare("SELECT lead_id FROM visitors WHERE id = ?").bind(visitor).first<string>("lead_id");
      for (const secret of [email, "1234", "quantum", "secret-co", "widget officer", leadId!]) expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it("with Sec-GPC: 1 or a bot user agent, writes nothing and says why", async () => {
    const cases = [["gpc", { ...BROWSER, "sec-gpc": "1" }], ["bot", { "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)" }]] as const;
    for (const [reason, headers] of cases) {
      const visitor = newVisitorId();
      const res = await personalize(visitor, "/pricing", {}, headers);
      expect(res).toMatchObject({ segment: { id: "default" }, recorded: false, reason });
      const events = await sendEvents(visitor, headers);
      expect(await jsonOf(events)).toEqual({ accepted: 0, duplicates: 0, ignored: 1, capped: 0, recorded: false, reason });
      expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
      expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(0);
    }
  });

  it("returns only the slots asked for, all of them for an empty list", async () => {
    const only = await jsonOf(await call("GET", `/v1/personalize?visitorId=${newVisitorId()}&slots=hero`));
    expect(Object.keys(only.slots)).toEqual(["hero"]);
    const all = await personalize(newVisitorId(), "/", { slots: [] });
    expect(Object.keys(all.slots)).toEqual(expect.arrayContaining(["hero", "primary-cta", "offer"]));
  });
});

describe("GET /v1/personalize", () => {
  it("resolves without recording anything", async () => {
    const visitor = newVisitorId();
    const res = await call("GET", `/v1/personalize?visitorId=${visitor}`, { headers: BROWSER });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).segment.id).toBe("default");
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
  });
});

function sendEvents(visitorId: string, headers: Record<string, string>) {
  return call("POST", "/v1/events", { body: { visitorId, events: [{ id: crypto.randomUUID(), type: "cta_click", url: "/" }] }, headers });
}
