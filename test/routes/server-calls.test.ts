import { describe, expect, it } from "vitest";
import defaults from "../../src/config/default.json";
import { withActive } from "../support/admin";
import { fetchCountingD1 } from "../support/counting-d1";
import { call, countRows, verifyVisitor, importEvents, jsonOf, newEmail, newVisitorId, putLead, SERVER_KEY } from "../support/harness";
import { EVENTS_OF_VISITOR } from "../support/events-table";

/**
 * A site's server calling the public API: with `Authorization: Bearer <LF_API_KEY>` it may
 * forward the visitor's context; without it, it is a public caller. Either way an answer
 * that recorded nothing says why.
 */

const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
/** What Node's own fetch sends: an HTTP library, never recorded as a visitor. */
const NODE = { "user-agent": "node" };
const CRAWLER_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const BROWSER_CONTEXT = { userAgent: BROWSER_UA, ip: "203.0.113.7", country: "de", language: "de-DE,de;q=0.9,en;q=0.5" };

/** A visitor whose lead is Enterprise Hot: 5,000 employees and three pricing views in the last hours. */
async function enterpriseHotVisitor() {
  const email = newEmail();
  const visitor = newVisitorId();
  await putLead(email, { company: { employees: 5000 } });
  await importEvents(email, [1, 2, 3].map((h) => ({ type: "page_view", url: "/pricing", ts: Date.now() - h * 3_600_000 })));
  await verifyVisitor(visitor, email);
  return { email, visitor };
}

const page = (visitorId: string, extra: Record<string, unknown> = {}) => ({ visitorId, page: { url: "https://www.example.com/pricing" }, ...extra });
const oneEvent = (visitorId: string, extra: Record<string, unknown> = {}) => ({
  visitorId,
  events: [{ id: crypto.randomUUID(), type: "cta_click", url: "https://www.example.com/" }],
  ...extra,
});
const eventsOf = (visitor: string) => countRows("events", EVENTS_OF_VISITOR, visitor);
const linkedTo = (visitor: string, email: string) => countRows("visitors", "id = ? AND lead_id = (SELECT id FROM leads WHERE email = ?)", visitor, email);

/** The default configuration with a first segment for German-speaking visitors in Germany. */
const withGermanySegment = () => {
  const document = structuredClone(defaults) as { segments: unknown[] };
  document.segments.unshift({ id: "germany", name: "Germany", when: { "context.country": "DE", "context.language": "de" } });
  return document;
};

describe("a site's server without the key (a public call)", () => {
  it("Node's fetch is not recorded (reason bot) but gets the stored lead's segment: Enterprise Hot, not default", async () => {
    const { visitor } = await enterpriseHotVisitor();
    const before = await eventsOf(visitor);
    const post = await call("POST", "/v1/personalize", { body: page(visitor), headers: NODE });
    expect(post.status).toBe(200);
    expect(await jsonOf(post)).toMatchObject({ segment: { id: "enterprise-hot" }, recorded: false, reason: "bot", preview: false });
    const get = await call("GET", `/v1/personalize?visitorId=${visitor}&url=/pricing`, { headers: NODE });
    expect(await jsonOf(get)).toMatchObject({ segment: { id: "enterprise-hot" }, recorded: false, reason: "read_only" });
    expect(await eventsOf(visitor)).toBe(before);
  });

  it("events and identify from a bot say so and write nothing", async () => {
    const visitor = newVisitorId();
    const email = newEmail();
    const events = await call("POST", "/v1/events", { body: oneEvent(visitor), headers: { "user-agent": CRAWLER_UA } });
    expect(events.status).toBe(202);
    expect(await jsonOf(events)).toEqual({ accepted: 0, duplicates: 0, ignored: 1, capped: 0, recorded: false, reason: "bot" });
    const linked = await call("POST", "/v1/identify", { body: { visitorId: visitor, email }, headers: NODE });
    expect(linked.status).toBe(202);
    expect(await jsonOf(linked)).toEqual({ ok: true, verified: false, recorded: false, reason: "bot" });
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("a public call cannot forward a context: 401, nothing written", async () => {
    const visitor = newVisitorId();
    const email = newEmail();
    const context = { userAgent: BROWSER_UA };
    for (const [path, body] of [
      ["/v1/personalize", page(visitor, { context })],
      ["/v1/events", oneEvent(visitor, { context })],
      ["/v1/identify", { visitorId: visitor, email, context }],
    ] as const) {
      const res = await call("POST", path, { body, headers: NODE });
      expect(res.status, path).toBe(401);
      expect((await jsonOf(res)).error, path).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/context.*LF_API_KEY/) });
    }
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });
});

