import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { inspect, pageReady, useConsole } from "./support/console";
import { admin } from "./support/server";

/**
 * The console's Rules page in Chromium: edits go into the shared draft (localStorage, never
 * published here), each problem is shown at its field and in a list that focuses it;
 * segments reorder by buttons; a condition edits as rows or as JSON; the keyboard alone.
 */

const { signedIn } = useConsole();

/** The shared draft's document, as the page keeps it (null: no changes). */
const draftDocument = (page: Page) =>
  page.evaluate(() => {
    const raw = localStorage.getItem("leadflare.console.draft");
    return raw ? (JSON.parse(raw) as { document: any }).document : null;
  });

const segmentOrder = (page: Page) => page.locator(".segment-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-segment")));

/** What the focused element is: its tag and its text or its label's. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> };
    const name = el.labels?.[0]?.textContent ?? el.textContent ?? "";
    return `${el.tagName} ${name.replace(/\s+/g, " ").trim()}`;
  });

/** Presses Tab until the focused element is `target` (at most `max` times). */
async function tabTo(page: Page, target: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await focused(page)) === target) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target} (last: ${await focused(page)})`);
}

const activeDocument = async () => ((await (await admin("GET", "/v1/admin/config")).json()) as { document: any }).document;

describe("the console's Rules page", () => {
  it("edits thresholds and half-life into the draft; an invalid value is a problem at its field and in the list, which focuses it", async () => {
    const active = await activeDocument();
    const { page } = await signedIn("/rules");
    await pageReady(page, "rules");
    expect(await page.locator(".no-problems").textContent()).toContain("no problems");

    const halfLife = page.getByLabel("Half-life (days)");
    expect(await halfLife.inputValue()).toBe(String(active.scoring.engagement.halfLifeDays));
    await halfLife.fill("-3");
    expect(await halfLife.getAttribute("aria-invalid")).toBe("true");
    const error = page.locator(`[id="${(await halfLife.getAttribute("aria-describedby"))!.split(" ").at(-1)}"]`);
    expect(await error.textContent()).toMatch(/>0/);
    const list = page.getByRole("region", { name: /1 problem in the draft/ });
    expect(await list.innerText()).toMatch(/scoring\.engagement\.halfLifeDays: .*>0/);
    expect((await draftDocument(page)).scoring.engagement.halfLifeDays).toBe(-3);
    await page.locator("h1").focus();
    await list.getByRole("button", { name: "scoring.engagement.halfLifeDays" }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-path"))).toBe("scoring.engagement.halfLifeDays");
    await inspect(page, "rules-problem");

    await halfLife.fill("14");
    expect(await halfLife.getAttribute("aria-invalid")).toBeNull();
    await page.locator(".no-problems").waitFor();

    // Medium above high: the cross-field rule, at the medium threshold.
    const medium = page.getByLabel("Medium when the engagement score is above");
    await medium.fill(String(active.scoring.engagement.levels.high.above + 5));
    expect(await page.locator(".field-invalid").filter({ has: medium }).innerText()).toContain("medium must not be above high");
    await page.getByLabel("High when the engagement score is above").fill(String(active.scoring.engagement.levels.high.above + 10));
    await page.locator(".no-problems").waitFor();
    const draft = await draftDocument(page);
    expect(draft.scoring.engagement).toMatchObject({
      halfLifeDays: 14,
      levels: { high: { above: active.scoring.engagement.levels.high.above + 10 }, medium: { above: active.scoring.engagement.levels.high.above + 5 } },
    });
    // Nothing is published: the active version is as it was.
    expect(await activeDocument()).toEqual(active);
  });

  it("reorders segments by buttons: focus follows the segment, the catch-all out of last place is a problem at the segment", async () => {
    const { page } = await signedIn("/rules");
    await pageReady(page, "rules");
    const before = await segmentOrder(page);
    expect(before.slice(0, 3)).toEqual(["enterprise", "enterprise-hot", "enterprise-warm"]);

    await page.getByRole("button", { name: "Move Enterprise Warm up" }).click();
    expect((await segmentOrder(page)).slice(0, 3)).toEqual(["enterprise", "enterprise-warm", "enterprise-hot"]);
    expect(await focused(page)).toBe("BUTTON ↑ Move Enterprise Warm up");
    await page.getByRole("status").getByText("Enterprise Warm is now number 2 of 13.").waitFor();
    expect((await draftDocument(page)).segments.map((s: { id: string }) => s.id)).toEqual(await segmentOrder(page));

    // The catch-all moved up: the new last segment is not one, said at it and in the list.
    await page.getByRole("button", { name: "Move Everyone else up" }).click();
    const last = page.locator(".segment-item").last();
    expect(await last.getAttribute("data-segment")).toBe("unknown-engaged");
    expect(await last.locator(".field-error").textContent()).toContain("the last segment must be the catch-all");
    await page.getByRole("region", { name: /problem in the draft/ }).getByRole("button", { name: "segments[12]" }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-path"))).toBe("segments[12]");
    // At the end "down" is disabled: the focus moves to "up" of the same segment.
    await page.getByRole("button", { name: "Move Everyone else down" }).click();
    expect(await focused(page)).toBe("BUTTON ↑ Move Everyone else up");
    await page.locator(".no-problems").waitFor();
    await page.getByRole("button", { name: "Move Enterprise Warm down" }).click();
    expect(await segmentOrder(page)).toEqual(before);
    // Back as it was: the draft has no changes left.
    expect(await draftDocument(page)).toBeNull();
  });

  it("edits a condition as rows and as JSON: what rows cannot show is JSON only, a bad operator is a problem at the JSON", async () => {
    const { page } = await signedIn("/rules");
    await pageReady(page, "rules");
    const hot = page.locator('.segment-item[data-segment="enterprise-hot"]');
    await hot.getByText("Edit Enterprise Hot").click();
    const rule = hot.getByRole("group", { name: "Rule of Enterprise Hot" });
    expect(await rule.locator(".condition-words").innerText()).toBe("In words: engagement high and score ≥ 65");

    // Rows: the score's bound, then a line added and removed.
    const score = rule.locator('.condition-row[data-row-fact="score"]');
    await score.getByLabel(/^Value/).fill("70");
    expect((await draftDocument(page)).segments[1].when).toEqual({ "engagement.level": "high", score: { $gte: 70 } });
    await rule.getByRole("button", { name: "Add a line to Rule of Enterprise Hot" }).click();
    const added = rule.locator(".condition-row").nth(2);
    await added.getByLabel(/^Fact/).selectOption("signals.pricing_views_7d");
    await added.getByLabel(/^Value/).fill("2");
    expect((await draftDocument(page)).segments[1].when).toEqual({ "engagement.level": "high", score: { $gte: 70 }, "signals.pricing_views_7d": { $gte: 2 } });
    expect(await rule.locator(".condition-words").innerText()).toBe("In words: engagement high and score ≥ 70 and pricing views in 7 days ≥ 2");
    await rule.getByLabel("Holds when").selectOption("any");
    expect((await draftDocument(page)).segments[1].when).toEqual({
      $or: [{ "engagement.level": "high" }, { score: { $gte: 70 } }, { "signals.pricing_views_7d": { $gte: 2 } }],
    });
    await rule.getByRole("button", { name: "Remove line 3 of Rule of Enterprise Hot" }).click();
    await rule.getByLabel("Holds when").selectOption("all");
    await inspect(page, "rules");

    // JSON: not JSON yet stays in the field; an unknown operator is a problem at the JSON.
    await rule.getByText("Edit as JSON").click();
    const json = rule.getByLabel("Rule of Enterprise Hot as JSON");
    await json.fill('{"engagement.level": "high", "score": {"$gtee"');
    expect(await rule.locator(".field-error").innerText()).toContain("Not JSON yet");
    await json.fill('{"engagement.level": "high", "score": {"$gtee": 65}}');
    expect(await rule.innerText()).toContain("This condition uses more than the fields here can show");
    expect(await rule.locator(".field-error").innerText()).toBe("score.$gtee: unknown operator $gtee");
    const problem = page.getByRole("region", { name: /problem in the draft/ }).getByRole("button", { name: "segments[1].when.score.$gtee" });
    await page.locator("h1").focus();
    await problem.click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-path"))).toBe("segments[1].when");
    await inspect(page, "rules-json");

    await json.fill('{"engagement.level": "high", "score": {"$gte": 65}}');
    await page.locator(".no-problems").waitFor();
    expect(await rule.locator('.condition-row[data-row-fact="score"]').getByLabel(/^Value/).inputValue()).toBe("65");
    expect(await draftDocument(page)).toBeNull();
  });

  it("edits routing as JSON: a literal secret and a private address are problems at their paths; a valid rule goes into the draft", async () => {
    const active = await activeDocument();
    const { page } = await signedIn("/rules");
    await pageReady(page, "rules");
    const field = page.getByLabel("Routing (JSON)");
    const routing = structuredClone(active.routing);
    routing.destinations.ops = { type: "webhook", url: "https://169.254.169.254/hook", secret: "whsec_inline" };
    routing.rules.push({ on: "enter", segments: ["enterprise-hot"], send: ["ops"] });
    await field.fill(JSON.stringify(routing, null, 2));
    const list = page.getByRole("region", { name: /2 problems in the draft/ });
    const text = await list.innerText();
    expect(text).toMatch(/routing\.destinations\.ops\.url: .*public host/);
    expect(text).toMatch(/routing\.destinations\.ops\.secret: .*env:/);
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    routing.destinations.ops = { type: "webhook", url: "https://hooks.example.com/ops", secret: "env:LF_OPS_SECRET" };
    await field.fill(JSON.stringify(routing, null, 2));
    await page.locator(".no-problems").waitFor();
    expect((await draftDocument(page)).routing.rules.at(-1)).toEqual({ on: "enter", segments: ["enterprise-hot"], send: ["ops"] });
    await inspect(page, "rules-routing");
    expect(await activeDocument()).toEqual(active);
  });

  it("works with the keyboard alone: move a segment, open it, change its rule's bound", async () => {
    const { page } = await signedIn("/rules");
    await pageReady(page, "rules");
    await page.locator("h1").focus();
    await tabTo(page, "BUTTON ↓ Move Mid-Market Hot down");
    await page.keyboard.press("Enter");
    expect((await segmentOrder(page)).slice(4, 7)).toEqual(["mid-market", "mid-market-warm", "mid-market-hot"]);
    expect(await focused(page)).toBe("BUTTON ↓ Move Mid-Market Hot down");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    expect((await segmentOrder(page)).slice(4, 7)).toEqual(["mid-market", "mid-market-hot", "mid-market-warm"]);

    await tabTo(page, "SUMMARY Edit Mid-Market Hot");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("INPUT Name");
    await tabTo(page, "INPUT Value of Rule of Mid-Market Hot, line 2");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("60");
    expect((await draftDocument(page)).segments[5].when).toEqual({ "engagement.level": "high", score: { $gte: 60 } });
    // Tab onward to its JSON: Enter opens it, and the JSON shows the edit.
    await tabTo(page, "SUMMARY Edit as JSON");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toMatch(/^TEXTAREA Rule of Mid-Market Hot as JSON/);
    expect(JSON.parse(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value))).toEqual({ "engagement.level": "high", score: { $gte: 60 } });
  });
});
