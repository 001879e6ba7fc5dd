import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, reevaluated, withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { ADMIN_TOKEN, DAY, jsonOf } from "../support/harness";
import { fetchCountingD1 } from "../support/counting-d1";

/**
 * GET /v1/admin/reports/lift over D1: assignments and conversions written straight into the
 * tables (thousands of leads in one statement each), the report read through the worker.
 */

const SEGMENT = "smb-qualified";
const T0 = Date.UTC(2026, 8, 1);

/**
 * `n` leads of one arm assigned from `start`, one a minute, with lead ids unique to this call;
 * the first `converted` of them convert `after` ms after their assignment.
 */
async function assign(arm: "control" | "treatment", n: number, converted: number, options: { share: number; start?: number; after?: number; segment?: string }) {
  const { share, start = T0, after = 2 * DAY, segment = SEGMENT } = options;
  const salt = `lf:${segment}:${share}`;
  const prefix = crypto.randomUUID().slice(0, 8);
  // Lead ids as UUIDs (the events join converts them to bytes): a per-call prefix, then the row number.
  const leadId = `'${prefix}-0000-4000-8000-' || printf('%012d', i)`;
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?)
     INSERT INTO holdout_assignments (lead_id, segment_id, arm, salt, share, assigned_at) SELECT ${leadId}, ?, ?, ?, ?, ? + i * 60000 FROM k`,
  ).bind(n, segment, arm, salt, share, start).run();
  if (converted === 0) return;
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?)
     INSERT INTO events (lead_id, id, type, category, ts) SELECT unhex(replace(${leadId}, '-', '')), randomblob(16), 'conversion', 'other', ? + i * 60000 + ? FROM k`,
  ).bind(converted, start, after).run();
}

function holdoutDoc(shares: Record<string, number>, extra: Record<string, unknown> = {}) {
  return { ...defaultDocCopy(), experiments: { holdout: { segments: shares, ...extra } } };
}

