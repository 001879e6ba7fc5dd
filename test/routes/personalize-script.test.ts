import { describe, expect, it } from "vitest";
import { call, countRows, jsonOf, newVisitorId, personalize } from "../support/harness";
import { EVENTS_OF_VISITOR } from "../support/events-table";

/** What the script tag sends: a text/plain body (no CORS preflight), preview and gpc fields. */
describe("POST /v1/personalize from the script tag", () => {
  it("accepts a text/plain body and records the page view", async () => {
    const visitorId = newVisitorId();
    const res = await call("POST", "/v1/personalize", {
      body: JSON.stringify({ visitorId, page: { url: "https://site.example/demo/pricing" }, eventId: crypto.randomUUID(), slots: ["hero"] }),
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(res.status).toBe(200);
    const out = await jsonOf(res);
    expect(out.recorded).toBe(true);
    expect(Object.keys(out.slots)).toEqual(["hero"]);
    expect(await countRows("events", EVENTS_OF_VISITOR, visitorId)).toBe(1);
  });

  it("with gpc: true records nothing and still answers from the request", async () => {
    const visitorId = newVisitorId();
    const out = await personalize(visitorId, "https://site.example/demo/pricing", { gpc: true });
    expect(out.recorded).toBe(false);
    expect(out.segment.id).toBe("default");
    expect(await countRows("visitors", "id = ?", visitorId)).toBe(0);
    expect(await countRows("events", EVENTS_OF_VISITOR, visitorId)).toBe(0);
  });

  it("accepts the preview parameter (passed through from lf_preview)", async () => {
    const out = await personalize(newVisitorId(), "https://site.example/?lf_preview=abc", { preview: "abc" });
    expect(out.segment.id).toBe("default");
    // Whatever the page URL carries, the visitor still gets content: too long to be a token is ignored.
    const tooLong = await call("POST", "/v1/personalize", {
      body: { visitorId: newVisitorId(), page: { url: "/" }, preview: "x".repeat(2049) },
    });
    expect(tooLong.status).toBe(200);
    expect((await jsonOf(tooLong)).preview).toBe(false);
  });
});
