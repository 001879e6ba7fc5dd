import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { inspect, openPage, pageReady, useConsole } from "./support/console";
import { admin, newEmail, putLead } from "./support/server";

/**
 * The console's Try it page in Chromium: what-if for typed facts or a stored lead's email,
 * with the active version or the shared draft (sent as `config`, never stored or published
 * here): the segment, the slots and the trace in sentences; the keyboard alone.
 */

const { signedIn } = useConsole();

const sentences = (page: Page) => page.getByRole("list", { name: "Segments tried, in order" }).getByRole("listitem").allInnerTexts();
const segmentShown = (page: Page) => page.locator(".try-result").getAttribute("data-segment");

async function evaluateWith(page: Page, source: "the active version" | "the draft"): Promise<void> {
  const before = await page.locator("[data-round]").getAttribute("data-round");
  await page.getByRole("radio", { name: new RegExp(`^${source}`) }).check();
  await page.getByRole("button", { name: "Evaluate" }).click();
  // A new answer (each one counts a round), not the one shown before.
  await expect.poll(() => page.locator("[data-round]").getAttribute("data-round")).not.toBe(before);
}

const activeVersion = async () => ((await (await admin("GET", "/v1/admin/config")).json()) as { version: number }).version;

describe("the console's Try it page", () => {
  it("what-if on a draft: a stricter SMB Qualified in Rules, and the same facts get another segment with the draft than with the active version", async () => {
    const version = await activeVersion();
    const { page } = await signedIn("/rules");
    await pageReady(page, "rules");
    const smb = page.locator('.segment-item[data-segment="smb-qualified"]');
    await smb.getByText("Edit SMB Qualified").click();
    await smb.locator('.condition-row[data-row-fact="score"]').getByLabel(/^Value/).fill("80");

    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Try it" }).click();
    await pageReady(page, "try-it");
    await page.getByLabel("Employees").fill("50");
    await page.getByLabel("Engagement level").selectOption("high");
    await page.getByLabel("Lead score (0–100)").fill("60");
    expect(await page.getByRole("radio", { name: /^the draft/ }).evaluate((r) => r.closest("label")!.textContent)).toContain("1 change");

    await evaluateWith(page, "the active version");
    expect(await segmentShown(page)).toBe("smb-qualified");
    expect((await page.locator(".try-result h2").innerText()).replace(/\s+/g, " ")).toBe("Segment: SMB Qualified smb-qualified");
    expect(await page.locator(".try-result").innerText()).toContain(`With version ${version} (active)`);
    const active = await sentences(page);
    expect(active[0]).toBe("not Enterprise Hot: employees 50 is below 1000 (Enterprise's rule); score 60 is below 65");
    expect(active.at(-1)).toBe("SMB Qualified: matched");
    expect(await page.locator('[data-slot="hero"] dd').innerText()).toContain("Start your free trial: live in 10 minutes");

    await evaluateWith(page, "the draft");
    expect(await segmentShown(page)).toBe("smb-nurture");
    expect(await page.locator(".try-result").innerText()).toContain("With the draft");
    const draft = await sentences(page);
    expect(draft.slice(-2)).toEqual(["not SMB Qualified: score 60 is below 80", "SMB Nurture: matched"]);
    expect(await page.locator('[data-slot="hero"] dd').innerText()).toContain("Why small teams win with personalized pages");
    await inspect(page, "try-it");
    // The draft was only evaluated: nothing was published.
    expect(await activeVersion()).toBe(version);

    // A draft with a problem: the API's answer names it, with the way to Rules.
    await openPage(page, "/rules");
    await pageReady(page, "rules");
    await page.getByLabel("Half-life (days)").fill("-1");
    await openPage(page, "/try");
    await pageReady(page, "try-it");
    expect(await page.getByLabel("Employees").inputValue()).toBe("50");
    await page.getByRole("radio", { name: /^the draft/ }).check();
    await page.getByRole("button", { name: "Evaluate" }).click();
    const refused = page.getByRole("alert").filter({ hasText: "scoring.engagement.halfLifeDays" });
    await refused.waitFor();
    expect(await refused.innerText()).toContain("scoring.engagement.halfLifeDays");
    await refused.getByRole("link", { name: "Fix them in Rules" }).waitFor();
    expect(await page.locator(".try-result").count()).toBe(0);
  });

  it("a stored lead by its email, with typed facts overriding its own; an unknown email and a bad fact are said at their fields", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 50, industry: "software" }, person: { seniority: "director" } });
    const { page } = await signedIn("/try");
    await pageReady(page, "try-it");
    await page.getByLabel("A lead's email (optional)").fill(email);
    await evaluateWith(page, "the active version");
    // No activity: engagement low, so SMB Nurture; its fit from its stored traits.
    expect(await segmentShown(page)).toBe("smb-nurture");
    expect(await sentences(page)).toContain("not SMB Qualified: engagement is low, not high");
    expect(await page.locator(".try-scores").innerText()).toMatch(/1-199 employees \+32, Target industry \+10, Director or above \+10/);

    await page.getByLabel("Pricing views in 7 days").fill("4");
    await evaluateWith(page, "the active version");
    // Three pricing views make engagement high (the level's "or when"); the fit of 52 then qualifies.
    expect(await segmentShown(page)).toBe("smb-qualified");

    await page.getByLabel("A lead's email (optional)").fill(newEmail());
    await page.getByRole("button", { name: "Evaluate" }).click();
    const emailField = page.getByLabel("A lead's email (optional)");
    await expect.poll(() => emailField.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".field-invalid").filter({ has: emailField }).innerText()).toContain("No lead has this email.");

    await emailField.fill("");
    await page.getByLabel("Company country (2 letters)").fill("USA");
    await page.getByRole("button", { name: "Evaluate" }).click();
    const country = page.getByLabel("Company country (2 letters)");
    await expect.poll(() => country.getAttribute("aria-invalid")).toBe("true");
    await inspect(page, "try-it-refused");
  });

  it("works with the keyboard alone: choose the draft, type facts, Enter evaluates, focus lands on the result", async () => {
    const { page } = await signedIn("/try");
    await pageReady(page, "try-it");
    // The draft loads with the page (the choice is there once it has).
    await expect.poll(() => page.getByRole("radio", { name: /^the draft/ }).isEnabled()).toBe(true);
    await page.locator("h1").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe("active");
    await page.keyboard.press("ArrowDown");
    expect(await page.getByRole("radio", { name: /^the draft/ }).isChecked()).toBe(true);
    await page.keyboard.press("Tab"); // the email
    await page.keyboard.press("Tab");
    await page.keyboard.type("5000");
    expect(await page.getByLabel("Employees").inputValue()).toBe("5000");
    await page.keyboard.press("Tab");
    await page.keyboard.type("40");
    await page.keyboard.press("Tab");
    await page.keyboard.type("58");
    await page.keyboard.press("Enter");
    await page.locator(".try-result").waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("try-result");
    expect(await page.locator(".try-result").innerText()).toContain("With the draft");
    // Engagement score 40 is above the high threshold (30): high, and score 58 is below Enterprise Hot's 65.
    expect((await sentences(page)).slice(0, 2)).toEqual(["not Enterprise Hot: score 58 is below 65", "Enterprise Warm: matched"]);
  });

  it("states the account's engaged contacts and the language, and names the layers that hold and the one each slot came from", async () => {
    const { page } = await signedIn("/try");
    await pageReady(page, "try-it");
    await page.getByLabel("Employees").fill("5000");
    await page.getByLabel("Industry").fill("healthcare");
    await page.getByLabel("Language (e.g. de)").fill("de");
    await page.getByLabel("Account's engaged contacts (30 days)").fill("3");
    await evaluateWith(page, "the active version");
    expect(await segmentShown(page)).toMatch(/^enterprise-/);
    expect(await page.locator("[data-layers]").innerText()).toBe("Layers that hold, first wins per slot: language-de, vertical-healthcare.");
    expect(await page.locator('.slot[data-slot="hero"] dt').innerText()).toMatch(/with layer language-de$/);
    await inspect(page, "try-it-layers");
  });
});

