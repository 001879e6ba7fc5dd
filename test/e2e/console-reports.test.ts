import { describe, expect, it } from "vitest";
import type { SegmentConversion, SegmentFlow } from "../../src/domain/report";
import { inspect, pageReady, scrollsSideways, SIZES, useConsole } from "./support/console";
import { admin, putLead, serverApi } from "./support/server";

/**
 * The console's Reports page in Chromium: the segment report from the ledger for a period chosen
 * from presets or between dates, as a table and a uPlot bar chart with its values as text, and
 * the Flows view (from→to changes of segment) as a table and a chart. Other files' leads are in
 * the same D1: the test compares the page with the API's figures and checks that its own
 * converted lead moved its segment's counts by one.
 */

const { signedIn } = useConsole();

const DAY = 86_400_000;
const textOf = async (locator: import("playwright-core").Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

type Row = SegmentConversion;
type Flow = SegmentFlow;
interface Report {
  leads: { seen: number; evaluated: number };
  segments: Row[];
}
const report = async (from: number, to: number): Promise<Report> =>
  (await admin("GET", `/v1/admin/reports/segments?from=${from}&to=${to}`)).json() as Promise<Report>;

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);
const TABLE = "Leads, changes and conversions, by segment (rate: converted ÷ leads)";
const FLOWS = "Segment changes, by from → to";
/** A segment row's figures as the table shows them, after its name. */
const figures = (row: Row) =>
  [row.leads, row.entered, row.exited, row.converted, percent(row.conversionRate).replace(".", "\\."), row.convertedFromFirstSegment].join(" ");

const flows = async (from: number, to: number, cause?: string): Promise<Flow[]> =>
  ((await (await admin("GET", `/v1/admin/reports/flows?from=${from}&to=${to}${cause ? `&cause=${cause}` : ""}`)).json()) as { flows: Flow[] }).flows;

