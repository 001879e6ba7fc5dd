import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { fetchCountingD1 } from "../support/counting-d1";
import { ADMIN_TOKEN, DAY, jsonOf } from "../support/harness";

/**
 * GET /v1/admin/reports/health over D1: members and conversions written straight into the
 * ledger and events (thousands of leads in a few statements), the report read through the worker.
 */

const FROM = Date.UTC(2026, 9, 1);
const TO = FROM + 28 * DAY;

/**
 * `n` leads recorded in `segment` since long before the baseline; `perWeek` of them convert in
 * each week of [start, end) (a different lead each week).
 */
async function members(segment: string, n: number, conversions: { start: number; end: number; perWeek: number }) {
  const prefix = crypto.randomUUID().slice(0, 8);
  const leadId = `'${prefix}-0000-4000-8000-' || printf('%012d', i)`;
  const since = FROM - 200 * DAY;
  const rows = `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ${n})`;
  await env.DB.batch([
    env.DB.prepare(`${rows} INSERT INTO lead_segments (lead_id, segment_id, since, revision) SELECT ${leadId}, ?, ?, '' FROM k`).bind(segment, since),
    env.DB.prepare(`${rows} INSERT INTO segment_transitions (lead_id, from_segment, to_segment, at, cause, config_version) SELECT ${leadId}, NULL, ?, ?, 'traits', 1 FROM k`).bind(segment, since),
  ]);
  const weeks = Math.ceil((conversions.end - conversions.start) / (7 * DAY));
  for (let w = 0; w < weeks; w++) {
    await env.DB.prepare(
      `WITH RECURSIVE k(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?)
       INSERT INTO events (lead_id, id, type, category, ts) SELECT unhex(replace(${leadId}, '-', '')), randomblob(16), 'conversion', 'other', ? FROM k`,
    ).bind(w * conversions.perWeek, (w + 1) * conversions.perWeek, conversions.start + w * 7 * DAY + DAY).run();
  }
}

describe("GET /v1/admin/reports/health", () => {
  it("gives each segment's weeks, flags a segment that left its baseline, and tells siblings apart, in one round trip", async () => {
    // smb-qualified: 40 of 1,000 a week in the baseline, none in the period (diverged).
    await members("smb-qualified", 1000, { start: FROM - 91 * DAY, end: FROM, perWeek: 40 });
    // smb-nurture: 10 of 1,000 a week throughout.
    await members("smb-nurture", 1000, { start: FROM - 91 * DAY, end: TO, perWeek: 10 });

    const query = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;
    const res = await admin("GET", `/v1/admin/reports/health?${query}`);
    expect(res.status).toBe(200);
    const report = await jsonOf(res);
    expect(report.baselineFrom).toBe(new Date(FROM - 91 * DAY).toISOString());
    const of = (id: string) => report.segments.find((s: { segment: string }) => s.segment === id);
    const qualified = of("smb-qualified");
    expect(qualified.weeks).toHaveLength(17);
    expect(qualified.weeks.every((w: { leads: number }) => w.leads === 1000)).toBe(true);
    expect(qualified.baseline).toEqual({ leads: 13_000, converted: 520, rate: 0.04 });
    expect(qualified.period).toEqual({ leads: 4000, converted: 0, rate: 0 });
    expect(qualified.diverged).toBe(true);
    expect(of("smb-nurture")).toMatchObject({ diverged: false, period: { leads: 4000, converted: 40 }, sizeRatio: 1 });
    // In the period smb-qualified converts at 0 against smb-nurture's 1 %: the tier's segments differ.
    expect(report.siblings.find((g: { group: string }) => g.group === "smb")).toMatchObject({ segments: ["smb-qualified", "smb-nurture"], verdict: "different" });

    const counted = await fetchCountingD1(new Request(`https://leadflare.test/v1/admin/reports/health?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
    expect(counted.response.status).toBe(200);
    expect(counted.counts).toEqual({ batch: 1, statement: 0, exec: 0 });
  });
});
