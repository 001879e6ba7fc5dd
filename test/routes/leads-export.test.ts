import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, countRows, DAY, importEvents, jsonOf, newEmail, newVisitorId, personalize, putLead, SERVER_KEY, verifyVisitor } from "../support/harness";
import { fetchCountingD1 } from "../support/counting-d1";
import { ORIGIN } from "../support/email";
import { EVENTS_OF_VISITOR } from "../support/events-table";
import { leadInEveryTable, leadPath } from "../support/lead-rows";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const exportOf = (email: string, query = "", key: string | null = SERVER_KEY) => call("GET", `${leadPath(email)}/export${query}`, { key });

async function exported(email: string, query = "") {
  const res = await exportOf(email, query);
  if (res.status !== 200) throw new Error(`export ${res.status}: ${await res.text()}`);
  return jsonOf(res);
}

/** Every number anywhere in a document: a time left in epoch ms would show up here. */
function numbersIn(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(numbersIn);
  return [];
}

describe("GET /v1/leads/{email}/export (GDPR article 15)", () => {
  it("returns everything stored about the lead as one JSON document, times in ISO, nothing of anyone else", async () => {
    const lead = await leadInEveryTable();
    const doc = await exported(lead.email);

    expect(Object.keys(doc).sort()).toEqual(["accountContact", "aggregates", "claims", "dailyPoints", "events", "exportedAt", "holdouts", "lead", "merges", "next", "routingDeliveries", "segment", "segmentHistory", "visitors"]);
    expect(doc.exportedAt).toMatch(ISO);
    expect(doc.accountContact).toEqual({
      domain: doc.lead.traits.company.domain, score: expect.any(Number), scoredAt: expect.stringMatching(ISO), engagedAt: expect.stringMatching(ISO), role: "cto", seniority: null,
    });
    expect(doc.holdouts).toEqual([{ segment: "smb-nurture", arm: "control", share: 0.1, assignedAt: expect.stringMatching(ISO) }]);
    // The fixture's claims: a stranger's of this email (the stranger's browser id is not shown), and its own browser's of another.
    const claims = doc.claims.map((c: { email: string; byOwnBrowser: boolean; claimedAt: string }) => [c.email === lead.email, c.byOwnBrowser, ISO.test(c.claimedAt)]);
    expect(claims.sort()).toEqual([[false, true, true], [true, false, true]]);
    expect(JSON.stringify(doc.claims)).not.toContain("visitorId");
    // Its browsers' public page views, by UTC day.
    expect(doc.dailyPoints.map((d: { visitorId: string }) => d.visitorId).sort()).toEqual([...lead.browsers].sort());
    expect(doc.dailyPoints.every((d: { day: string; points: number }) => /^\d{4}-\d\d-\d\d$/.test(d.day) && d.points > 0)).toBe(true);
    expect(doc.lead).toEqual({
      id: lead.leadId,
      email: lead.email,
      // This lead's traits won the merge; the merged lead's filled nothing it lacked.
      traits: { company: { employees: 50, domain: expect.stringMatching(/^acct-/) }, person: { role: "cto" } },
      claimedTraits: {},
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
    expect(doc.visitors).toEqual(
      [...lead.browsers].sort().map((id) => ({ id, createdAt: expect.stringMatching(ISO) })),
    );
    // Its own page view (with its browser), its import, and the merged lead's import; oldest first.
    expect(doc.events).toHaveLength(3);
    const times = doc.events.map((e: { ts: string }) => Date.parse(e.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(doc.events).toEqual(
      expect.arrayContaining([
        { id: expect.stringMatching(UUID), type: "page_view", category: "pricing", ts: expect.stringMatching(ISO), path: "/pricing", props: null },
        { id: expect.stringMatching(UUID), type: "page_view", category: "docs", ts: expect.stringMatching(ISO), path: "/docs/start", props: null },
      ]),
    );
    const pricing = doc.aggregates.find((a: { key: string }) => a.key === "page_view:pricing");
    expect(pricing).toEqual({ key: "page_view:pricing", total: 2, recent: [expect.stringMatching(ISO), expect.stringMatching(ISO)] });
    expect(doc.aggregates.map((a: { key: string }) => a.key).sort()).toEqual(["page_view:docs", "page_view:pricing"]);
    expect(doc.merges).toEqual([{ fromId: lead.mergedId, mergedAt: expect.stringMatching(ISO) }]);
    expect(doc.next).toBeNull();

    // Counts are the only numbers: every time is an ISO string.
    expect(numbersIn(doc).every((n) => n < 1e9)).toBe(true);
    const neighbourId = (await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(lead.neighbour).first<{ id: string }>())!.id;
    expect(JSON.stringify(doc)).not.toContain(neighbourId);
    expect(JSON.stringify(doc)).not.toContain(lead.neighbour);
  });

  it("pages events and visitors with ?limit= and the `next` cursor; the pages together are the whole export", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 10 } });
    const now = Date.now();
    await importEvents(email, [1, 2, 3, 4, 5].map((h) => ({ type: "page_view", url: "/pricing", ts: now - h * DAY })));
    for (let i = 0; i < 3; i++) await verifyVisitor(newVisitorId(), email);
    const whole = await exported(email);
    expect(whole.events).toHaveLength(5);
    expect(whole.visitors).toHaveLength(3);

    const pages = [await exported(email, "?limit=2")];
    while (pages.at(-1)!.next) pages.push(await exported(email, `?limit=2&after=${encodeURIComponent(pages.at(-1)!.next)}`));
    expect(pages.map((p) => [p.events.length, p.visitors.length])).toEqual([[2, 2], [2, 1], [1, 0]]);
    expect(pages.flatMap((p) => p.events)).toEqual(whole.events);
    expect(pages.flatMap((p) => p.visitors)).toEqual(whole.visitors);
    for (const page of pages) expect({ lead: page.lead, aggregates: page.aggregates, merges: page.merges }).toEqual({ lead: whole.lead, aggregates: whole.aggregates, merges: whole.merges });
  });

  it("is audited with the email's HMAC, found or not, and changes nothing about the lead", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await personalize(visitor, "/pricing");
    await verifyVisitor(visitor, email);
    const auditBefore = await countRows("privacy_requests", "action = 'export' AND found = 1");
    await exported(email);
    expect((await exportOf(newEmail())).status).toBe(404);
    expect(await countRows("privacy_requests", "action = 'export' AND found = 1")).toBe(auditBefore + 1);
    const { results } = await env.DB.prepare("SELECT * FROM privacy_requests").all();
    expect(JSON.stringify(results)).not.toContain(email);
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(1);
  });

  it("rejects a missing or wrong key, a bad email, limit or cursor; an unknown email is 404", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 10 } });
    for (const key of [null, ADMIN_TOKEN, "wrong"]) expect((await exportOf(email, "", key)).status).toBe(401);
    expect((await exportOf("not-an-email")).status).toBe(422);
    for (const limit of ["0", "10001", "x", "1.5"]) {
      const res = await exportOf(email, `?limit=${limit}`);
      expect(res.status).toBe(422);
      expect((await jsonOf(res)).error.details[0].path).toBe("limit");
    }
    for (const after of ["nope", btoa("{}"), "eyJlIjpbMSwieCJdfQ", "a".repeat(600)]) {
      const res = await exportOf(email, `?after=${encodeURIComponent(after)}`);
      expect(res.status).toBe(422);
      expect((await jsonOf(res)).error.details[0].path).toBe("after");
    }
    const unknown = await exportOf(newEmail());
    expect(unknown.status).toBe(404);
    expect((await jsonOf(unknown)).error.code).toBe("not_found");
  });

  it("is one D1 round trip, audit included; without LF_LINK_SECRET it is refused (503)", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 10 } });
    const request = () => new Request(`${ORIGIN}${leadPath(email)}/export`, { headers: { authorization: `Bearer ${SERVER_KEY}` } });
    const refused = await fetchCountingD1(request(), { LF_LINK_SECRET: "" });
    expect(refused.response.status).toBe(503);
    expect(refused.roundTrips).toBe(0);
    const ok = await fetchCountingD1(request());
    expect(ok.response.status).toBe(200);
    expect(ok.roundTrips).toBe(1);
  });

  it("is in the OpenAPI document", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const op = doc.paths["/v1/leads/{email}/export"].get;
    expect(op.security).toEqual([{ serverKey: [] }]);
    expect(Object.keys(op.responses).sort()).toEqual(["200", "401", "403", "404", "422", "429", "503"]);
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["after", "email", "limit"]);
  });
});
