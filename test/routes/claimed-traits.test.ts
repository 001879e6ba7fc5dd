import { describe, expect, it } from "vitest";
import { BROWSER_UA } from "../support/email";
import { getLead, jsonOf, newEmail, newVisitorId, personalize, putLead, sendEvents, verifyVisitor } from "../support/harness";

const BROWSER = { "user-agent": BROWSER_UA };
const formSubmit = (fields: Record<string, string>) => ({ id: crypto.randomUUID(), type: "form_submit", url: "https://site.test/demo/contact", fields });

/** Form fields as claimed traits (the default configuration maps company_size → company.employees). */
describe("claimed traits", () => {
  it("an engaged visitor of unknown size is unknown-engaged, and the form's company size moves it; a trusted trait overrides the claim", async () => {
    const visitor = newVisitorId();
    for (let i = 0; i < 3; i++) await personalize(visitor, "/pricing", {}, BROWSER);
    const engaged = await personalize(visitor, "/demo/contact", {}, BROWSER);
    expect(engaged.segment.id).toBe("unknown-engaged");
    expect(engaged.slots["primary-cta"]).toMatchObject({ label: "Tell us about your team" });
    expect((engaged as unknown as { fields: string[] }).fields).toEqual(["company_size"]);

    const sent = await sendEvents(visitor, [formSubmit({ company_size: "200-999", email: "not-stored@example.com" })], BROWSER);
    expect(sent.status).toBe(202);
    expect((await personalize(visitor, "/blog", {}, BROWSER)).segment.path).toContain("mid-market");

    const email = newEmail();
    await verifyVisitor(visitor, email);
    const claimed = await getLead(email);
    expect(claimed.traits).toEqual({});
    expect(claimed.claimedTraits).toEqual({ company: { employees: 200 } });
    expect(claimed.explanation.scores.sources).toEqual({ "company.employees": "claimed" });
    expect(JSON.stringify(claimed)).not.toContain("not-stored@example.com");

    await putLead(email, { company: { employees: 5000 } });
    const trusted = await getLead(email);
    expect(trusted.segment.path).toContain("enterprise");
    expect(trusted.explanation.scores.sources).toEqual({});
    // A later claim changes nothing the server said.
    await sendEvents(visitor, [formSubmit({ company_size: "1-49" })], BROWSER);
    expect((await getLead(email)).segment.path).toContain("enterprise");
  });

  it("ignores fields the configuration does not map and values that are not a size, and refuses oversized fields", async () => {
    const visitor = newVisitorId();
    const sent = await sendEvents(visitor, [formSubmit({ company_size: "lots", job: "cfo" })], BROWSER);
    expect(sent.status).toBe(202);
    const email = newEmail();
    await verifyVisitor(visitor, email);
    expect((await getLead(email)).claimedTraits).toEqual({});
    const tooLong = await sendEvents(visitor, [formSubmit({ company_size: "9".repeat(300) })], BROWSER);
    expect(tooLong.status).toBe(422);
    expect((await jsonOf(tooLong)).error.details[0].path).toBe("events[0].fields.company_size");
  });
});
