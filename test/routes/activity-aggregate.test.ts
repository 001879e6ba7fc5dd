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
      `INSERT INTO events (lead_id, id, type, category, ts, path, props)
       VALUES (unhex(replace(?, '-', '')), unhex(replace(?, '-', '')), 'page_view', 'pricing', ?, '/pricing', NULL)`,
    )
      .bind(leadId, crypto.randomUUID(), now)
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

  it("is keyed per lead, WITHOUT ROWID, and keeps migration 0025's trigger and its one time index", async () => {
    const columns = await env.DB.prepare("SELECT name, type, pk FROM pragma_table_info('events') ORDER BY cid").all<{ name: string; type: string; pk: number }>();
    expect(columns.results.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)).toEqual(["lead_id", "id"]);
    // Only what a query reads; the two UUIDs as their 16 bytes.
    expect(columns.results.map((c) => `${c.name} ${c.type}`)).toEqual([
      "lead_id BLOB", "id BLOB", "type TEXT", "category TEXT", "ts INTEGER", "path TEXT", "props TEXT",
    ]);
    for (const table of ["events", "lead_activity"]) {
      const { sql } = (await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").bind(table).first<{ sql: string }>())!;
      expect(sql, table).toMatch(/\) WITHOUT ROWID$/);
    }

    // The trigger of 0010 (the aggregate), which 0025 recreated with the ledger's mark.
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0025_"))!;
    const created = migration.queries.find((q) => q.includes("CREATE TRIGGER"))!;
    const trigger = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").all<{ sql: string }>();
    expect(trigger.results.map((t) => normalized(t.sql))).toEqual([normalized(created.slice(created.indexOf("CREATE TRIGGER")))]);

    const indexes = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").all<{ name: string }>();
    expect(indexes.results.map((i) => i.name)).toEqual(["events_ts"]);
  });

  it("marks the event's lead for the ledger's review at the event's time, keeping a cause that outranks it", async () => {
    const leadId = crypto.randomUUID();
    const now = Date.now();
    await env.DB.prepare("INSERT INTO leads (id, traits, created_at, updated_at) VALUES (?, '{}', ?, ?)").bind(leadId, now, now).run();
    const insert = (ts: number) =>
      env.DB.prepare(`INSERT INTO events (lead_id, id, type, category, ts, path, props)
        VALUES (unhex(replace(?1, '-', '')), unhex(replace(?2, '-', '')), 'page_view', 'pricing', ?3, '/pricing', NULL)`)
        .bind(leadId, crypto.randomUUID(), ts).run();
    const row = () =>
      env.DB.prepare("SELECT review_at, pending_cause, pending_at, revision FROM lead_segments WHERE lead_id = ?").bind(leadId)
        .first<{ review_at: number; pending_cause: string; pending_at: number; revision: string }>();

    await insert(now - DAY);
    const first = (await row())!;
    expect(first).toMatchObject({ review_at: now - DAY, pending_cause: "event", pending_at: now - DAY });
    expect(first.revision).toMatch(/^[0-9a-f]{16}$/);
    // A later event: still due at the first, the first event's time kept, a new revision.
    await insert(now);
    const second = (await row())!;
    expect(second).toMatchObject({ review_at: now - DAY, pending_cause: "event", pending_at: now - DAY });
    expect(second.revision).not.toBe(first.revision);
    // A pending change without a time of its own (traits) outranks an event's.
    await env.DB.prepare("UPDATE lead_segments SET pending_cause = 'traits', pending_at = ?, review_at = ? WHERE lead_id = ?").bind(now, now, leadId).run();
    await insert(now + 1000);
    expect(await row()).toMatchObject({ review_at: now, pending_cause: "traits", pending_at: now });
  });

  it("writes the lead's id into lead_activity as the text leads.id has", async () => {
    const email = newEmail();
    await importEvents(email, views([Date.now() - DAY]));
    const { leadId } = await pricingActivity(email);
    const lead = await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(email).first<{ id: string }>();
    expect(leadId).toBe(lead!.id);
    expect(leadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
