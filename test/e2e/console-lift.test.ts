import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { HealthReport, LiftReport, LiftSegment, SegmentHealth } from "../../console/src/api-lift";
import { inspect, openPage, pageReady, scrollsSideways, SIZES, useConsole } from "./support/console";
import { admin, putLead, serverApi, withConfig } from "./support/server";

/**
 * The console's Lift page in Chromium, on a holdout activated through the admin API: leads put
 * in through the server API, each arm read from the lead's export, some of the personalized
 * ones converting (a real positive verdict, from 100 leads in each arm); and a split broken on
 * purpose, by erasing held-out leads, for the sample-ratio warning. Other files' leads are in
 * the same D1: the page is compared with the report it was answered, and that report with the
 * leads this file put in. Then the Segments page's health flags (GET /v1/admin/reports/health).
 */

const { signedIn } = useConsole();

const textOf = async (locator: import("playwright-core").Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

const HOLDOUT = { segments: { "enterprise-cold": 0.5, "mid-market-cold": 0.5 }, conversionWindowDays: 14 };
const ENTERPRISE = { company: { employees: 5000 } };
const MID_MARKET = { company: { employees: 500 } };

// The page's formats (console/src/ui/format.ts), written again: the test states what a reader sees.
const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);
const signed = (n: number) => {
  const r = Math.round(n * 10) / 10;
  return r === 0 ? "0.0" : `${r > 0 ? "+" : "−"}${Math.abs(r).toFixed(1)}`;
};
const points = (d: number) => `${signed(d * 100)} pp`;
const relative = (l: number) => `${signed(l * 100)}%`;
const pValue = (p: number) => (p < 0.001 ? "< 0.001" : p.toFixed(3));

/** Resolves once the newest activation's re-evaluation of every lead has finished. */
async function reevaluated(): Promise<void> {
  const active = ((await (await admin("GET", "/v1/admin/config")).json()) as { version: number }).version;
  await expect
    .poll(async () => {
      const job = (await (await admin("GET", "/v1/admin/ledger/reevaluation")).json()) as { configVersion: number; finishedAt: string | null };
      return job.configVersion === active && job.finishedAt !== null;
    }, { timeout: 30_000, interval: 500 })
    .toBe(true);
}

interface Entered {
  email: string;
  arm: "control" | "treatment";
}

/** A new lead with `traits`, and the arm the ledger assigned it in `segment` (read from its export once recorded). */
async function enter(traits: unknown, segment: string): Promise<Entered> {
  const email = `lift-${crypto.randomUUID().slice(0, 12)}@lift-e2e.example`;
  await putLead(email, traits);
  let arm: Entered["arm"] | undefined;
  await expect
    .poll(async () => {
      const res = await serverApi("GET", `/v1/leads/${encodeURIComponent(email)}/export`);
      const holdouts = res.status === 200 ? ((await res.json()) as { holdouts: { segment: string; arm: Entered["arm"] }[] }).holdouts : [];
      arm = holdouts.find((h) => h.segment === segment)?.arm;
      return arm;
    }, { timeout: 15_000, interval: 100 })
    .toBeDefined();
  return { email, arm: arm! };
}

/** `count` leads entering `segment`, five at a time. */
async function enterMany(count: number, traits: unknown, segment: string): Promise<Entered[]> {
  const all: Entered[] = [];
  while (all.length < count) all.push(...(await Promise.all(Array.from({ length: Math.min(5, count - all.length) }, () => enter(traits, segment)))));
  return all;
}