async function lift(query: string) {
  const res = await admin("GET", `/v1/admin/reports/lift?${query}`);
  expect(res.status).toBe(200);
  return jsonOf(res);
}
const row = (report: any, segment = SEGMENT) => report.segments.find((s: { segment: string }) => s.segment === segment);
const range = (from: number, to: number) => `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;

describe("GET /v1/admin/reports/lift", () => {
  it("counts by assignment, conversions within the window only, and judges a planted lift positive", async () => {
    await withActive(holdoutDoc({ [SEGMENT]: 0.2 }, { conversionWindowDays: 14 }), async (version) => {
      await reevaluated(version);
      await assign("control", 1000, 60, { share: 0.2, start: T0 });
      await assign("treatment", 4000, 480, { share: 0.2, start: T0 });
      // Outside the window (20 days after assignment), and before assignment: neither counts.
      await assign("treatment", 500, 500, { share: 0.2, start: T0, after: 20 * DAY });
      await assign("control", 100, 100, { share: 0.2, start: T0, after: -DAY });
      // Another period (share 0.5, before the change to 0.2): not the running one.
      await assign("control", 300, 0, { share: 0.5, start: T0 });

      const report = await lift(range(T0 - DAY, T0 + 40 * DAY));
      expect(report).toMatchObject({ conversionWindowDays: 14, closedWindowsOnly: false, adjust: "holm" });
      const smb = row(report);
      expect(smb.control).toEqual({ leads: 1100, converted: 60, rate: 60 / 1100 });
      expect(smb.treatment).toEqual({ leads: 4500, converted: 480, rate: 480 / 4500 });
      expect(smb.period).toEqual({ share: 0.2, since: new Date(T0).toISOString() });
      expect(smb.verdict).toBe("positive");
      expect(smb.difference.low).toBeGreaterThan(0);
      expect(smb.lift.estimate).toBeCloseTo(480 / 4500 / (60 / 1100) - 1, 10);
      expect(smb.srm).toEqual({ p: expect.any(Number), flagged: false });
      // Far from enough to see a +10 % lift (the default mde) at this rate; enough for +100 %.
      expect(smb.leadsNeeded).toBeGreaterThan(50_000);
      expect(row(await lift(`${range(T0 - DAY, T0 + 40 * DAY)}&mde=1`)).leadsNeeded).toBe(0);
      // Segments without a holdout: listed, control null, their entries as treatment.
      expect(row(report, "enterprise-hot")).toMatchObject({ control: null, difference: null, verdict: "inconclusive", leadsNeeded: null });

      // closedWindowsOnly: only leads whose 14-day window closed by `to` (assigned a minute apart from T0).
      const to = T0 + 14 * DAY + 500 * 60_000;
      const closed = row(await lift(`${range(T0 - DAY, to)}&closedWindowsOnly=true`));
      expect(closed.treatment.leads).toBe(501 + 500);
      const open = row(await lift(range(T0 - DAY, to)));
      expect(open.treatment.leads).toBe(4500);
    });
  });

  it("flags a broken split: control never recorded for a day", async () => {
    const start = T0 + 100 * DAY;
    await withActive(holdoutDoc({ [SEGMENT]: 0.1 }), async () => {
      // Three days of 2,000 entries a day at a 10 % share, but on the second day no control was recorded.
      for (const day of [0, 1, 2]) {
        await assign("treatment", 1800, 90, { share: 0.1, start: start + day * DAY });
        if (day !== 1) await assign("control", 200, 10, { share: 0.1, start: start + day * DAY });
      }
      const smb = row(await lift(range(start, start + 3 * DAY)));
      expect(smb.control.leads).toBe(400);
      expect(smb.srm.flagged).toBe(true);
      expect(smb.srm.p).toBeLessThan(0.001);
      expect(smb.verdict).toBe("inconclusive");
    });
  });

  it("adjusts across segments (Holm by default, BH on request) and answers in one D1 round trip", async () => {
    const start = T0 + 200 * DAY;
    await withActive(holdoutDoc({ [SEGMENT]: 0.5, "smb-nurture": 0.5 }), async () => {
      await assign("control", 2000, 100, { share: 0.5, start });
      await assign("treatment", 2000, 135, { share: 0.5, start });
      await assign("control", 2000, 100, { share: 0.5, start, segment: "smb-nurture" });
      await assign("treatment", 2000, 140, { share: 0.5, start, segment: "smb-nurture" });
      const query = range(start, start + 10 * DAY);
      const [holm, bh] = [await lift(query), await lift(`${query}&adjust=bh`)];
      const ps = [row(holm).p, row(holm, "smb-nurture").p];
      const [low, high] = [Math.min(...ps), Math.max(...ps)];
      // Holm: the smaller p times 2, the larger kept at least as large; BH: the smaller times 2 / 1, capped by the larger.
      expect(Math.min(row(holm).pAdjusted, row(holm, "smb-nurture").pAdjusted)).toBeCloseTo(2 * low, 12);
      expect(Math.max(row(bh).pAdjusted, row(bh, "smb-nurture").pAdjusted)).toBeCloseTo(high, 12);
      expect(bh.adjust).toBe("bh");

      const counted = await fetchCountingD1(new Request(`https://leadflare.test/v1/admin/reports/lift?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
      expect(counted.response.status).toBe(200);
      // The report's one batch (the configuration is the isolate's cached one).
      expect(counted.counts).toEqual({ batch: 1, statement: 0, exec: 0 });
    });
  });

  it("refuses a bad query with a 422 naming it", async () => {
    for (const query of ["adjust=bonferroni", "mde=0", "closedWindowsOnly=yes", `from=${new Date(T0).toISOString()}&to=${new Date(T0 - DAY).toISOString()}`]) {
      const res = await admin("GET", `/v1/admin/reports/lift?${query}`);
      expect(res.status, query).toBe(422);
      expect((await jsonOf(res)).error.code).toBe("validation_failed");
    }
  });
});
