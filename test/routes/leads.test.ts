import { describe, expect, it } from "vitest";
import { BROWSER_UA } from "../support/email";
import { call, countRows, DAY, getLead, importEvents, jsonOf, newEmail, newVisitorId, putLead, SERVER_KEY } from "../support/harness";
import { EVENTS_OF_VISITOR } from "../support/events-table";

describe("server API: leads", () => {
  it("PUT merges traits, normalizes them, and null removes one", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 250, industry: "  SaaS " }, person: { seniority: "VP" } });
    const lead = await putLead(email, { company: { industry: null, country: "de" } });
    expect(lead.traits).toEqual({ company: { employees: 250, country: "DE" }, person: { seniority: "vp" } });
  });

  it("GET explains the segment: the rule that matched, why earlier ones did not, score components with decay", async () => {
    const email = newEmail();
    const now = Date.now();
    await putLead(email, { company: { employees: 400, industry: "software" } });
    await importEvents(email, [
      { type: "page_view", url: "/pricing", ts: now - 7 * DAY },
      { type: "page_view", url: "/docs/a", ts: now - 1000 },
    ]);
    const lead = await getLead(email);
    expect(lead).toMatchObject({
      segment: { id: "mid-market-cold", path: ["mid-market", "mid-market-cold"] },
      sales: { action: "Long-term nurture", track: "Use case content" },
      engagement: { level: "low" },
      fit: { score: 45 },
    });
    const { trace, scores } = lead.explanation;
    expect(trace.at(-1)).toMatchObject({ segment: "mid-market-cold", matched: true });
    expect(trace.at(-1).held).toEqual([{ from: "mid-market", clause: { "company.employees": { $gte: 200, $lte: 999 } }, saw: { "company.employees": expect.any(Number) } }]);
    expect(trace.find((t: any) => t.segment === "mid-market-warm").failed).toContainEqual({
      from: "mid-market-warm",
      clause: { "engagement.level": { $in: ["high", "medium"] } },
      saw: { "engagement.level": "low" },
    });
    const pricing = scores.engagement.components.find((c: any) => c.category === "pricing");
    expect(pricing).toMatchObject({ count: 1, raw: 10 });
    expect(pricing.decayed).toBeCloseTo(5, 1);
    expect(scores.fit.items.filter((i: any) => i.matched).map((i: any) => i.id)).toEqual(["size-mid-market", "target-industry"]);
  });

  it("import is idempotent by event id and rejects timestamps in the future", async () => {
    const email = newEmail();
    const id = crypto.randomUUID();
    const ev = { id, type: "page_view", url: "/pricing", ts: Date.now() - DAY };
    expect(await importEvents(email, [ev])).toEqual({ accepted: 1, duplicates: 0 });
    expect(await importEvents(email, [ev, ev])).toEqual({ accepted: 0, duplicates: 2 });
    const future = await call("POST", `/v1/leads/${email}/events`, {
      body: { events: [{ id: crypto.randomUUID(), type: "page_view", ts: Date.now() + DAY }] },
      key: SERVER_KEY,
    });
    expect(future.status).toBe(422);
    expect((await jsonOf(future)).error.details[0].path).toBe("events[0].ts");
    expect((await getLead(email)).signals.page_views_30d).toBe(1);
  });
});

describe("CORS on public endpoints", () => {
  it("allows only origins in LF_ALLOWED_ORIGINS", async () => {
    const preflight = (origin: string) =>
      call("OPTIONS", "/v1/personalize", { headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    expect((await preflight("https://site.example")).headers.get("access-control-allow-origin")).toBe("https://site.example");
    expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses writes from a page on an origin it does not list (403, nothing recorded); allowed, own and no Origin pass", async () => {
    const visitor = newVisitorId();
    const from = (origin: string) => ({ origin, "user-agent": BROWSER_UA });
    const evil = from("https://evil.example");
    const refused = [
      await call("POST", "/v1/personalize", { body: { visitorId: visitor, page: { url: "/pricing" } }, headers: { ...evil, "content-type": "text/plain" } }),
      await call("POST", "/v1/events", { body: { visitorId: visitor, events: [{ id: crypto.randomUUID(), type: "cta_click", url: "/" }] }, headers: evil }),
      await call("POST", "/v1/identify", { body: { visitorId: visitor, email: newEmail() }, headers: evil }),
      await call("GET", `/v1/personalize?visitorId=${visitor}`, { headers: from("null") }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect((await jsonOf(res)).error.code).toBe("origin_not_allowed");
    }
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(0);

    for (const origin of ["https://site.example", "https://leadflare.test"]) {
      const res = await call("POST", "/v1/personalize", { body: { visitorId: visitor, page: { url: "/pricing" } }, headers: from(origin) });
      expect(res.status).toBe(200);
      expect((await jsonOf(res)).recorded).toBe(true);
    }
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(2);
  });

  it("server endpoints send no CORS headers", async () => {
    const res = await call("GET", `/v1/leads/${newEmail()}`, { key: SERVER_KEY, headers: { origin: "https://site.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("OpenAPI", () => {
  it("documents every route with its schemas", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/personalize", "/v1/events", "/v1/identify", "/v1/leads/{email}", "/v1/leads/{email}/events"]),
    );
    expect(doc.paths["/v1/events"].post.responses).toHaveProperty("413");
    expect(doc.paths["/v1/leads/{email}"].get.security).toEqual([{ serverKey: [] }]);
  });
});
