import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { call, DAY, ESP_KEY, importEvents, jsonOf, newEmail, putLead, SERVER_KEY } from "../support/harness";

describe("GET /v1/admin/leads/{email}: one lead for the console", () => {
  it("traits, scores, segment and why, the newest events, and 61 daily points from 30 days back to 30 ahead", async () => {
    const email = newEmail();
    const now = Date.now();
    await putLead(email, { company: { employees: 1500, industry: "software" }, person: { seniority: "vp" } });
    await importEvents(email, [
      { type: "page_view", url: "/pricing", ts: now - 20 * DAY },
      { type: "page_view", url: "/pricing", ts: now - 2 * DAY },
      { type: "cta_click", url: "/pricing", ts: now - 1000 },
    ]);
    const res = await admin("GET", `/v1/admin/leads/${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    const lead = await jsonOf(res);
    expect(lead).toMatchObject({ email, traits: { company: { employees: 1500 } }, segment: { path: expect.arrayContaining(["enterprise"]) } });
    expect(lead.explanation.trace.at(-1)).toMatchObject({ segment: lead.segment.id, matched: true });
    expect(lead.recentEvents.map((e: { type: string }) => e.type)).toEqual(["cta_click", "page_view", "page_view"]);
    expect(Date.parse(lead.recentEvents[0].at)).toBe(now - 1000);

    expect(lead.timeline).toHaveLength(61);
    const today = lead.timeline[30];
    expect(today).toMatchObject({ engagement: lead.engagement.score, score: lead.score, segment: lead.segment.id });
    // 30 days back nothing had happened; 21 days back the first pricing view had not either.
    expect(lead.timeline[0].engagement).toBe(0);
    expect(lead.timeline[10].engagement).toBeGreaterThan(0); // 20 days back: the first view
    const future = lead.timeline.slice(30).map((p: { engagement: number }) => p.engagement);
    expect(future.at(-1)).toBeLessThan(future[0]);
  });

  it("an unknown email → 404; not an email → 422; only for admins", async () => {
    expect((await admin("GET", `/v1/admin/leads/${encodeURIComponent(newEmail())}`)).status).toBe(404);
    expect((await admin("GET", "/v1/admin/leads/not-an-email")).status).toBe(422);
    const email = newEmail();
    await putLead(email, { company: { employees: 10 } });
    for (const [key, status] of [[SERVER_KEY, 401], [ESP_KEY, 403], [null, 401]] as const) {
      expect((await call("GET", `/v1/admin/leads/${encodeURIComponent(email)}`, { key })).status).toBe(status);
    }
  });
});

describe("GET /v1/admin/leads?query=: the console's lead search", () => {
  it("known leads whose email starts with the query, any case, in email order, a page at a time", async () => {
    const prefix = `search-${crypto.randomUUID().slice(0, 8)}`;
    const emails = ["c", "a", "b"].map((x) => `${prefix}-${x}@test.example`);
    for (const email of emails) await putLead(email, { company: { employees: 10 } });
    await putLead(`other-${prefix}@test.example`, { company: { employees: 10 } });

    const first = await jsonOf(await admin("GET", `/v1/admin/leads?query=${prefix.toUpperCase()}&limit=2`));
    expect(first.leads.map((l: { email: string }) => l.email)).toEqual([emails[1], emails[2]]);
    expect(first.next).toBe(emails[2]);
    const second = await jsonOf(await admin("GET", `/v1/admin/leads?query=${prefix}&limit=2&after=${encodeURIComponent(first.next)}`));
    expect(second).toMatchObject({ leads: [{ email: emails[0], createdAt: expect.any(String) }], next: null });
    expect((await admin("GET", "/v1/admin/leads?query=")).status).toBe(422);
    expect((await call("GET", `/v1/admin/leads?query=${prefix}`, { key: SERVER_KEY })).status).toBe(401);
  });

  it("is a range on the email index, not a scan of the leads", async () => {
    const { results } = await env.DB.prepare(
      "EXPLAIN QUERY PLAN SELECT email FROM leads WHERE email >= ?1 AND email < ?1 || char(1114111) AND email > ?2 ORDER BY email LIMIT 21",
    )
      .bind("ada", "")
      .all<{ detail: string }>();
    expect(results.map((r) => r.detail).join("; ")).toMatch(/SEARCH leads USING (COVERING )?INDEX/);
  });
});