describe("a server call (Authorization: Bearer LF_API_KEY)", () => {
  it("forwarding a browser's context records identify, the page view and events, whatever its own User-Agent", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await putLead(email, { company: { employees: 5000 } });
    const context = BROWSER_CONTEXT;
    const linked = await call("POST", "/v1/identify", { body: { visitorId: visitor, email, context }, headers: NODE, key: SERVER_KEY });
    expect(linked.status).toBe(202);
    expect(await jsonOf(linked)).toEqual({ ok: true, verified: true, recorded: true });
    expect(await linkedTo(visitor, email)).toBe(1);

    for (let i = 0; i < 3; i++) {
      const res = await call("POST", "/v1/personalize", { body: page(visitor, { context }), headers: NODE, key: SERVER_KEY });
      expect(await jsonOf(res)).toMatchObject({ recorded: true, preview: false });
    }
    const last = await jsonOf(await call("POST", "/v1/personalize", { body: page(visitor, { context }), headers: NODE, key: SERVER_KEY }));
    expect(last).toEqual({ segment: expect.objectContaining({ id: "enterprise-hot" }), slots: expect.any(Object), recorded: true, preview: false, holdout: false, fields: ["company_size"] });

    const events = await call("POST", "/v1/events", { body: oneEvent(visitor, { context }), headers: NODE, key: SERVER_KEY });
    expect(await jsonOf(events)).toEqual({ accepted: 1, duplicates: 0, ignored: 0, capped: 0, recorded: true });
    expect(await eventsOf(visitor)).toBe(5);
  });

  it("geography comes from the forwarded country and language, never the server's own request", async () => {
    await withActive(withGermanySegment(), async () => {
      const visitor = newVisitorId();
      const forwarded = await call("POST", "/v1/personalize", { body: page(visitor, { context: BROWSER_CONTEXT }), key: SERVER_KEY });
      expect((await jsonOf(forwarded)).segment.id).toBe("germany");
      // The server's own Accept-Language describes the server, not the visitor.
      const own = await call("POST", "/v1/personalize", {
        body: page(visitor, { context: { userAgent: BROWSER_UA, country: "DE" } }),
        headers: { "accept-language": "de-DE" },
        key: SERVER_KEY,
      });
      expect((await jsonOf(own)).segment.id).toBe("default");
    });
  });

  it("a forwarded crawler, or no forwarded User-Agent at all, is a bot: not recorded, stored state still resolved", async () => {
    const { visitor } = await enterpriseHotVisitor();
    const before = await eventsOf(visitor);
    for (const context of [{ userAgent: CRAWLER_UA }, { userAgent: " " }, { country: "FR" }, undefined]) {
      const res = await call("POST", "/v1/personalize", { body: page(visitor, context ? { context } : {}), headers: { "user-agent": BROWSER_UA }, key: SERVER_KEY });
      expect(await jsonOf(res), JSON.stringify(context)).toMatchObject({ segment: { id: "enterprise-hot" }, recorded: false, reason: "bot" });
    }
    expect(await eventsOf(visitor)).toBe(before);
  });

  it("a wrong key is 401, never a silent public call, and writes nothing", async () => {
    const visitor = newVisitorId();
    const email = newEmail();
    for (const authorization of ["Bearer wrong-key", `Basic ${btoa(`x:${SERVER_KEY}`)}`, "Bearer"]) {
      const headers = { authorization, "user-agent": BROWSER_UA };
      for (const [method, path, body] of [
        ["POST", "/v1/personalize", page(visitor)],
        ["GET", `/v1/personalize?visitorId=${visitor}`, undefined],
        ["POST", "/v1/events", oneEvent(visitor)],
        ["POST", "/v1/identify", { visitorId: visitor, email }],
      ] as const) {
        const res = await call(method, path, { body, headers });
        expect(res.status, `${authorization} ${method} ${path}`).toBe(401);
        expect((await jsonOf(res)).error.code).toBe("unauthorized");
      }
    }
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("rejects a malformed context with 422 naming the field, writing nothing", async () => {
    const visitor = newVisitorId();
    for (const [context, field] of [
      [{ country: "Germany" }, "context.country"],
      [{ ip: "999.1.1.1" }, "context.ip"],
      [{ userAgent: "x".repeat(1025) }, "context.userAgent"],
      [{ userAgent: BROWSER_UA, referrer: "/" }, "context"],
    ] as const) {
      const res = await call("POST", "/v1/personalize", { body: page(visitor, { context }), key: SERVER_KEY });
      expect(res.status, field).toBe(422);
      expect((await jsonOf(res)).error.details.map((d: { path: string }) => d.path), field).toContain(field);
    }
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
  });

  it("makes one D1 round trip, recorded or not", async () => {
    const { visitor } = await enterpriseHotVisitor();
    for (const userAgent of [BROWSER_UA, CRAWLER_UA]) {
      const request = () =>
        new Request("https://leadflare.test/v1/personalize", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${SERVER_KEY}`, ...NODE },
          body: JSON.stringify(page(visitor, { context: { userAgent } })),
        });
      await fetchCountingD1(request()); // warm the configuration cache
      const { response, counts } = await fetchCountingD1(request());
      expect(response.status).toBe(200);
      expect(counts).toEqual({ batch: 1, statement: 0, exec: 0 });
    }
  });
});

describe("GPC and consent", () => {
  it("gpc: true or Sec-GPC: 1 records nothing (reason gpc) and answers from the request alone, for public and server calls", async () => {
    const { visitor } = await enterpriseHotVisitor();
    const email = newEmail();
    const other = newVisitorId();
    const before = await eventsOf(visitor);
    const ways: { body: Record<string, unknown>; headers: Record<string, string>; key?: string }[] = [
      { body: { gpc: true }, headers: { "user-agent": BROWSER_UA } },
      { body: {}, headers: { "user-agent": BROWSER_UA, "sec-gpc": "1" } },
      { body: { gpc: true, context: BROWSER_CONTEXT }, headers: NODE, key: SERVER_KEY },
    ];
    for (const { body, headers, key } of ways) {
      const how = JSON.stringify({ body, headers });
      const answer = await jsonOf(await call("POST", "/v1/personalize", { body: page(visitor, body), headers, key }));
      expect(answer, how).toMatchObject({ segment: { id: "default" }, recorded: false, reason: "gpc" });
      const events = await jsonOf(await call("POST", "/v1/events", { body: oneEvent(visitor, body), headers, key }));
      expect(events, how).toEqual({ accepted: 0, duplicates: 0, ignored: 1, capped: 0, recorded: false, reason: "gpc" });
      const linked = await jsonOf(await call("POST", "/v1/identify", { body: { visitorId: other, email, ...body }, headers, key }));
      expect(linked, how).toEqual({ ok: true, verified: false, recorded: false, reason: "gpc" });
    }
    const get = await call("GET", `/v1/personalize?visitorId=${visitor}`, { headers: { "sec-gpc": "1" } });
    expect(await jsonOf(get)).toMatchObject({ segment: { id: "default" }, recorded: false, reason: "gpc" });
    expect(await eventsOf(visitor)).toBe(before);
    expect(await countRows("visitors", "id = ?", other)).toBe(0);
  });

  it("consent: false records nothing (reason consent) and answers from the request alone; consent: true is an ordinary call", async () => {
    const { visitor } = await enterpriseHotVisitor();
    const email = newEmail();
    const other = newVisitorId();
    const before = await eventsOf(visitor);
    for (const [headers, key] of [[{ "user-agent": BROWSER_UA }, undefined], [NODE, SERVER_KEY]] as const) {
      const extra = key ? { consent: false, context: BROWSER_CONTEXT } : { consent: false };
      const answer = await jsonOf(await call("POST", "/v1/personalize", { body: page(visitor, extra), headers, key }));
      expect(answer).toMatchObject({ segment: { id: "default" }, recorded: false, reason: "consent" });
      const events = await jsonOf(await call("POST", "/v1/events", { body: oneEvent(visitor, extra), headers, key }));
      expect(events).toEqual({ accepted: 0, duplicates: 0, ignored: 1, capped: 0, recorded: false, reason: "consent" });
      const linked = await jsonOf(await call("POST", "/v1/identify", { body: { visitorId: other, email, ...extra }, headers, key }));
      expect(linked).toEqual({ ok: true, verified: false, recorded: false, reason: "consent" });
    }
    expect(await eventsOf(visitor)).toBe(before);
    expect(await countRows("visitors", "id = ?", other)).toBe(0);
    const given = await call("POST", "/v1/personalize", { body: page(visitor, { consent: true }), headers: { "user-agent": BROWSER_UA } });
    expect(await jsonOf(given)).toEqual({ segment: expect.objectContaining({ id: "enterprise-hot" }), slots: expect.any(Object), recorded: true, preview: false, holdout: false, fields: ["company_size"] });
  });
});

describe("/openapi.json", () => {
  it("documents the optional server key, the forwarded context and why nothing was recorded", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    for (const [path, method] of [["/v1/personalize", "post"], ["/v1/personalize", "get"], ["/v1/events", "post"], ["/v1/identify", "post"]] as const) {
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([{}, { serverKey: [] }]);
      expect(doc.paths[path][method].responses["401"], `${method} ${path}`).toBeTruthy();
    }
    const body = doc.paths["/v1/personalize"].post.requestBody.content["application/json"].schema;
    const schema = body.$ref ? doc.components.schemas[body.$ref.split("/").pop()] : body;
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["gpc", "consent", "context"]));
    expect(doc.components.schemas.VisitorContext.properties).toHaveProperty("userAgent");
    expect(doc.components.schemas.Personalization.properties.reason.enum).toEqual(["bot", "gpc", "preview", "consent", "read_only", "daily_cap"]);
  });
});
