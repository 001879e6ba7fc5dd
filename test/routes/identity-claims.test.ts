import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { BROWSER_UA } from "../support/email";
import { EVENTS_OF_VISITOR } from "../support/events-table";
import {
  call, claimIdentity, countRows, ESP_KEY, workerFetch, getLead, jsonOf, newEmail, newVisitorId, personalize, putLead, sendEvents, SERVER_KEY, verifyVisitor,
} from "../support/harness";

const BROWSER = { "user-agent": BROWSER_UA };
const conversion = () => ({ id: crypto.randomUUID(), type: "conversion", url: "/pricing" });
const claimRows = async (visitorId: string) =>
  (await env.DB.prepare("SELECT email FROM identity_claims WHERE visitor_id = ?").bind(visitorId).all<{ email: string }>()).results;
const leadEvents = (email: string) => countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email);

/** A cold enterprise lead, known to the CRM: AE outreach the moment it turns hot. */
async function knownEnterpriseLead() {
  const email = newEmail();
  await putLead(email, { company: { employees: 2500, industry: "software" }, person: { seniority: "vp" } });
  const lead = await getLead(email);
  expect(lead.segment.id).toBe("enterprise-cold");
  return { email, lead };
}

describe("a browser's identify is a claim: a stranger cannot make a lead hot, nor see it", () => {
  it("identify as a known enterprise lead, 50 page views, 50 public conversions: the lead is unchanged, the stranger gets default content", async () => {
    const { email, lead: before } = await knownEnterpriseLead();
    const stranger = newVisitorId();
    expect(await claimIdentity(stranger, email)).toEqual({ ok: true, verified: false, recorded: true });
    expect(await claimRows(stranger)).toEqual([{ email }]);

    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await personalize(stranger, "https://site.example/pricing", {}, BROWSER));
    for (let i = 0; i < 5; i++) expect((await sendEvents(stranger, Array.from({ length: 10 }, conversion), BROWSER)).status).toBe(202);

    const after = await getLead(email);
    expect({ engagement: after.engagement, score: after.score, segment: after.segment, signals: after.signals }).toEqual({
      engagement: before.engagement, score: before.score, segment: before.segment, signals: before.signals,
    });
    expect(await leadEvents(email)).toBe(0);
    // Served from its own (anonymous) activity: no tier (default, then, once its own pricing
    // views make it engaged, unknown-engaged), never the lead's segment.
    const fresh = await personalize(newVisitorId(), "https://site.example/pricing", {}, BROWSER);
    expect(answers.slice(0, 2).map((a) => a.segment.id)).toEqual(["default", "default"]);
    expect(answers.slice(2).every((a) => a.segment.id === "unknown-engaged")).toBe(true);
    for (const answer of answers.slice(0, 2)) expect(answer.slots).toEqual(fresh.slots);
  });

  it("after the site's server verifies the browser it gets the lead's content, and its activity counts exactly once (retried, concurrent)", async () => {
    const { email } = await knownEnterpriseLead();
    const browser = newVisitorId();
    await claimIdentity(browser, email);
    for (let i = 0; i < 4; i++) await personalize(browser, "https://site.example/pricing", {}, BROWSER);
    await sendEvents(browser, [{ id: crypto.randomUUID(), type: "cta_click", url: "/pricing" }], BROWSER);
    const stored = await countRows("events", EVENTS_OF_VISITOR, browser);
    expect(stored).toBe(5);

    await Promise.all([verifyVisitor(browser, email), verifyVisitor(browser, email), verifyVisitor(browser, email)]);
    await verifyVisitor(browser, email); // a retry
    expect(await claimRows(browser)).toEqual([]);
    const lead = await getLead(email);
    expect(await leadEvents(email)).toBe(stored);
    expect(lead.signals.pricing_views_7d).toBe(4);
    const { results } = await env.DB.prepare("SELECT sum(total) AS n FROM lead_activity WHERE lead_id = (SELECT id FROM leads WHERE email = ?)")
      .bind(email)
      .all<{ n: number }>();
    expect(results[0]!.n).toBe(stored);

    const served = await personalize(browser, "https://site.example/pricing", {}, BROWSER);
    expect(served.segment.path[0]).toBe("enterprise");
    expect(served.segment.id).toBe((await getLead(email)).segment.id);
  });

  it("POST /v1/leads/{email}/visitors needs the server key: the ESP key is refused, a browser has none", async () => {
    const email = newEmail();
    const body = { visitorId: newVisitorId() };
    const path = `/v1/leads/${encodeURIComponent(email)}/visitors`;
    expect((await call("POST", path, { body, key: ESP_KEY })).status).toBe(403);
    expect((await call("POST", path, { body })).status).toBe(401);
    expect((await call("POST", path, { body: { visitorId: "not-a-uuid" }, key: SERVER_KEY })).status).toBe(422);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("identity.trustBrowserIdentify: true makes a browser's identify verify, for sites that accept the risk", async () => {
    const doc = defaultDocCopy();
    doc.identity = { trustBrowserIdentify: true };
    await withActive(doc, async () => {
      const { email } = await knownEnterpriseLead();
      const browser = newVisitorId();
      await personalize(browser, "https://site.example/pricing", {}, BROWSER);
      expect(await claimIdentity(browser, email)).toEqual({ ok: true, verified: true, recorded: true });
      expect(await leadEvents(email)).toBe(1);
      expect((await personalize(browser, "https://site.example/", {}, BROWSER)).segment.path[0]).toBe("enterprise");
    });
  });

  it("the demo's contact form verifies through its own back end, only where the worker serves the site", async () => {
    const { email } = await knownEnterpriseLead();
    const post = (origin: string, visitorId: string) =>
      workerFetch(new Request(`${origin}/demo/contact`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: `lf_vid=${visitorId}`, ...BROWSER },
        body: new URLSearchParams({ email: email.toUpperCase(), company: "Acme" }),
        redirect: "manual",
      }));
    const elsewhere = newVisitorId();
    expect((await post("https://other-host.test", elsewhere)).status).toBe(303);
    expect(await countRows("visitors", "id = ?", elsewhere)).toBe(0);

    const browser = newVisitorId();
    const res = await post("https://leadflare.test", browser);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/demo/contact?sent=1#thanks");
    expect((await personalize(browser, "https://site.example/", {}, BROWSER)).segment.path[0]).toBe("enterprise");
  });
});

