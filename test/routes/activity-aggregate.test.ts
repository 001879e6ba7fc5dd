import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RECENT_CAP } from "../../src/domain/activity";
import { DAY, importEvents, newEmail } from "../support/harness";

const CAP = RECENT_CAP;

async function pricingActivity(email: string) {
  const row = await env.DB.prepare(
    `SELECT a.lead_id AS leadId, a.total, a.recent FROM lead_activity a JOIN leads l ON l.id = a.lead_id
     WHERE l.email = ? AND a.key = 'page_view:pricing'`,
  )
    .bind(email)
    .first<{ leadId: string; total: number; recent: string }>();
  if (!row) throw new Error("no aggregate row");
  return { ...row, recent: JSON.parse(row.recent) as number[] };
}

const views = (timestamps: number[]) => timestamps.map((ts) => ({ type: "page_view", url: "/pricing", ts }));

describe("events_aggregate trigger", () => {
  it("keeps the newest timestamps, newest first, capped, whatever order events arrive in", async () => {
    const email = newEmail();
    const base = Date.now() - 30 * DAY;
    const inOrder = Array.from({ length: CAP + 10 }, (_, i) => base + (i + 10) * 60_000);
    await importEvents(email, views(inOrder.slice(0, CAP)));
    await importEvents(email, views(inOrder.slice(CAP)));
    // Older than everything kept, then one in the middle of the kept ones.
    const older = [base, base + 20 * 60_000 + 30_000];
    await importEvents(email, views(older));

    const { total, recent } = await pricingActivity(email);
    const expected = [...inOrder, ...older].sort((a, b) => b - a).slice(0, CAP);
    expect(total).toBe(CAP + 12);
    expect(recent).toEqual(expected);
  });

  it("records a new event for a lead at the cap without reading its whole history", async () => {
    const email = newEmail();
    const base = Date.now() - 10 * DAY;
    await importEvents(email, views(Array.from({ length: CAP }, (_, i) => base + i * 60_000)));
    const { leadId } = await pricingActivity(email);

    const now = Date.now();
    const insert = await env.DB.prepare(
      `INSERT INTO events (id, lead_id, visitor_id, type, category, ts, path, props, received_at)
       VALUES (?, ?, NULL, 'page_view', 'pricing', ?, '/pricing', NULL, ?)`,
    )
      .bind(crypto.randomUUID(), leadId, now, now)
      .run();

    const { total, recent } = await pricingActivity(email);
    expect(total).toBe(CAP + 1);
    expect(recent).toHaveLength(CAP);
    expect(recent[0]).toBe(now);
    expect(recent.at(-1)).toBe(base + 60_000);
    // Re-sorting the stored timestamps would read them all as rows (≈ 2 × CAP).
    expect(insert.meta.rows_read).toBeLessThan(20);
  });
});
