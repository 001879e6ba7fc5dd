import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { applied, eventually, newVisitor, useChromium } from "./support/browser";
import { getLead, serverApi } from "./support/server";
import { SERVER_KEY } from "./support/worker";

const chromium = useChromium();

/** Accounts and claimed traits as the script delivers them (README "Accounts", "Form fields as traits"). */
describe("accounts and form fields in Chromium", () => {
  it("gives a lead at a CSV-uploaded healthcare account's domain the enterprise healthcare hero on the demo page", async () => {
    const domain = `acct-${crypto.randomUUID().slice(0, 8)}.example`;
    const upload = await fetch(`${inject("workerUrl")}/v1/accounts:batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${SERVER_KEY}`, "content-type": "text/csv" },
      body: `domain,name,employees,industry,tier\n${domain},Acme Health,5000,healthcare,1\n`,
    });
    expect(upload.status).toBe(200);
    const { context, page, errors } = await newVisitor(chromium());
    await page.goto("/demo");
    await applied(page);
    const visitorId = await page.evaluate(() => localStorage.getItem("lf_vid"));
    const email = `pat-${crypto.randomUUID().slice(0, 8)}@${domain}`;
    expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/visitors`, { visitorId })).status).toBe(200);
    await page.goto("/demo");
    await page.waitForFunction(() => document.getElementById("lf-segment")?.textContent?.startsWith("Enterprise"));
    const hero = await page.locator('[data-lf-slot="hero"]').textContent();
    const expected = (await (await serverApi("GET", `/v1/email/content?email=${encodeURIComponent(email)}&slots=hero`)).json()) as any;
    expect(expected.slots.hero.layer).toBe("vertical-healthcare");
    expect(hero).toBe(expected.slots.hero.text);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("claims the company size the contact form states, which moves the segment; the server's trusted size overrides it", async () => {
    const { context, page, errors } = await newVisitor(chromium());
    // Three pricing views this week: highly engaged, of unknown size.
    for (let i = 0; i < 3; i++) {
      await page.goto("/demo/pricing");
      await applied(page);
    }
    await page.goto("/demo/contact");
    await page.waitForFunction(() => document.getElementById("lf-segment")?.textContent === "Engaged, size unknown");
    const email = `e2e-${crypto.randomUUID()}@test.example`;
    await page.fill('input[name="email"]', email);
    await page.selectOption('select[name="company_size"]', "200-999");
    const sent = page.waitForRequest((r) => r.url().endsWith("/v1/events") && (r.postData() ?? "").includes("form_submit"));
    await page.click('button[type="submit"]');
    const body = JSON.parse((await sent).postData()!);
    // The mapped field only: never the email or the company typed into the same form.
    expect(body.events[0].fields).toEqual({ company_size: "200-999" });
    const visitorId = body.visitorId as string;
    expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/visitors`, { visitorId })).status).toBe(200);
    const claimed = await eventually(async () => {
      const lead = await getLead(email);
      return (lead as any)?.claimedTraits?.company?.employees === 200 ? (lead as any) : undefined;
    }, "the claimed company size");
    expect(claimed.segment.path).toContain("mid-market");
    expect(claimed.explanation.scores.sources["company.employees"]).toBe("claimed");
    expect((await serverApi("PUT", `/v1/leads/${encodeURIComponent(email)}`, { company: { employees: 5000 } })).status).toBe(200);
    const trusted = (await getLead(email)) as any;
    expect(trusted.segment.path).toContain("enterprise");
    expect(trusted.explanation.scores.sources["company.employees"]).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });
});
