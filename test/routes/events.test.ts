import { describe, expect, it } from "vitest";
import { EVENTS_OF_VISITOR } from "../support/events-table";
import { call, countRows, getLead, verifyVisitor, jsonOf, newEmail, newVisitorId, sendEvents } from "../support/harness";

const event = (type = "cta_click", url = "/pricing") => ({ id: crypto.randomUUID(), type, url });

describe("POST /v1/events", () => {
  it("counts the same event id once, within a batch and across batches", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await verifyVisitor(visitor, email);
    const a = event();
    const b = event("form_submit", "/contact");
    expect(await jsonOf(await sendEvents(visitor, [a, a, b]))).toEqual({ accepted: 2, duplicates: 1, ignored: 0, capped: 0, recorded: true });
    expect(await jsonOf(await sendEvents(visitor, [b, a]))).toEqual({ accepted: 0, duplicates: 2, ignored: 0, capped: 0, recorded: true });
    const lead = await getLead(email);
    expect(lead.signals).toMatchObject({ cta_clicks_30d: 1, forms_30d: 1 });
  });

  it("dedupes per lead: one client event id from two visitors (two leads) is recorded for both, each once", async () => {
    const [first, second] = [newEmail(), newEmail()];
    const [v1, v2] = [newVisitorId(), newVisitorId()];
    await verifyVisitor(v1, first);
    await verifyVisitor(v2, second);
    const shared = event();
    expect(await jsonOf(await sendEvents(v1, [shared]))).toEqual({ accepted: 1, duplicates: 0, ignored: 0, capped: 0, recorded: true });
    expect(await jsonOf(await sendEvents(v2, [shared]))).toEqual({ accepted: 1, duplicates: 0, ignored: 0, capped: 0, recorded: true });
    // Retries still count once per lead.
    expect(await jsonOf(await sendEvents(v1, [shared]))).toEqual({ accepted: 0, duplicates: 1, ignored: 0, capped: 0, recorded: true });
    expect(await jsonOf(await sendEvents(v2, [shared, shared]))).toEqual({ accepted: 0, duplicates: 2, ignored: 0, capped: 0, recorded: true });
    for (const email of [first, second]) expect((await getLead(email)).signals).toMatchObject({ cta_clicks_30d: 1 });
    expect(await countRows("events", "id = ?", shared.id)).toBe(2);
  });

  it("accepts text/plain bodies (sendBeacon) and stores the page category", async () => {
    const visitor = newVisitorId();
    const res = await call("POST", "/v1/events", {
      body: JSON.stringify({ visitorId: visitor, events: [event("page_view", "https://site.example/pricing/teams?utm_source=x")] }),
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(res.status).toBe(202);
    expect(await countRows("events", `${EVENTS_OF_VISITOR} AND category = 'pricing' AND path = '/pricing/teams'`, visitor)).toBe(1);
  });

  it("clamps a client timestamp into [now - 24 h, now]", async () => {
    const visitor = newVisitorId();
    const before = Date.now();
    await sendEvents(visitor, [
      { ...event(), ts: before + 3_600_000 },
      { ...event(), ts: before - 30 * 86_400_000 },
    ]);
    const after = Date.now();
    expect(await countRows("events", `${EVENTS_OF_VISITOR} AND ts BETWEEN ? AND ?`, visitor, before, after)).toBe(1);
    expect(await countRows("events", `${EVENTS_OF_VISITOR} AND ts BETWEEN ? AND ?`, visitor, before - 86_400_000, after - 86_400_000)).toBe(1);
  });

  it("takes 50 events in one request, in one batch", async () => {
    const visitor = newVisitorId();
    const res = await sendEvents(visitor, Array.from({ length: 50 }, () => event("page_view", "/docs")));
    expect(await jsonOf(res)).toEqual({ accepted: 50, duplicates: 0, ignored: 0, capped: 0, recorded: true });
    expect(await countRows("lead_activity", "lead_id = (SELECT lead_id FROM visitors WHERE id = ?) AND total = 50", visitor)).toBe(1);
  });

  it("rejects email_* events from browsers (they come only from our own links)", async () => {
    const res = await sendEvents(newVisitorId(), [event("email_click")]);
    expect(res.status).toBe(422);
  });
});
