import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { workerUrl } from "./support/browser";
import { inspect, pageReady, scrollsSideways, useConsole } from "./support/console";
import { admin, putLead, serverApi } from "./support/server";
import { ADMIN_TOKEN } from "./support/worker";

/**
 * The console's Leads page in Chromium: search by the start of an email, a lead's segment
 * and why, scores, the engagement timeline (a uPlot canvas and its values as a table),
 * traits, signals and events; Export downloads its JSON; Erase after typing the email.
 */

const { signedIn } = useConsole();

const DAY = 86_400_000;
const textOf = async (locator: import("playwright-core").Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

/** A lead of its own: an enterprise director whose recent pricing views make it hot. */
async function hotLead(prefix: string): Promise<string> {
  const email = `${prefix}-${crypto.randomUUID().slice(0, 8)}@leads-e2e.example`;
  await putLead(email, { company: { employees: 1500, industry: "software" }, person: { seniority: "director" } });
  const now = Date.now();
  const events = [
    { type: "page_view", category: "pricing", ts: now - 1 * DAY },
    { type: "page_view", category: "pricing", ts: now - 2 * DAY },
    { type: "page_view", category: "pricing", ts: now - 3 * DAY },
    { type: "page_view", category: "docs", ts: now - 12 * DAY },
    { type: "cta_click", category: "pricing", ts: now - 2 * DAY },
  ].map((e) => ({ id: crypto.randomUUID(), ...e }));
  const res = await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/events`, { events });
  expect(res.status).toBe(202);
  return email;
}

interface AdminLead {
  engagement: { score: number; level: string };
  score: number;
  segment: { id: string; name: string };
  timeline: { engagement: number }[];
}
/** The admin API's answer for the lead, whatever its status (`admin` throws from 300 up). */
const adminGet = (email: string) => fetch(`${workerUrl()}/v1/admin/leads/${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
const adminLead = async (email: string) => (await admin("GET", `/v1/admin/leads/${encodeURIComponent(email)}`)).json() as Promise<AdminLead>;

describe("the console's Leads page", () => {
  it("finds a lead as you type and shows its segment and why, scores, timeline chart, traits, signals and events", async () => {
    const prefix = `find-${crypto.randomUUID().slice(0, 6)}`;
    const email = await hotLead(prefix);
    const other = await hotLead(prefix);
    const expected = await adminLead(email);
    expect(expected.segment.id).toBe("enterprise-hot");

    const { page } = await signedIn("/segments");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Leads" }).click();
    await pageReady(page, "leads");
    await page.getByRole("searchbox", { name: "Email starts with" }).fill(prefix.toUpperCase());
    const results = page.getByRole("region", { name: `Leads whose email starts with “${prefix}”` });
    await results.waitFor();
    expect((await results.getByRole("link").allTextContents()).sort()).toEqual([email, other].sort());
    expect(await textOf(page.locator(".result-count"))).toBe(`2 leads whose email starts with “${prefix}”.`);
    expect(page.url()).toBe(`${workerUrl()}/admin/leads?q=${prefix}`);
    await inspect(page, "leads");
    expect(await scrollsSideways(page)).toEqual([]);

    await results.getByRole("link", { name: email }).click();
    await page.getByRole("heading", { level: 2, name: email }).waitFor();
    await pageReady(page, "leads");
    expect(page.url()).toBe(`${workerUrl()}/admin/leads/${encodeURIComponent(email)}/`);

    const facts = page.locator('[data-facts="segment"]');
    expect(await textOf(facts.locator("[data-segment]"))).toBe("Enterprise Hot (in Enterprise)");
    expect(await textOf(facts)).toContain(`Lead score ${expected.score} = 1 × fit 60 + 1 × engagement ${expected.engagement.score}`);
    expect(await textOf(facts)).toContain(`Engagement ${expected.engagement.score} (high)`);
    expect(await textOf(page.locator("[data-trace]"))).toBe("Enterprise Hot: matched, so this is the lead's segment.");

    // The timeline: uPlot's canvas with a name, a summary and all 61 values as a table.
    const chart = page.getByRole("img", { name: "Engagement score over the last 30 and the next 30 days" });
    expect(await chart.locator("canvas").count()).toBe(1);
    expect(await chart.locator("canvas").evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(0);
    expect(await textOf(page.locator(".chart-summary"))).toContain(`Engagement score ${expected.engagement.score} (high) today`);
    await page.getByText("The engagement score day by day").click();
    const values = page.getByRole("region", { name: /^Engagement score day by day/ });
    expect(await values.locator("tbody tr").count()).toBe(61);
    expect(await textOf(values.locator("tbody tr").nth(30))).toContain(`(today) ${expected.engagement.score} high ${expected.score} Enterprise Hot`);
    expect(await textOf(values.locator("tbody tr").nth(60))).toContain(`(projected) ${expected.timeline[60]!.engagement}`);

    const components = page.getByRole("region", { name: "Engagement components, with decay" });
    expect(await textOf(components.getByRole("row", { name: /^page_view \(pricing\)/ }))).toMatch(/^page_view \(pricing\) 10 3 30 \d/);
    expect(await textOf(page.getByRole("region", { name: "Fit 60: the rules met" }).getByRole("row", { name: /^1000\+ employees/ }))).toBe(
      "1000+ employees 40 yes",
    );
    expect(await textOf(page.getByRole("region", { name: "Traits", exact: true }))).toContain(
      "employees 1500 trusted (your server) industry software trusted (your server) seniority director trusted (your server)",
    );
    expect(await textOf(page.getByRole("region", { name: "Signals", exact: true }).getByRole("row", { name: /^pricing_views_7d/ }))).toBe("pricing_views_7d 3");
    const events = page.getByRole("region", { name: "The newest 5 events" });
    expect(await events.locator("tbody tr").count()).toBe(5);
    expect(await textOf(events.locator("tbody tr").last())).toMatch(/page_view docs$/);
    await inspect(page, "lead");
    expect(await scrollsSideways(page)).toEqual([]);

    // Back returns to the same results.
    await page.goBack();
    await results.waitFor();
    expect(await page.getByRole("searchbox", { name: "Email starts with" }).inputValue()).toBe(prefix);
  });

  it("pages through many matches with “Show more leads”", async () => {
    const prefix = `many-${crypto.randomUUID().slice(0, 6)}`;
    const emails = await Promise.all(
      Array.from({ length: 23 }, async (_, i) => {
        const email = `${prefix}-${String(i).padStart(2, "0")}@leads-e2e.example`;
        await putLead(email, { company: { employees: 10 } });
        return email;
      }),
    );
    const { page } = await signedIn("/leads");
    await pageReady(page, "leads");
    await page.getByRole("searchbox", { name: "Email starts with" }).fill(prefix);
    await page.keyboard.press("Enter");
    const results = page.getByRole("region", { name: `Leads whose email starts with “${prefix}”` });
    await results.waitFor();
    expect(await results.getByRole("link").count()).toBe(20);
    expect(await textOf(page.locator(".result-count"))).toBe(`20+ leads whose email starts with “${prefix}”.`);
    await page.getByRole("button", { name: "Show more leads" }).click();
    await expect.poll(() => results.getByRole("link").count()).toBe(23);
    expect(await results.getByRole("link").allTextContents()).toEqual(emails.sort());
    expect(await page.getByRole("button", { name: "Show more leads" }).count()).toBe(0);
  });

  it("says where each trait comes from: the trusted traits, the lead's account, a form's claim (and a claim the account overrides)", async () => {
    const domain = `acct-${crypto.randomUUID().slice(0, 8)}.example`;
    expect((await serverApi("PUT", `/v1/accounts/${domain}`, { name: "Acme Health", employees: 5000, industry: "healthcare", tier: 1 })).status).toBe(200);
    // A browser's form states a size and a role; then the site's server verifies it as a contact of the account.
    const visitorId = crypto.randomUUID();
    const form = { id: crypto.randomUUID(), type: "form_submit", url: `${workerUrl()}/demo/contact`, fields: { company_size: "200-999" } };
    const sent = await fetch(`${workerUrl()}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36" },
      body: JSON.stringify({ visitorId, events: [form] }),
    });
    expect(sent.status).toBe(202);
    const email = `kim-${crypto.randomUUID().slice(0, 8)}@${domain}`;
    expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/visitors`, { visitorId })).status).toBe(200);
    await putLead(email, { person: { role: "cfo" } });

    const { page } = await signedIn(`/leads/${encodeURIComponent(email)}/`);
    await page.getByRole("heading", { level: 2, name: email }).waitFor();
    const traits = await textOf(page.getByRole("region", { name: "Traits", exact: true }));
    expect(traits).toContain("employees 5000 its account");
    expect(traits).toContain("industry healthcare its account");
    expect(traits).toContain("role cfo trusted (your server)");
    expect(traits).toContain("employees 200 claimed in a form, not used: the trusted traits or the account have it");
    const account = await textOf(page.getByRole("region", { name: `Account: Acme Health ${domain}` }));
    expect(account).toContain("Linked by its email's domain");
    expect(account).toContain("ABM tier 1");
    await inspect(page, "lead-trait-sources");
  });

  it("Export downloads the lead's JSON; Erase asks for the email, then the lead is gone (404) and the page says so", async () => {
    const email = await hotLead("erase");
    const { page } = await signedIn(`/leads/${encodeURIComponent(email)}/`);
    await page.getByRole("heading", { level: 2, name: email }).waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export (JSON)" }).click()]);
    expect(download.suggestedFilename()).toBe(`lead-${email}.json`);
    expect(download.url()).toMatch(/^blob:/);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as { lead: { email: string }; events: unknown[]; next: null };
    expect(exported.lead.email).toBe(email);
    expect(exported.events).toHaveLength(5);
    expect(exported.next).toBeNull();

    // A wrong email is refused at its field; nothing is erased.
    await page.getByRole("button", { name: "Erase…" }).click();
    const dialog = page.getByRole("dialog", { name: `Erase ${email}?` });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    const field = dialog.getByLabel("Type the lead's email to confirm");
    await field.fill("someone-else@example.com");
    await dialog.getByRole("button", { name: "Erase this lead" }).click();
    await dialog.getByText(`Type ${email} exactly to erase this lead.`).waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    await inspect(page, "lead-erase");
    expect((await adminGet(email)).status).toBe(200);

    await field.fill(email.toUpperCase());
    await dialog.getByRole("button", { name: "Erase this lead" }).click();
    await page.locator("[data-erased]").waitFor();
    expect(await textOf(page.locator("[data-erased]"))).toContain(`${email} is erased`);
    expect((await adminGet(email)).status).toBe(404);

    await page.reload();
    await page.getByText("There is no such lead: no lead has the email").waitFor();
    expect(await textOf(page.locator("main .notice"))).toContain(email);
  });

  it("works with the keyboard alone: search, open a lead, export it, and erase it through the dialog", async () => {
    const email = await hotLead("keys");
    const { page } = await signedIn("/leads");
    await pageReady(page, "leads");
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim()}`);
    await page.getByRole("heading", { level: 1, name: "Leads" }).focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe("search");
    await page.keyboard.type(email.slice(0, 14));
    await page.keyboard.press("Enter");
    const link = page.getByRole("link", { name: email });
    await link.waitFor();
    // Search button, the results' scrolling region, then the first lead's link.
    for (let i = 0; i < 5 && (await focused()) !== `A ${email}`; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe(`A ${email}`);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 2, name: email }).waitFor();
    expect(await focused()).toBe("H1 Leads");

    for (let i = 0; i < 4 && (await focused()) !== "BUTTON Export (JSON)"; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("BUTTON Export (JSON)");
    const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
    expect(download.suggestedFilename()).toBe(`lead-${email}.json`);

    await page.keyboard.press("Tab");
    expect(await focused()).toBe("BUTTON Erase…");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: `Erase ${email}?` }).waitFor();
    expect(await focused()).toBe("BUTTON Cancel");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("BUTTON Erase this lead");
    await page.keyboard.press("Enter");
    await page.locator("[data-erased]").waitFor();
    expect((await adminGet(email)).status).toBe(404);
  });
});