describe("engagement from public events is bounded per visitor and day", () => {
  it("past the cap (500 points by default) nothing is stored and the answer says why; a retry is a duplicate, not capped", async () => {
    const visitor = newVisitorId();
    const early = { id: crypto.randomUUID(), type: "cta_click", url: "/pricing" };
    expect(await jsonOf(await sendEvents(visitor, [early], BROWSER))).toMatchObject({ accepted: 1, capped: 0 });
    const outcomes = [];
    for (let i = 0; i < 55; i++) {
      const res = await call("POST", "/v1/personalize", { body: { visitorId: visitor, page: { url: "https://site.example/pricing" } }, headers: BROWSER });
      const body = await jsonOf(res);
      outcomes.push(body.recorded ? "recorded" : body.reason);
    }
    // 3 points for the click, then 49 views of 10 (the 50th would make 503).
    expect(outcomes).toEqual([...Array(49).fill("recorded"), ...Array(6).fill("daily_cap")]);
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(50);

    const capped = await jsonOf(await sendEvents(visitor, [conversion(), conversion()], BROWSER));
    expect(capped).toEqual({ accepted: 0, duplicates: 0, ignored: 0, capped: 2, recorded: false, reason: "daily_cap" });
    // An event already stored (a retry) stays a duplicate, not capped; nothing is added.
    expect(await jsonOf(await sendEvents(visitor, [early, early], BROWSER))).toMatchObject({ accepted: 0, duplicates: 2, capped: 0, recorded: true });
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(50);
  });

  it("concurrent public events cannot overshoot the cap", async () => {
    const visitor = newVisitorId();
    await personalize(visitor, "https://site.example/", {}, BROWSER);
    const results = await Promise.all(Array.from({ length: 30 }, () => sendEvents(visitor, [conversion()], BROWSER).then(jsonOf)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(24); // 1 point for the view, then 24 × 20
    const { results: rows } = await env.DB.prepare("SELECT points FROM visitor_daily_points WHERE visitor_id = ?").bind(visitor).all<{ points: number }>();
    expect(rows).toEqual([{ points: 481 }]);
  });

  it("events the site's server reports are not capped", async () => {
    const visitor = newVisitorId();
    // 26 conversions in one request: 25 fit under the cap, in order.
    expect(await jsonOf(await sendEvents(visitor, Array.from({ length: 26 }, conversion), BROWSER))).toMatchObject({ accepted: 25, capped: 1 });
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(25);
    const server = await call("POST", "/v1/events", { body: { visitorId: visitor, events: [conversion(), conversion()], context: { userAgent: BROWSER_UA } }, key: SERVER_KEY });
    expect(await jsonOf(server)).toMatchObject({ accepted: 2, capped: 0, recorded: true });
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(27);
  });

  it("the cap is the configuration's scoring.engagement.publicDailyCap", async () => {
    const doc = defaultDocCopy();
    doc.scoring.engagement.publicDailyCap = 25;
    await withActive(doc, async () => {
      const visitor = newVisitorId();
      const first = await jsonOf(await sendEvents(visitor, [conversion(), conversion()], BROWSER));
      expect(first).toMatchObject({ accepted: 1, capped: 1 });
    });
  });
});
