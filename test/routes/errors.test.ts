import { describe, expect, it } from "vitest";
import { fetchCountingD1 } from "../support/counting-d1";
import { ADMIN_TOKEN, call, countRows, jsonOf, newEmail, newVisitorId, SERVER_KEY } from "../support/harness";

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = await jsonOf(res);
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  return body.error as { code: string; message: string; details?: { path: string; message: string }[] };
}

describe("errors: one envelope, a clear 4xx, nothing written", () => {
  it("malformed JSON → 400", async () => {
    const visitor = newVisitorId();
    await expectError(await call("POST", "/v1/events", { body: `{"visitorId":"${visitor}", "events": [`, headers: { "content-type": "application/json" } }), 400, "malformed_json");
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
  });

  it("schema errors → 422 listing every failing path, and nothing of the batch is written", async () => {
    const visitor = newVisitorId();
    const good = { id: crypto.randomUUID(), type: "page_view", url: "/pricing" };
    const error = await expectError(
      await call("POST", "/v1/events", { body: { visitorId: visitor, events: [good, { id: "not-a-uuid", type: "dance", url: "/" }] } }),
      422,
      "validation_failed",
    );
    expect(error.details!.map((d) => d.path).sort()).toEqual(["events[1].id", "events[1].type"]);
    expect(await countRows("events", "id = ?", good.id)).toBe(0);
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
  });

  it("a visitor id that is not a UUID v4 → 422", async () => {
    const v1 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    const error = await expectError(await call("POST", "/v1/personalize", { body: { visitorId: v1, page: { url: "/" } } }), 422, "validation_failed");
    expect(error.details![0]!.path).toBe("visitorId");
    await expectError(await call("GET", "/v1/personalize?visitorId=nope"), 422, "validation_failed");
  });

  it("unknown fields → 422", async () => {
    const error = await expectError(
      await call("POST", "/v1/personalize", { body: { visitorId: newVisitorId(), page: { url: "/" }, email: "x@y.z" } }),
      422,
      "validation_failed",
    );
    expect(error.details![0]!.message).toMatch(/email/);
  });

  it("more than 50 events or 64 KiB → 422 / 413", async () => {
    const visitor = newVisitorId();
    const events = Array.from({ length: 51 }, () => ({ id: crypto.randomUUID(), type: "page_view", url: "/" }));
    await expectError(await call("POST", "/v1/events", { body: { visitorId: visitor, events } }), 422, "validation_failed");
    const big = { visitorId: visitor, events: [{ id: crypto.randomUUID(), type: "page_view", url: "/", props: { x: "a".repeat(70_000) } }] };
    await expectError(await call("POST", "/v1/events", { body: big }), 413, "payload_too_large");
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
  });

  it("unsupported content type → 415", async () => {
    await expectError(await call("POST", "/v1/events", { body: "visitorId=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported_media_type");
    // Server endpoints take JSON only (no beacon there).
    await expectError(
      await call("PUT", `/v1/leads/${newEmail()}`, { body: "{}", headers: { "content-type": "text/plain" }, key: SERVER_KEY }),
      415,
      "unsupported_media_type",
    );
  });

  it("missing or wrong key → 401; the admin token is not a server key", async () => {
    const email = newEmail();
    for (const key of [null, "wrong", ADMIN_TOKEN]) {
      await expectError(await call("PUT", `/v1/leads/${email}`, { body: { company: { employees: 5 } }, key }), 401, "unauthorized");
      await expectError(await call("GET", `/v1/leads/${email}`, { key }), 401, "unauthorized");
    }
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("unknown lead → 404, unknown route → 404, both in the envelope", async () => {
    await expectError(await call("GET", `/v1/leads/${newEmail()}`, { key: SERVER_KEY }), 404, "not_found");
    await expectError(await call("GET", "/v1/nothing-here"), 404, "not_found");
  });

  it("an invalid email in the path → 422", async () => {
    const error = await expectError(await call("GET", "/v1/leads/not-an-email", { key: SERVER_KEY }), 422, "validation_failed");
    expect(error.details![0]!.path).toBe("email");
  });
});

describe("input normalization", () => {
  it("treats upper- and lower-case UUIDs as the same visitor and event", async () => {
    const visitor = newVisitorId();
    const id = crypto.randomUUID();
    const send = (v: string, e: string) => call("POST", "/v1/events", { body: { visitorId: v, events: [{ id: e, type: "cta_click", url: "/" }] } });
    expect((await jsonOf(await send(visitor, id))).accepted).toBe(1);
    expect(await jsonOf(await send(visitor.toUpperCase(), id.toUpperCase()))).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await countRows("visitors", "id = ?", visitor)).toBe(1);
  });

  it("a chunked body over the limit → 413 without a content-length; the worker stops reading it", async () => {
    const visitor = newVisitorId();
    const encoder = new TextEncoder();
    const chunks = [encoder.encode(`{"visitorId":"${visitor}","events":[]`), ...Array.from({ length: 8 }, () => encoder.encode(" ".repeat(16 * 1024))), encoder.encode("}")];
    let sent = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const next = chunks[sent++];
          if (next) controller.enqueue(next);
          else controller.close();
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 }, // one chunk per read, as a client sends them
    );
    // Straight to the worker's fetch: through a service binding workerd would pump the body
    // into a pipe and log the reader's cancel as an exception.
    const request = new Request("https://leadflare.test/v1/events", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(request.headers.get("content-length")).toBeNull();
    const { response } = await fetchCountingD1(request);
    await expectError(response, 413, "payload_too_large");
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(chunks.length);
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
  });
});
