import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { countRows, getLead, verifyVisitor, jsonOf, newEmail, newVisitorId, personalize, putLead, sendEvents } from "../support/harness";

const BROWSER = { "user-agent": "Mozilla/5.0 Chrome/140.0" };

/** Two browsers of one person, each with its own anonymous history. */
async function twoBrowsers() {
  const first = newVisitorId();
  const second = newVisitorId();
  await personalize(first, "/pricing", {}, BROWSER);
  await personalize(first, "/pricing", {}, BROWSER);
  await personalize(second, "/pricing", {}, BROWSER);
  await sendEvents(second, [{ id: crypto.randomUUID(), type: "cta_click", url: "/" }]);
  return { first, second };
}

/** A lead's aggregate row for one key, straight from D1. */
async function activityOf(email: string, key: string) {
  const row = await env.DB.prepare("SELECT total, recent FROM lead_activity WHERE key = ? AND lead_id = (SELECT id FROM leads WHERE email = ?)")
    .bind(key, email)
    .first<{ total: number; recent: string }>();
  return row && { total: row.total, recent: JSON.parse(row.recent) as number[] };
}

async function stateOf(email: string) {
  const lead = await getLead(email);
  return { signals: lead.signals, traits: lead.traits, segment: lead.segment.id, engagement: lead.engagement.level };
}

describe("identify and merge", () => {
  it("merging gives the same lead whichever order the identifies arrive in", async () => {
    const states = [];
    for (const order of [["first", "second"], ["second", "first"]] as const) {
      const email = newEmail();
      const browsers = await twoBrowsers();
      await verifyVisitor(browsers[order[0]], email);
      await putLead(email, { company: { employees: 50 } });
      await verifyVisitor(browsers[order[1]], email);
      states.push(await stateOf(email));
    }
    expect(states[0]).toEqual(states[1]);
    expect(states[0]).toMatchObject({ signals: { pricing_views_7d: 3, cta_clicks_30d: 1 }, segment: "smb-qualified", traits: { company: { employees: 50 } } });
  });

  it("moves events, aggregates and visitors to the survivor, counting nothing twice", async () => {
    const email = newEmail();
    const { first, second } = await twoBrowsers();
    await verifyVisitor(first, email);
    await verifyVisitor(second, email);
    await verifyVisitor(second, email); // repeated: a no-op
    const leadIds = await Promise.all([first, second].map(async (v) => (await countRows("visitors", "id = ? AND lead_id = (SELECT id FROM leads WHERE email = ?)", v, email))));
    expect(leadIds).toEqual([1, 1]);
    expect(await countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email)).toBe(4);
    expect(await countRows("lead_activity", "lead_id = (SELECT id FROM leads WHERE email = ?) AND key = 'page_view:pricing' AND total = 3", email)).toBe(1);
    expect(await countRows("lead_activity", "lead_id NOT IN (SELECT id FROM leads)")).toBe(0);
    expect(await countRows("leads", "merged_into IS NOT NULL")).toBe(0);
  });

  it("an event id both browsers recorded (one retry through two browsers) is one event after the merge", async () => {
    const email = newEmail();
    const [first, second] = [newVisitorId(), newVisitorId()];
    const now = Date.now();
    const [t0, t1] = [now - 2 * 3_600_000, now - 3_600_000];
    const shared = crypto.randomUUID();
    const click = (id: string, ts: number) => ({ id, type: "cta_click", url: "/pricing", ts });
    expect(await jsonOf(await sendEvents(first, [click(shared, t0)]))).toMatchObject({ accepted: 1 });
    // The second browser's copy carries another time, and another click at that same time.
    expect(await jsonOf(await sendEvents(second, [click(shared, t1), click(crypto.randomUUID(), t1)]))).toMatchObject({ accepted: 2 });
    await verifyVisitor(first, email);
    await verifyVisitor(second, email);

    // The survivor's copy stays; the merged lead's copy is neither stored nor counted.
    expect(await countRows("events", "id = ?", shared)).toBe(1);
    expect(await countRows("events", "id = ? AND ts = ?", shared, t0)).toBe(1);
    expect(await countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email)).toBe(2);
    expect(await activityOf(email, "cta_click:pricing")).toEqual({ total: 2, recent: [t1, t0] });
    expect((await getLead(email)).signals).toMatchObject({ cta_clicks_30d: 2 });
    expect(await countRows("lead_activity", "lead_id NOT IN (SELECT id FROM leads)")).toBe(0);
  });

  it("concurrent identifies of two browsers to one new email end in one lead with everything", async () => {
    const email = newEmail();
    const { first, second } = await twoBrowsers();
    await Promise.all([verifyVisitor(first, email), verifyVisitor(second, email)]);
    expect(await countRows("leads", "email = ?", email)).toBe(1);
    expect((await getLead(email)).signals.pricing_views_7d).toBe(3);
  });

  it("never merges two known leads: a browser switching people just moves, both records stay intact", async () => {
    const first = newEmail();
    const second = newEmail();
    const visitor = newVisitorId();
    await putLead(first, { company: { employees: 300 }, person: { seniority: "Director" } });
    await putLead(second, { company: { employees: 1200 } });
    await verifyVisitor(visitor, first);
    await personalize(visitor, "/pricing", {}, BROWSER);
    await verifyVisitor(visitor, second);
    await personalize(visitor, "/docs", {}, BROWSER);
    const [a, b] = [await getLead(first), await getLead(second)];
    expect(a.traits).toEqual({ company: { employees: 300 }, person: { seniority: "director" } });
    expect(a.signals).toMatchObject({ pricing_views_7d: 1, page_views_30d: 1 });
    expect(b.traits).toEqual({ company: { employees: 1200 } });
    expect(b.signals).toMatchObject({ pricing_views_7d: 0, page_views_30d: 1 });
    // Switching back is the same kind of move: still two intact leads.
    await verifyVisitor(visitor, first);
    expect((await getLead(second)).traits).toEqual({ company: { employees: 1200 } });
    expect(await countRows("leads", "email IN (?, ?)", first, second)).toBe(2);
  });

  it("someone typing a known lead's email into a public form cannot move that lead's data", async () => {
    const victim = newEmail();
    const attacker = newEmail();
    const victimBrowser = newVisitorId();
    await putLead(victim, { company: { employees: 5000, industry: "banking" } });
    await verifyVisitor(victimBrowser, victim);
    const stranger = newVisitorId();
    await verifyVisitor(stranger, victim);
    await verifyVisitor(stranger, attacker);
    expect((await getLead(victim)).traits).toEqual({ company: { employees: 5000, industry: "banking" } });
    expect((await getLead(attacker)).traits).toEqual({});
    expect(await countRows("visitors", "id = ? AND lead_id = (SELECT id FROM leads WHERE email = ?)", victimBrowser, victim)).toBe(1);
  });

  it("trims and lower-cases the email", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await verifyVisitor(visitor, `  ${email.toUpperCase()} `);
    expect(await countRows("leads", "email = ?", email)).toBe(1);
  });
});
