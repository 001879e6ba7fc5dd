import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { applied, workerUrl } from "./support/browser";
import { inspect, openPage, pageReady, useConsole } from "./support/console";
import { content } from "./support/server";

/**
 * The console's Preview page in Chromium: a segment and a page URL, "Open as <segment>"
 * makes a signed preview link (POST /v1/admin/preview-links), opens it in a new tab (the
 * demo site shows that segment's content) and shows it to copy with its expiry.
 */

const { signedIn } = useConsole();

const segmentField = (page: Page) => page.getByLabel("Segment");
const urlField = (page: Page) => page.getByLabel("Page URL");
const focused = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.getAttribute("name") ?? document.activeElement?.textContent?.trim()}`);

describe("the console's Preview page", () => {
  it("opens the demo site as SMB Qualified in a new tab and shows the link with its expiry", async () => {
    const { page, context } = await signedIn("/segments");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Preview" }).click();
    await pageReady(page, "preview");
    expect(await page.title()).toBe("Preview · Leadflare console");
    // Segments, not groups: "smb" (a group) cannot be chosen.
    const options = await segmentField(page).locator("option").evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    expect(options).toContain("smb-qualified");
    expect(options).toContain("default");
    expect(options).not.toContain("smb");
    expect(options).not.toContain("enterprise");
    // The demo site this worker serves is the default page.
    expect(await urlField(page).inputValue()).toBe(`${workerUrl()}/demo`);

    await segmentField(page).selectOption("smb-qualified");
    const opened = context.waitForEvent("page");
    await page.getByRole("button", { name: "Open as SMB Qualified" }).click();
    const site = await opened;
    await site.waitForLoadState("domcontentloaded");
    expect(site.url()).toMatch(new RegExp(`^${workerUrl()}/demo\\?lf_preview=[^&]+$`));
    const seen = await applied(site);
    expect(seen.hero).toMatchObject({ text: content<string>("hero", "smb-qualified"), variant: "smb-qualified", visible: true });
    // noopener: the site's page has no handle on the console.
    expect(await site.evaluate(() => window.opener)).toBeNull();

    const shown = page.getByRole("region", { name: "Preview link for SMB Qualified" });
    await shown.waitFor();
    expect(await shown.getByLabel("Link").inputValue()).toBe(site.url());
    expect(await shown.getByRole("link", { name: "open the preview" }).getAttribute("href")).toBe(site.url());
    const expiry = Date.parse((await shown.locator("time").getAttribute("datetime")) ?? "");
    // The API's default lifetime: 24 hours from now.
    expect(Math.abs(expiry - (Date.now() + 86_400_000))).toBeLessThan(10 * 60_000);
    await inspect(page, "preview");
    await site.close();
  });

  it("tells a page URL the API refuses at its field, and opens nothing", async () => {
    const { page, context } = await signedIn("/segments");
    await openPage(page, "/preview");
    await pageReady(page, "preview");
    await urlField(page).fill("/demo/pricing");
    let opened = 0;
    context.on("page", () => opened++);
    await page.getByRole("button", { name: /^Open as / }).click();
    const error = page.getByText("an absolute http(s) URL of a page of the site");
    await error.waitFor();
    expect(await urlField(page).getAttribute("aria-invalid")).toBe("true");
    expect((await urlField(page).getAttribute("aria-describedby"))?.split(" ")).toContain(await error.getAttribute("id"));
    expect(await segmentField(page).getAttribute("aria-invalid")).toBeNull();
    expect(await page.getByRole("region", { name: /^Preview link for/ }).count()).toBe(0);
    expect(opened).toBe(0);
    await inspect(page, "preview-refused");
  });

  it("works with the keyboard alone: choose the segment, submit, and the preview opens", async () => {
    const { page, context } = await signedIn("/segments");
    await openPage(page, "/preview");
    await pageReady(page, "preview");
    expect(await focused(page)).toBe("H1 Preview");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("SELECT segment");
    // Type-ahead in a closed select picks the option whose text starts so.
    await page.keyboard.type("SMB Nurture", { delay: 20 });
    expect(await segmentField(page).inputValue()).toBe("smb-nurture");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("INPUT url");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("BUTTON Open as SMB Nurture");
    const opened = context.waitForEvent("page");
    await page.keyboard.press("Enter");
    const site = await opened;
    expect((await applied(site)).hero!.text).toBe(content<string>("hero", "smb-nurture"));
    await site.close();
    // The link to copy is reachable next: its field, then the copy button.
    await page.getByRole("region", { name: "Preview link for SMB Nurture" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("A open the preview");
  });
});