async function convert(email: string): Promise<void> {
  const events = [{ id: crypto.randomUUID(), type: "conversion", category: "pricing", ts: Date.now() }];
  expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/events`, { events })).status).toBe(202);
}

const liftRow = async (segment: string): Promise<LiftSegment> =>
  ((await (await admin("GET", "/v1/admin/reports/lift")).json()) as LiftReport).segments.find((s) => s.segment === segment)!;

/** The lift report the page is answered next, once `act` has asked for it. */
async function answered(page: Page, act: () => Promise<unknown>): Promise<{ report: LiftReport; url: URL }> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes("/v1/admin/reports/lift")), act()]);
  return { report: (await response.json()) as LiftReport, url: new URL(response.url()) };
}

const nameOf = (health: HealthReport, segment: string) => health.segments.find((s) => s.segment === segment)!.name;

const intervalWords = (e: { estimate: number; low: number; high: number }, format: (n: number) => string) =>
  `${format(e.estimate)} (95 % interval ${format(e.low)} to ${format(e.high)})`;

/** A holdout segment's card as the page shows it, against its row of the report. */
async function expectCard(page: Page, row: LiftSegment, adjust = "Holm") {
  const card = page.locator(`[data-lift="${row.segment}"]`);
  const arms = card.getByRole("region", { name: `${row.name}: held out against personalized` });
  expect(await textOf(arms.getByRole("row", { name: /^Held out/ }))).toBe(
    `Held out control ${row.control!.leads} ${row.control!.converted} ${percent(row.control!.rate)}`,
  );
  expect(await textOf(arms.getByRole("row", { name: /^Personalized/ }))).toBe(
    `Personalized treatment ${row.treatment.leads} ${row.treatment.converted} ${percent(row.treatment.rate)}`,
  );
  expect(await card.locator("[data-verdict]").getAttribute("data-verdict")).toBe(row.verdict);
  expect(await textOf(card.locator("[data-verdict]"))).toContain(row.verdict[0]!.toUpperCase() + row.verdict.slice(1));
  if (row.difference) {
    const words = intervalWords(row.difference, points);
    expect(await textOf(card.locator('[data-figure="difference"] .interval-words'))).toBe(words);
    await card.getByRole("img", { name: `Difference: ${words}` }).waitFor();
  }
  if (row.lift) expect(await textOf(card.locator('[data-figure="lift"] .interval-words'))).toBe(intervalWords(row.lift, relative));
  expect(await textOf(card.locator('[data-figure="p"] dd'))).toBe(
    row.p === null
      ? "none yet: an arm has no leads"
      : `${pValue(row.p)}; ${adjust}-adjusted: ${row.pAdjusted === null ? "not judged yet (too few leads)" : pValue(row.pAdjusted)}`,
  );
  return card;
}

describe("the console's Lift page", () => {
  it("shows each holdout's arms, intervals, p, verdict and leads needed, the split warning, and the segments without one", async () => {
    await withConfig(
      (doc) => {
        doc.experiments = { holdout: HOLDOUT };
      },
      async () => {
        await reevaluated();
        // Enterprise Cold: leads until each arm has 100 of this file's; a third of the personalized ones convert, a tenth of the others.
        const mine: Entered[] = [];
        while (Math.min(...(["control", "treatment"] as const).map((arm) => mine.filter((e) => e.arm === arm).length)) < 100) {
          mine.push(...(await enterMany(20, ENTERPRISE, "enterprise-cold")));
        }
        const treated = mine.filter((e) => e.arm === "treatment").filter((_, i) => i % 3 === 0);
        const held = mine.filter((e) => e.arm === "control").filter((_, i) => i % 10 === 0);
        for (const lead of [...treated, ...held]) await convert(lead.email);
        await expect
          .poll(async () => {
            const row = await liftRow("enterprise-cold");
            return row.treatment.converted >= treated.length && row.control!.converted >= held.length;
          }, { timeout: 20_000, interval: 1000 })
          .toBe(true);

        // Mid-Market Cold: its held-out leads erased as they come, until the split is off.
        for (let round = 0; round < 10 && !(await liftRow("mid-market-cold")).srm?.flagged; round++) {
          for (const lead of await enterMany(10, MID_MARKET, "mid-market-cold")) {
            if (lead.arm === "control") expect((await serverApi("DELETE", `/v1/leads/${encodeURIComponent(lead.email)}`)).status).toBe(204);
          }
        }

        const { page } = await signedIn("/segments");
        const { report } = await answered(page, () => page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Lift" }).click());
        await pageReady(page, "lift");
        expect(report).toMatchObject({ conversionWindowDays: 14, closedWindowsOnly: false, adjust: "holm" });
        expect(await textOf(page.locator("[data-window]"))).toContain("conversions within 14 days of the assignment");

        const cold = report.segments.find((s) => s.segment === "enterprise-cold")!;
        expect(cold.control!.leads).toBeGreaterThanOrEqual(100);
        expect(cold.treatment.converted).toBeGreaterThanOrEqual(treated.length);
        expect(cold.verdict).toBe("positive");
        const coldCard = await expectCard(page, cold);
        expect(await textOf(coldCard.locator("[data-verdict]"))).toBe("Verdict: ▲ Positive");
        expect(await coldCard.locator(".interval-band.interval-above").count()).toBe(2);
        expect(await coldCard.getByRole("alert").count()).toBe(0);
        expect(await textOf(coldCard.locator("[data-share]"))).toMatch(/^50% held out, the first lead of the period assigned on /);
        const needed = cold.leadsNeeded === 0 ? "none: enough to see a +10.0% lift with 80 % power" : `${cold.leadsNeeded!.toLocaleString("en-US")} more leads (both arms) to see a +10.0% lift with 80 % power`;
        expect(await textOf(coldCard.locator('[data-figure="needed"] dd'))).toBe(needed);

        const broken = report.segments.find((s) => s.segment === "mid-market-cold")!;
        expect(broken.srm?.flagged).toBe(true);
        expect(broken.verdict).toBe("inconclusive");
        const brokenCard = await expectCard(page, broken);
        const alert = brokenCard.getByRole("alert");
        expect(await textOf(alert)).toMatch(/^The split is off: .+ held out and .+ personalized, where 50% should be held out \(sample-ratio test p .+\)\. The arms are not comparable, so no verdict is given/);
        expect(await textOf(brokenCard.locator(".verdict-why"))).toBe("No verdict while the split is off.");

        // Every other segment: entries and conversions only, with how to hold one out.
        const others = report.segments.filter((s) => s.control === null);
        const table = page.getByRole("region", { name: "Segments without a holdout: entries and conversions" });
        expect(await table.locator("tbody tr").count()).toBe(others.length);
        const hot = others.find((s) => s.segment === "enterprise-hot")!;
        expect(await textOf(table.getByRole("row", { name: /^Enterprise Hot/ }))).toBe(
          `Enterprise Hot enterprise-hot ${hot.treatment.leads} ${hot.treatment.converted} ${percent(hot.treatment.rate)}`,
        );
        expect(await page.locator(".how-to").getByRole("link", { name: "Rules" }).getAttribute("href")).toBe("/admin/rules");
        await inspect(page, "lift");
        expect(await scrollsSideways(page)).toEqual([]);

        // Benjamini–Hochberg, and another lift to plan for: asked of the API, shown as answered.
        await page.setViewportSize(SIZES[0]);
        const bh = await answered(page, () => page.getByLabel("Correction across segments").selectOption("bh"));
        expect(bh.url.searchParams.get("adjust")).toBe("bh");
        await pageReady(page, "lift");
        await expectCard(page, bh.report.segments.find((s) => s.segment === "enterprise-cold")!, "Benjamini–Hochberg");
        const planned = await answered(page, () => page.getByLabel("Lift to plan for (%)").fill("25"));
        expect(planned.url.searchParams.get("mde")).toBe("0.25");
        await pageReady(page, "lift");
        expect(await textOf(page.locator('[data-lift="enterprise-cold"] [data-figure="needed"] dd'))).toMatch(/to see a \+25\.0% lift with 80 % power$/);
        // Not a lift: said at the field, nothing asked.
        await page.getByLabel("Lift to plan for (%)").fill("0");
        await page.getByText("Enter a lift above 0 and at most 1000 (%).").waitFor();
        expect(await page.locator("[data-lift]").count()).toBe(0);
      },
      "e2e lift: holdouts on Enterprise Cold and Mid-Market Cold",
    );
    await reevaluated();
  });

  it("without a holdout: says so and how to set one; its controls work with the keyboard alone", async () => {
    const { page } = await signedIn("/lift");
    await pageReady(page, "lift");
    await page.getByText("No segment has a holdout in the active configuration").waitFor();
    expect(await page.getByRole("link", { name: "Rules" }).count()).toBeGreaterThanOrEqual(1);
    await page.getByRole("region", { name: "Segments without a holdout: entries and conversions" }).waitFor();
    await inspect(page, "lift-none");
    expect(await scrollsSideways(page)).toEqual([]);

    await page.setViewportSize(SIZES[0]);
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.id ? document.querySelector(`label[for="${document.activeElement.id}"]`)?.textContent ?? "" : ""}`.trim());
    await page.getByRole("heading", { level: 1, name: "Lift" }).focus();
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("SELECT Period");
    const week = await answered(page, () => page.keyboard.press("ArrowUp"));
    expect(Date.parse(week.report.to) - Date.parse(week.report.from)).toBe(7 * 86_400_000);
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("SELECT Correction across segments");
    const bh = await answered(page, () => page.keyboard.press("ArrowDown"));
    expect(bh.report.adjust).toBe("bh");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("INPUT Lift to plan for (%)");
    const mde = await answered(page, async () => {
      await page.keyboard.press("Control+A");
      await page.keyboard.type("5");
    });
    expect(mde.url.searchParams.get("mde")).toBe("0.05");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("INPUT Closed windows only");
    const closed = await answered(page, () => page.keyboard.press("Space"));
    expect(closed.report.closedWindowsOnly).toBe(true);
    await pageReady(page, "lift");
    expect(await textOf(page.locator("[data-window]"))).toContain("only leads whose window had closed by the end of the period");
    // On to the how-to's link to Rules, which Enter follows.
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("A");
    await page.keyboard.press("Enter");
    await pageReady(page, "rules");
    await page.getByLabel("Holdouts (JSON)").waitFor();
  });

  it("Segments: each segment's last 30 days against its baseline, each tier's siblings compared, and their flags", async () => {
    const { page } = await signedIn("/lift");
    await pageReady(page, "lift");
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes("/v1/admin/reports/health")), openPage(page, "/segments")]);
    const health = (await response.json()) as HealthReport;
    await pageReady(page, "segments");
    const cell = (segment: string) => textOf(page.locator("section.tier").getByRole("row", { name: new RegExp(`^${nameOf(health, segment)}\\b`) }).locator("td").last());
    const rates = (s: SegmentHealth) => `${percent(s.period.rate)} a lead-week, ${s.baseline.leads === 0 ? "no baseline yet" : `baseline ${percent(s.baseline.rate)}`}`;
    for (const s of health.segments) {
      const shown = s.period.leads === 0 && s.baseline.leads === 0 ? "no leads yet" : rates(s);
      expect(await cell(s.segment)).toBe(s.diverged ? `⚠ Diverged from its 90-day baseline (${s.difference!.estimate < 0 ? "down" : "up"}): ${shown}` : shown);
    }
    for (const sibling of health.siblings) {
      expect(await page.locator(`[data-siblings="${sibling.group}"]`).getAttribute("data-verdict")).toBe(sibling.verdict);
    }
    expect(await textOf(page.locator("[data-health-note]"))).toMatch(/^Health: each segment's conversions per lead-week in the last 30 days against its 90-day baseline/);

    // A diverged segment and indistinguishable siblings need 13 weeks of history, which no API
    // writes: the worker's report is answered with them put in, and the page flags both.
    const cold = { period: { leads: 400, converted: 8, rate: 0.02 }, baseline: { leads: 1300, converted: 65, rate: 0.05 }, difference: { estimate: -0.03, low: -0.045, high: -0.012 }, diverged: true };
    await page.route("**/v1/admin/reports/health*", async (route) => {
      const real = await route.fetch();
      const json = (await real.json()) as HealthReport;
      Object.assign(json.segments.find((s) => s.segment === "enterprise-cold")!, cold);
      Object.assign(json.siblings.find((s) => s.group === "enterprise")!, { test: { statistic: 0.95, df: 2, p: 0.62 }, leadsNeeded: 350, verdict: "not_distinguishable" });
      await route.fulfill({ response: real, json });
    });
    await page.reload();
    await pageReady(page, "segments");
    expect(await cell("enterprise-cold")).toBe("⚠ Diverged from its 90-day baseline (down): 2% a lead-week, baseline 5%");
    expect(await textOf(page.locator('[data-siblings="enterprise"]'))).toBe(
      "⚠ Hot / Warm / Cold not distinguishable: with the leads to show a difference, their conversion rates in the last 30 days show none (p 0.620). This tier's rules may not be separating leads that behave differently.",
    );
    await inspect(page, "segments-health");
    expect(await scrollsSideways(page)).toEqual([]);
  });
});
