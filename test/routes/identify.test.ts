import { describe, expect, it } from "vitest";
import { countRows, getLead, identify, newEmail, newVisitorId, personalize, putLead, sendEvents } from "../support/harness";

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
      await identify(browsers[order[0]], email);
      await putLead(email, { company: { employees: 50 } });
      await identify(browsers[order[1]], email);
      states.push(await stateOf(email));
    }
    expect(states[0]).toEqual(states[1]);
    expect(states[0]).toMatchObject({ signals: { pricing_views_7d: 3, cta_clicks_30d: 1 }, segment: "smb-qualified", traits: { company: { employees: 50 } } });
  });

  it("moves events, aggregates and visitors to the survivor, counting nothing twice", async () => {
    const email = newEmail();
    const { first, second } = await twoBrowsers();
    await identify(first, email);
    await identify(second, email);
    await identify(second, email); // repeated: a no-op
    const leadIds = await Promise.all([first, second].map(async (v) => (await countRows("visitors", "id = ? AND lead_id = (SELECT id FROM leads WHERE email = ?)", v, email))));
    expect(leadIds).toEqual([1, 1]);
    expect(await countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email)).toBe(4);
    expect(await countRows("lead_activity", "lead_id = (SELECT id FROM leads WHERE email = ?) AND key = 'page_view:pricing' AND total = 3", email)).toBe(1);
    expect(await countRows("lead_activity", "lead_id NOT IN (SELECT id FROM leads)")).toBe(0);
  });

  it("concurrent identifies of two browsers to one new email end in one lead with everything", async () => {
    const email = newEmail();
    const { first, second } = await twoBrowsers();
    await Promise.all([identify(first, email), identify(second, email)]);
    expect(await countRows("leads", "email = ?", email)).toBe(1);
    expect((await getLead(email)).signals.pricing_views_7d).toBe(3);
  });

  it("re-identifying as another email merges the old lead into the new one; the old email still finds it", async () => {
    const oldEmail = newEmail();
    const newer = newEmail();
    const visitor = newVisitorId();
    await putLead(oldEmail, { company: { employees: 300 }, person: { seniority: "Director" } });
    await putLead(newer, { company: { employees: 1200 } });
    await identify(visitor, oldEmail);
    await personalize(visitor, "/pricing", {}, BROWSER);
    await identify(visitor, newer);
    const lead = await getLead(newer);
    expect(lead.traits).toEqual({ company: { employees: 1200 }, person: { seniority: "director" } });
    expect(lead.signals.pricing_views_7d).toBe(1);
    expect((await getLead(oldEmail)).signals).toEqual(lead.signals);
  });

  it("trims and lower-cases the email", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await identify(visitor, `  ${email.toUpperCase()} `);
    expect(await countRows("leads", "email = ?", email)).toBe(1);
  });
});
