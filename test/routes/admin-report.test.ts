import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { call, DAY, importEvents, jsonOf, newEmail, putLead, SERVER_KEY } from "../support/harness";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function lead(employees: number, events: { type: string; url?: string; ts: number }[]) {
  const email = newEmail();
  await putLead(email, { company: { employees } });
  await importEvents(email, events);
  return email;
}

describe("GET /v1/admin/reports/segments", () => {
  it("counts each lead seen in the period in its segment at first view, and its conversions after it", async () => {
    const from = Date.now() - 60 * DAY;
    const to = from + 10 * DAY;
    const pricing = (ts: number) => ({ type: "page_view", url: "/pricing", ts });
    await lead(50, [pricing(from - 2 * HOUR), pricing(from - HOUR), pricing(from + HOUR), { type: "conversion", ts: from + 2 * DAY }]);
    await lead(50, [{ type: "page_view", url: "/docs", ts: from + DAY }]);
    await lead(2000, [{ type: "page_view", url: "/blog/x", ts: from + DAY }, { type: "conversion", ts: from + 3 * DAY }]);
    await lead(2000, [{ type: "page_view", url: "/", ts: from - DAY }, { type: "conversion", ts: from + DAY }]);

    const res = await admin("GET", `/v1/admin/reports/segments?from=${iso(from)}&to=${iso(to)}`);
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report.leads).toEqual({ seen: 3, evaluated: 3 });
    const by = Object.fromEntries(report.segments.map((s: any) => [s.id, [s.leads, s.converted, s.conversionRate]]));
    expect(by["smb-qualified"]).toEqual([1, 1, 1]);
    expect(by["smb-nurture"]).toEqual([1, 0, 0]);
    expect(by["enterprise-cold"]).toEqual([1, 1, 1]);
    expect(by["enterprise-hot"]).toEqual([0, 0, null]);

    const sample = await jsonOf(await admin("GET", `/v1/admin/reports/segments?from=${iso(from)}&to=${iso(to)}&limit=1`));
    expect(sample.leads).toEqual({ seen: 3, evaluated: 1 });
  });

  it("takes the admin token only, and rejects a period that is empty, reversed or over a year", async () => {
    expect((await call("GET", "/v1/admin/reports/segments", { key: SERVER_KEY })).status).toBe(401);
    const now = Date.now();
    for (const [from, to] of [[now, now], [now, now - DAY], [now - 400 * DAY, now]]) {
      const res = await admin("GET", `/v1/admin/reports/segments?from=${iso(from!)}&to=${iso(to!)}`);
      expect(res.status).toBe(422);
    }
    expect((await admin("GET", "/v1/admin/reports/segments?from=yesterday")).status).toBe(422);
  });
});
