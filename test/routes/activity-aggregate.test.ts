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

describe("events table", () => {
  /** A statement as SQLite keeps it: no comment lines, no trailing semicolon, whitespace folded. */
  const normalized = (statement: string) =>
    statement.split("\n").filter((line) => !line.trim().startsWith("--")).join(" ").replace(/\s+/g, " ").trim().replace(/;$/, "");

  it("is keyed per lead and, rebuilt by a later migration, keeps migration 0003's trigger and the type/time index", async () => {
    const columns = await env.DB.prepare("SELECT name, pk FROM pragma_table_info('events') WHERE pk > 0 ORDER BY pk").all<{ name: string }>();
    expect(columns.results.map((c) => c.name)).toEqual(["lead_id", "id"]);

    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0003_"))!;
    const created = migration.queries.find((q) => q.includes("CREATE TRIGGER"))!;
    const trigger = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").all<{ sql: string }>();
    expect(trigger.results.map((t) => normalized(t.sql))).toEqual([normalized(created.slice(created.indexOf("CREATE TRIGGER")))]);

    const indexes = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name").all<{ name: string }>();
    expect(indexes.results.map((i) => i.name)).toEqual(["events_type_ts"]);
  });
});