/** A small company's new lead (it enters the ledger now) that views pricing and converts: counted in the segment it is in. */
async function convertedLead(): Promise<string> {
  const email = `report-${crypto.randomUUID().slice(0, 8)}@reports-e2e.example`;
  await putLead(email, { company: { employees: 20, industry: "retail" } });
  const now = Date.now();
  const events = [
    { type: "page_view", category: "pricing", ts: now },
    { type: "conversion", category: "pricing", ts: now + 1 },
  ].map((e) => ({ id: crypto.randomUUID(), ...e }));
  const res = await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/events`, { events });
  expect(res.status).toBe(202);
  return email;
}

/** The one segment whose leads and conversions each grew by one between two reports. */
function grown(before: Report, after: Report): Row {
  const rows = after.segments.filter((row) => {
    const old = before.segments.find((r) => r.id === row.id)!;
    return row.leads === old.leads + 1 && row.converted === old.converted + 1;
  });
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe("the console's Reports page", () => {
  it("shows the last 7 days' conversion by segment as a table and a chart, then a period between dates", async () => {
    const before = await report(Date.now() - 7 * DAY, Date.now());
    await convertedLead();
    // The ledger records the lead's segment after the response: wait until the report has it.
    await expect.poll(async () => (await report(Date.now() - 7 * DAY, Date.now())).leads.evaluated).toBeGreaterThan(before.leads.evaluated);
    const { page } = await signedIn("/segments");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Reports" }).click();
    await pageReady(page, "reports");
    await page.getByLabel("Period").selectOption("7");
    await pageReady(page, "reports");
    const after = await report(Date.now() - 7 * DAY, Date.now());
    const row = grown(before, after);

    const table = page.getByRole("region", { name: TABLE });
    await table.waitFor();
    const shown = textOf(table.getByRole("row", { name: new RegExp(`^${row.name}\\b`) }));
    expect(await shown).toMatch(new RegExp(`^${row.name}( .+)? ${figures(row)}$`));
    expect(await table.locator("tbody tr").count()).toBe(after.segments.length);
    expect(await textOf(page.locator("[data-period]"))).toContain(`${after.leads.evaluated} lead`);
    expect(await textOf(page.locator("[data-period]"))).toContain(`${after.leads.seen} seen`);

    const chart = page.getByRole("img", { name: "Conversion rate by segment" });
    expect(await chart.locator("canvas").count()).toBe(1);
    await page.getByText("The chart's values").click();
    const values = await page.getByRole("img", { name: "Conversion rate by segment" }).locator("xpath=..").locator(".chart-list li").allTextContents();
    expect(values).toContain(`${row.name}: ${percent(row.conversionRate)} (${row.converted} of ${row.leads})`);
    expect(values).toHaveLength(after.segments.filter((s) => s.leads > 0).length);

    // Flows: the lead's entry into the ledger is one of the period's from→to pairs, as the API counts them.
    const moved = await flows(Date.now() - 7 * DAY, Date.now());
    const entry = moved.find((f) => f.from === null && f.to === row.id)!;
    expect(entry.transitions).toBeGreaterThanOrEqual(1);
    const flowTable = page.getByRole("region", { name: FLOWS });
    await expect.poll(() => flowTable.locator("tbody tr").count()).toBe(moved.length);
    expect(await textOf(flowTable.getByRole("row", { name: new RegExp(`^New lead ${entry.toName} `) }))).toBe(`New lead ${entry.toName} ${entry.transitions} ${entry.leads}`);
    expect(await page.getByRole("img", { name: "Segment changes by from → to" }).locator("canvas").count()).toBe(1);
    await page.getByText("The flow chart's values").click();
    const flowValues = await page.getByRole("img", { name: "Segment changes by from → to" }).locator("xpath=..").locator(".chart-list li").allTextContents();
    expect(flowValues).toContain(`New lead → ${entry.toName}: ${entry.transitions} (${entry.leads} lead${entry.leads === 1 ? "" : "s"})`);
    // One cause: the table holds what the API counts for it.
    await page.getByLabel("Cause").selectOption("traits");
    const byTraits = await flows(Date.now() - 7 * DAY, Date.now(), "traits");
    await expect.poll(() => flowTable.locator("tbody tr").count()).toBe(Math.max(1, byTraits.length));
    await page.getByLabel("Cause").selectOption("");
    await expect.poll(() => flowTable.locator("tbody tr").count()).toBe(moved.length);
    await inspect(page, "reports");
    expect(await scrollsSideways(page)).toEqual([]);

    // Between dates: from 10 days ago to 5 days ago (local days, "to" inclusive) leaves the lead out.
    await page.setViewportSize(SIZES[0]);
    await page.getByLabel("Period").selectOption("dates");
    const day = (daysAgo: number) => {
      const d = new Date(Date.now() - daysAgo * DAY);
      return new Date(d.getFullYear(), d.getMonth(), d.getDate());
    };
    const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    await page.getByLabel("From").fill(iso(day(10)));
    await page.getByLabel("To (inclusive)").fill(iso(day(5)));
    await pageReady(page, "reports");
    const earlier = await report(day(10).getTime(), day(4).getTime());
    const earlierRow = earlier.segments.find((s) => s.id === row.id)!;
    await expect
      .poll(() => textOf(table.getByRole("row", { name: new RegExp(`^${row.name}\\b`) })))
      .toMatch(new RegExp(` ${figures(earlierRow)}$`));
    expect(await textOf(page.locator("[data-period]"))).toContain(`${earlier.leads.evaluated} lead`);

    // "To" before "From" is said at its field; no report is asked for.
    await page.getByLabel("To (inclusive)").fill(iso(day(12)));
    await page.getByText("Must not be before the From date.").waitFor();
    expect(await page.getByLabel("To (inclusive)").getAttribute("aria-invalid")).toBe("true");
    expect(await table.count()).toBe(0);
  });

  it("works with the keyboard alone: the period chooser, the table and the chart's values", async () => {
    const { page } = await signedIn("/reports");
    await pageReady(page, "reports");
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.getAttribute("aria-label") ?? ""}`.trim());
    await page.getByRole("heading", { level: 1, name: "Reports" }).focus();
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("SELECT");
    await page.keyboard.press("ArrowUp");
    expect(await page.getByLabel("Period").inputValue()).toBe("7");
    await pageReady(page, "reports");
    await page.getByRole("region", { name: TABLE }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focused()).toBe(`DIV ${TABLE}`);
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("SUMMARY");
    await page.keyboard.press("Enter");
    await page.locator(".chart-list").first().waitFor();
    expect(await page.locator(".chart-values").first().getAttribute("open")).toBe("");
    // On to the Flows view: its cause chooser, then its table.
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("SELECT");
    await page.keyboard.press("ArrowDown");
    expect(await page.getByLabel("Cause").inputValue()).toBe("event");
    await page.getByRole("region", { name: FLOWS }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focused()).toBe(`DIV ${FLOWS}`);
  });
});
