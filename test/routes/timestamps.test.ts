import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { EVENTS } from "../support/events-table";
import { call, countRows, DAY, jsonOf, newEmail, newVisitorId, sendEvents, SERVER_KEY } from "../support/harness";

/** Every timestamp a client sends: ISO 8601 with an offset or Z, or epoch ms; epoch seconds get a clear 422. */

const importRaw = (email: string, events: Record<string, unknown>[]) =>
  call("POST", `/v1/leads/${encodeURIComponent(email)}/events`, { body: { events }, key: SERVER_KEY });
const pageView = (ts: unknown) => ({ id: crypto.randomUUID(), type: "page_view", url: "/pricing", ts });
const storedTs = (id: string) => env.DB.prepare(`SELECT ts FROM ${EVENTS} AS events WHERE id = ?`).bind(id).first<number>("ts");

async function detailsOf(res: Response) {
  expect(res.status).toBe(422);
  const body = await jsonOf(res);
  expect(body.error.code).toBe("validation_failed");
  return body.error.details as { path: string; message: string }[];
}

/** Whole seconds in the past, so both forms name exactly the same millisecond. */
const aWhileAgo = () => Math.floor((Date.now() - DAY) / 1000) * 1000;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("timestamps in requests", () => {
  it("import: ISO with Z, ISO with an offset and epoch ms name the same instant", async () => {
    const ms = aWhileAgo();
    const withOffset = new Date(ms + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+02:00");
    const events = [pageView(new Date(ms).toISOString()), pageView(withOffset), pageView(ms)];
    const res = await importRaw(newEmail(), events);
    expect(res.status).toBe(202);
    expect(await jsonOf(res)).toEqual({ accepted: 3, duplicates: 0 });
    for (const e of events) expect(await storedTs(e.id)).toBe(ms);
  });

  it("import: epoch seconds → 422 that says milliseconds; no offset → 422 (ambiguous); the import rules stay; nothing written", async () => {
    const email = newEmail();
    const ms = aWhileAgo();
    const details = await detailsOf(
      await importRaw(email, [
        pageView(ms / 1000),
        pageView(new Date(ms).toISOString().replace("Z", "")),
        pageView("2026-11-23"),
        pageView("yesterday"),
        pageView("1999-12-31T23:59:59Z"),
        pageView(true),
      ]),
    );
    expect(details.map((d) => d.path)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `events[${i}].ts`));
    expect(details[0]!.message).toMatch(/milliseconds/);
    expect(details[1]!.message).toMatch(/offset/);
    expect(details[2]!.message).toMatch(/offset/);
    expect(details[3]!.message).toMatch(/ISO 8601.*milliseconds/);
    expect(details[4]!.message).toMatch(/2000/);
    const future = await detailsOf(await importRaw(email, [pageView(new Date(Date.now() + DAY).toISOString())]));
    expect(future).toEqual([{ path: "events[0].ts", message: "in the future" }]);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("public events: an ISO ts is taken (and clamped as before); epoch seconds → 422 that says milliseconds", async () => {
    const visitor = newVisitorId();
    const ms = Date.now() - 3_600_000;
    const ok = pageView(new Date(ms).toISOString());
    expect((await sendEvents(visitor, [ok])).status).toBe(202);
    expect(await storedTs(ok.id)).toBe(ms);
    const details = await detailsOf(await sendEvents(newVisitorId(), [pageView(Math.floor(ms / 1000))]));
    expect(details).toEqual([{ path: "events[0].ts", message: expect.stringMatching(/milliseconds/) }]);
  });

  it("admin evaluate `at`: both forms, one answer; epoch seconds and no offset → 422 at `at`", async () => {
    const ms = aWhileAgo();
    const answers = [];
    for (const at of [ms, new Date(ms).toISOString(), new Date(ms).toISOString().replace("Z", "+00:00")]) {
      const res = await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, at });
      expect(res.status).toBe(200);
      answers.push((await jsonOf(res)).at);
    }
    expect(answers).toEqual(Array(3).fill(new Date(ms).toISOString()));
    for (const at of [ms / 1000, "2026-11-23T12:00:00"]) {
      const details = await detailsOf(await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, at }));
      expect(details.map((d) => d.path)).toEqual(["at"]);
    }
    const seconds = await detailsOf(await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, at: ms / 1000 }));
    expect(seconds[0]!.message).toMatch(/milliseconds/);
  });

  it("report `from`/`to`: ISO or epoch ms in the query, the same report; epoch seconds → 422 that says milliseconds", async () => {
    const to = aWhileAgo();
    const from = to - 7 * DAY;
    const byIso = await admin("GET", `/v1/admin/reports/segments?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    const byMs = await admin("GET", `/v1/admin/reports/segments?from=${from}&to=${to}`);
    expect(byMs.status).toBe(200);
    const report = await jsonOf(byMs);
    expect(report).toEqual(await jsonOf(byIso));
    expect([report.from, report.to]).toEqual([new Date(from).toISOString(), new Date(to).toISOString()]);
    const details = await detailsOf(await admin("GET", `/v1/admin/reports/segments?from=${from / 1000}`));
    expect(details).toEqual([{ path: "from", message: expect.stringMatching(/milliseconds/) }]);
  });
});

describe("timestamps in responses: always ISO 8601 in UTC", () => {
  it("an offer's expiresAt written with an offset is served as UTC ISO, like every other time field", async () => {
    const config = defaultDocCopy();
    config.slots.offer!.variants.default = { title: "Spring", body: "Ends soon", expiresAt: "2099-03-01T09:00:00+02:00" } as never;
    const res = await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, config, slots: ["offer"] });
    expect(res.status).toBe(200);
    const evaluation = await jsonOf(res);
    expect(evaluation.slots.offer).toMatchObject({ kind: "offer", title: "Spring", expiresAt: "2099-03-01T07:00:00.000Z" });
    expect(evaluation.at).toMatch(ISO_UTC);

    const versions = await jsonOf(await admin("GET", "/v1/admin/config/versions"));
    const link = await jsonOf(await admin("POST", "/v1/admin/preview-links", { segment: "smb-qualified", url: "https://site.example/" }));
    const report = await jsonOf(await admin("GET", "/v1/admin/reports/segments"));
    for (const value of [...versions.versions.map((v: { createdAt: string }) => v.createdAt), link.expiresAt, report.from, report.to]) {
      expect(value).toMatch(ISO_UTC);
    }
  });
});

describe("/openapi.json", () => {
  it("documents a ts as a date-time string or an integer (epoch milliseconds)", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const body = doc.paths["/v1/leads/{email}/events"].post.requestBody.content["application/json"].schema;
    const ts = body.properties.events.items.properties.ts;
    expect(ts.anyOf).toEqual([{ type: "string", format: "date-time" }, { type: "integer" }]);
    expect(ts.description).toMatch(/milliseconds/);
  });
});
