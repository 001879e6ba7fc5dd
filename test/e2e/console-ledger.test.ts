import { describe, expect, it } from "vitest";
import { inspect, pageReady, scrollsSideways, useConsole } from "./support/console";
import { admin, putLead, serverApi } from "./support/server";

/**
 * The segment ledger in the console: the Segments page's current sizes and 7-day entries and
 * exits (GET /v1/admin/segments), and a lead's recorded segment history with its next review
 * and "Show more changes" (GET /v1/admin/leads/{email} and …/segments).
 */

const { signedIn } = useConsole();

const textOf = async (locator: import("playwright-core").Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();
const SMB = { company: { employees: 50, industry: "saas" }, person: { seniority: "director" } };
const ENTERPRISE = { company: { employees: 5000 } };

interface Sizes {
  segments: { id: string; leads: number; entered: number; exited: number }[];
}
const sizes = async () => ((await (await admin("GET", "/v1/admin/segments")).json()) as Sizes).segments;

/** A lead whose traits flip between SMB and enterprise `flips` times: one recorded change (cause traits) each. */
async function flippingLead(flips: number): Promise<string> {
  const email = `ledger-${crypto.randomUUID().slice(0, 8)}@ledger-e2e.example`;
  await putLead(email, SMB);
  for (let i = 0; i < flips; i++) await putLead(email, i % 2 === 0 ? ENTERPRISE : { company: { employees: 50 } });
  return email;
}

async function historyOf(email: string): Promise<{ history: unknown[] }> {
  const path = `/v1/admin/leads/${encodeURIComponent(email)}/segments?limit=200`;
  return (await admin("GET", path)).json() as Promise<{ history: unknown[] }>;
}

describe("the console and the segment ledger", () => {
  it("the Segments page shows each segment's members now and its entries and exits in the last 7 days", async () => {
    await flippingLead(1);
    // The page and the API read the same ledger; nothing else in this file changes it between the two reads.
    const { page } = await signedIn("/segments");
    await pageReady(page, "segments");
    const expected = await sizes();
    const table = page.getByRole("region", { name: "Segment sizes and 7-day entries and exits" });
    await table.waitFor();
    expect(await table.locator("tbody tr").count()).toBe(expected.length);
    const cold = expected.find((s) => s.id === "enterprise-cold")!;
    expect(cold.leads).toBeGreaterThanOrEqual(1);
    expect(await textOf(table.getByRole("row", { name: /^Enterprise Cold/ }))).toBe(
      `Enterprise Cold enterprise-cold ${cold.leads.toLocaleString("en-US")} ${cold.entered.toLocaleString("en-US")} ${cold.exited.toLocaleString("en-US")}`,
    );
    await inspect(page, "segments-sizes");
    expect(await scrollsSideways(page)).toEqual([]);
  });

  it("the lead shows its recorded segment, next review and history newest first, paged with “Show more changes”", async () => {
    const email = await flippingLead(11); // 12 changes: a first page of 10, then 2 more
    expect((await historyOf(email)).history).toHaveLength(12);
    const { page } = await signedIn(`/leads/${encodeURIComponent(email)}/`);
    await page.getByRole("heading", { level: 2, name: email }).waitFor();
    await pageReady(page, "leads");

    const facts = page.locator('[data-facts="ledger"]');
    expect(await textOf(facts.locator("[data-recorded]"))).toMatch(/^Enterprise Cold since .+ \(configuration version \d+\)$/);
    // No activity that ages, no score to decay: nothing changes with time alone.
    expect(await textOf(facts.locator("[data-review-at]"))).toBe("none scheduled");

    const changes = page.getByRole("region", { name: "Segment changes, newest first" });
    expect(await changes.locator("tbody tr").count()).toBe(10);
    expect(await textOf(changes.locator("tbody tr").first())).toMatch(/SMB Nurture Enterprise Cold a traits change \d+$/);
    await inspect(page, "lead-ledger");
    expect(await scrollsSideways(page)).toEqual([]);

    await page.getByRole("button", { name: "Show more changes" }).click();
    await expect.poll(() => changes.locator("tbody tr").count()).toBe(12);
    expect(await textOf(changes.locator("tbody tr").last())).toMatch(/none \(first record\) SMB Nurture a traits change \d+$/);
    expect(await page.getByRole("button", { name: "Show more changes" }).count()).toBe(0);
  });

  it("shows a scheduled review, and works by keyboard alone", async () => {
    const email = await flippingLead(0);
    // Three pricing views on record: the lead is smb-qualified until the first of them is 7 days old.
    const now = Date.now();
    const events = [1, 2, 3].map((h) => ({ id: crypto.randomUUID(), type: "page_view", url: "/pricing", ts: now - h * 3_600_000 }));
    expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/events`, { events })).status).toBe(202);

    const { page } = await signedIn("/leads");
    await pageReady(page, "leads");
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`);
    await page.getByRole("heading", { level: 1, name: "Leads" }).focus();
    await page.keyboard.press("Tab");
    await page.keyboard.type(email);
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: email }).waitFor();
    for (let i = 0; i < 5 && (await focused()) !== `A ${email}`; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe(`A ${email}`);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 2, name: email }).waitFor();

    const review = page.locator('[data-facts="ledger"] [data-review-at]');
    const at = await review.getAttribute("data-review-at");
    expect(Date.parse(at!)).toBe(now - 3 * 3_600_000 + 7 * 86_400_000);
    expect(await textOf(review)).toMatch(/^next review: .+/);
    expect(await textOf(page.locator('[data-facts="ledger"] [data-recorded]'))).toMatch(/^SMB Qualified since/);
  });
});
