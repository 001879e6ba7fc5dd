import type { Locator, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { applied, newVisitor, workerUrl, type Visitor } from "./support/browser";
import { inspect, pageReady, useConsole } from "./support/console";
import { admin, content } from "./support/server";

/**
 * The console's Content page and its draft bar in Chromium: edit a slot's variant for a
 * segment, see it in the draft's diff, publish it with a message and see it on the demo
 * site through a preview link; two people publishing at once (the second is shown what the
 * first changed and re-applies, nothing lost; or drops theirs); a bad URL refused at its
 * field as it is typed; the keyboard alone. Every test puts the active document back.
 */

const { chromium, signedIn } = useConsole();

const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

interface ActiveConfig {
  version: number;
  document: any;
}
const activeConfig = async (): Promise<ActiveConfig> => (await admin("GET", "/v1/admin/config")).json() as Promise<ActiveConfig>;
const latestVersions = async () => ((await (await admin("GET", "/v1/admin/config/versions?limit=1")).json()) as { versions: any[] }).versions;
const unique = (what: string) => `${what} ${crypto.randomUUID().slice(0, 8)}`;

/** The document as the test found it, activated again if a test published anything. */
let original: ActiveConfig | undefined;
const visitors: Visitor[] = [];
afterEach(async () => {
  await Promise.all(visitors.splice(0).map((v) => v.context.close()));
  const found = original;
  original = undefined;
  if (!found) return;
  const now = await activeConfig();
  if (now.version === found.version) return;
  await admin("PUT", "/v1/admin/config", { document: found.document, message: "e2e console-content: restore" }, { "if-match": `"${now.version}"` });
});
const remember = async () => (original = await activeConfig());

const publishedToast = (page: Page) => page.getByRole("status").getByText(/^Version \d+ is active: published\.$/);
const summary = (page: Page) => textOf(page.getByTestId("draft-summary"));

describe("the console's Content page", () => {
  it("edits the smb-qualified hero, shows it in the draft's changes, publishes it with a message; a preview link shows it on the demo site", async () => {
    const before = await remember();
    const { page } = await signedIn("/content/hero/smb-qualified");
    await pageReady(page, "content");
    expect(await page.title()).toBe("Content · Leadflare console");
    const text = page.getByLabel("Text");
    expect(await text.inputValue()).toBe(content("hero", "smb-qualified"));
    expect(await textOf(page.getByTestId("slot-shown"))).toBe(`Shown: own ${content("hero", "smb-qualified")}`);
    expect(await summary(page)).toBe(`No changes: the draft is version ${before.version}, the one it started from.`);
    await inspect(page, "content");

    const hero = unique("Your trial starts today");
    await text.fill(hero);
    expect(await summary(page)).toBe(`1 change to version ${before.version}, not published yet.`);
    const toggle = page.getByRole("button", { name: "Show the changes" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    await toggle.click();
    const row = page.getByRole("row", { name: /slots\.hero\.variants\.smb-qualified/ });
    expect(await textOf(row)).toBe(`slots.hero.variants.smb-qualified changed "${content("hero", "smb-qualified")}" "${hero}"`);
    expect(await page.getByRole("button", { name: "Hide the changes" }).getAttribute("aria-expanded")).toBe("true");
    await inspect(page, "content-diff");

    // The draft survives a reload (it is kept in this browser) and is still unpublished.
    await page.reload();
    await pageReady(page, "content");
    expect(await page.getByLabel("Text").inputValue()).toBe(hero);
    expect((await activeConfig()).version).toBe(before.version);

    const message = unique("e2e console-content: a new SMB hero");
    await page.getByLabel("Message (why, for the audit trail)").fill(message);
    await page.getByRole("button", { name: "Publish" }).click();
    await publishedToast(page).waitFor();
    const after = await activeConfig();
    expect(after.version).toBe(before.version + 1);
    expect(after.document.slots.hero.variants["smb-qualified"]).toBe(hero);
    expect((await latestVersions())[0]).toMatchObject({ version: after.version, author: "admin", message, changes: ["slots.hero changed"] });
    expect(await summary(page)).toBe(`No changes: the draft is version ${after.version}, the one it started from.`);

    const link = await admin("POST", "/v1/admin/preview-links", { segment: "smb-qualified", url: `${workerUrl()}/demo` });
    const { url } = (await link.json()) as { url: string };
    const visitor = await newVisitor(chromium());
    visitors.push(visitor);
    await visitor.page.goto(url);
    const seen = await applied(visitor.page);
    expect(seen.hero).toMatchObject({ text: hero, variant: "smb-qualified" });
    expect(visitor.errors).toEqual([]);
  });

  it("shows where an inherited value comes from; gives a segment its own value and goes back to the inherited one", async () => {
    const { page } = await signedIn("/content/offer/enterprise-hot");
    await pageReady(page, "content");
    const enterprise = content<{ title: string; body: string }>("offer", "enterprise");
    expect(await textOf(page.getByTestId("slot-shown"))).toBe(`Shown: inherited from Enterprise ${enterprise.title} ${enterprise.body}`);
    expect(await page.getByLabel("Title").count()).toBe(0);
    await page.getByRole("button", { name: "Give Enterprise Hot its own offer" }).click();
    // The new variant starts as a copy of the inherited one, and focus is on its first field.
    const title = page.getByLabel("Title");
    expect(await title.inputValue()).toBe(enterprise.title);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(enterprise.title);
    await title.fill("A briefing for your AE");
    await page.getByLabel("Code (optional)").fill("HOT10");
    expect(await textOf(page.getByTestId("slot-shown"))).toBe(`Shown: own A briefing for your AE ${enterprise.body} Code HOT10.`);
    expect(await summary(page)).toContain("1 change to version");
    await page.getByRole("button", { name: "Show the changes" }).click();
    expect(await textOf(page.getByRole("row", { name: /offer\.variants\.enterprise-hot/ }))).toBe(
      `slots.offer.variants.enterprise-hot added — ${JSON.stringify({ ...enterprise, title: "A briefing for your AE", code: "HOT10" })}`,
    );

    // The default's picker: it has no inherited value to go back to.
    await page.getByLabel("Segment").selectOption("default");
    expect(page.url()).toBe(`${workerUrl()}/admin/content/offer/default`);
    expect(await page.getByRole("button", { name: "Use the inherited value" }).count()).toBe(0);
    await page.getByLabel("Segment").selectOption("enterprise-hot");
    await page.getByRole("button", { name: "Use the inherited value" }).click();
    expect(await textOf(page.getByTestId("slot-shown"))).toBe(`Shown: inherited from Enterprise ${enterprise.title} ${enterprise.body}`);
    expect(await summary(page)).toContain("No changes");
  });

  it("two people at once: the second is shown what the first published, re-applies onto it, and the active version has both changes", async () => {
    const before = await remember();
    const first = await signedIn("/content/hero/smb-qualified");
    const second = await signedIn("/content/offer/smb-qualified");
    await Promise.all([pageReady(first.page, "content"), pageReady(second.page, "content")]);
    const [heroA, nurtureA, nurtureB, titleB] = [unique("First's SMB hero"), unique("First's nurture hero"), unique("Second's nurture hero"), unique("Second's offer")];

    // The first edits two heroes; the second an offer and one of the same heroes.
    await first.page.getByLabel("Text").fill(heroA);
    await first.page.getByLabel("Segment").selectOption("smb-nurture");
    await first.page.getByLabel("Text").fill(nurtureA);
    await second.page.getByLabel("Title").fill(titleB);
    await second.page.getByLabel("Slot").selectOption("hero");
    await second.page.getByLabel("Segment").selectOption("smb-nurture");
    await second.page.getByLabel("Text").fill(nurtureB);

    const firstMessage = unique("e2e console-content: the first's heroes");
    await first.page.getByLabel("Message (why, for the audit trail)").fill(firstMessage);
    await first.page.getByRole("button", { name: "Publish" }).click();
    await publishedToast(first.page).waitFor();
    const theirs = await activeConfig();
    expect(theirs.version).toBe(before.version + 1);

    await second.page.getByRole("button", { name: "Publish" }).click();
    const conflict = second.page.locator("[data-conflict]");
    await conflict.waitFor();
    expect(await textOf(second.page.getByTestId("conflict-who"))).toMatch(
      new RegExp(`^admin published version ${theirs.version} at .+: “${firstMessage}”\\. Nothing of yours was published`),
    );
    const theirRows = conflict.getByRole("row");
    expect(await theirRows.count()).toBe(3); // the header and their two changes
    expect(await textOf(conflict.getByRole("row", { name: /smb-qualified/ }))).toBe(
      `slots.hero.variants.smb-qualified changed "${content("hero", "smb-qualified")}" "${heroA}"`,
    );
    expect(await textOf(conflict.getByRole("row", { name: /smb-nurture/ }))).toBe(
      `slots.hero.variants.smb-nurture changed "${content("hero", "smb-nurture")}" "${nurtureA}"`,
    );
    expect((await activeConfig()).version).toBe(theirs.version);
    expect(await second.page.getByRole("button", { name: "Publish" }).count()).toBe(0);
    await inspect(second.page, "content-conflict");

    await second.page.getByRole("button", { name: "Re-apply my changes on their version" }).click();
    const overrides = second.page.locator("[data-overrides]");
    await overrides.waitFor();
    expect(await textOf(overrides.locator("li"))).toBe(`slots.hero.variants["smb-nurture"]: theirs "${nurtureA}", yours "${nurtureB}"`);
    expect(await summary(second.page)).toBe(`2 changes to version ${theirs.version}, not published yet.`);
    await inspect(second.page, "content-reapplied");
    await second.page.getByRole("button", { name: "Publish" }).click();
    await publishedToast(second.page).waitFor();

    const merged = await activeConfig();
    expect(merged.version).toBe(theirs.version + 1);
    expect(merged.document.slots.hero.variants["smb-qualified"]).toBe(heroA);
    expect(merged.document.slots.hero.variants["smb-nurture"]).toBe(nurtureB);
    expect(merged.document.slots.offer.variants["smb-qualified"]).toEqual({ ...content<object>("offer", "smb-qualified"), title: titleB });
  });

  it("after a conflict, dropping the draft loads their version and nothing of the draft is published", async () => {
    const before = await remember();
    const { page } = await signedIn("/content/hero/smb-nurture");
    await pageReady(page, "content");
    await page.getByLabel("Text").fill(unique("A hero that is dropped"));
    const edited = structuredClone(before.document);
    const theirHero = unique("Their nurture hero");
    edited.slots.hero.variants["smb-nurture"] = theirHero;
    await admin("PUT", "/v1/admin/config", { document: edited, message: "e2e console-content: theirs" }, { "if-match": `"${before.version}"` });

    await page.getByRole("button", { name: "Publish" }).click();
    await page.locator("[data-conflict]").waitFor();
    await page.getByRole("button", { name: "Drop my changes and load theirs" }).click();
    expect(await summary(page)).toBe(`No changes: the draft is version ${before.version + 1}, the one it started from.`);
    expect(await page.getByLabel("Text").inputValue()).toBe(theirHero);
    expect((await activeConfig()).version).toBe(before.version + 1);
  });

  it("a bad CTA URL is shown at its field as it is typed, Publish refuses it, its problem leads back to the field; Discard draft confirms", async () => {
    const before = await remember();
    const { page } = await signedIn("/content/primary-cta/smb-qualified");
    await pageReady(page, "content");
    const url = page.getByLabel("Link URL");
    expect(await url.inputValue()).toBe(content<{ url: string }>("primary-cta", "smb-qualified").url);
    await url.fill("");
    await url.pressSequentially("javascript:alert(1)");
    const error = page.locator(".field-error", { hasText: "must be an http(s) URL or a path starting with /" });
    await error.waitFor();
    expect(await url.getAttribute("aria-invalid")).toBe("true");
    expect((await url.getAttribute("aria-describedby"))?.split(" ")).toContain(await error.getAttribute("id"));
    expect(await page.getByLabel("Button label").getAttribute("aria-invalid")).toBeNull();

    const problems = page.locator(".draft-problems");
    expect(await textOf(problems)).toBe(
      'The draft cannot be published: 1 problem. slots["primary-cta"].variants["smb-qualified"].url: must be an http(s) URL or a path starting with /',
    );
    const publish = page.getByRole("button", { name: "Publish" });
    expect(await publish.getAttribute("aria-disabled")).toBe("true");
    // aria-disabled, not disabled: it can still be reached and says why it does not publish.
    await publish.press("Enter");
    await page.getByText("Not published: the draft has 1 problem. Fix it first.").waitFor();
    expect((await activeConfig()).version).toBe(before.version);
    expect((await latestVersions())[0].version).toBe(before.version);
    await inspect(page, "content-invalid");

    // Elsewhere on the page, the problem's button brings the field back and focuses it.
    await page.getByLabel("Slot").selectOption("hero");
    expect(await page.getByLabel("Link URL").count()).toBe(0);
    await problems.getByRole("button").click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-draft-path"))).toBe('slots["primary-cta"].variants["smb-qualified"].url');
    expect(page.url()).toBe(`${workerUrl()}/admin/content/primary-cta/smb-qualified`);

    // Not a URL at all, then one that is fine: the problem goes as it is typed.
    await url.fill("not a url");
    await error.waitFor();
    await url.fill("/demo/pricing");
    await error.waitFor({ state: "detached" });
    expect(await problems.count()).toBe(0);

    await page.getByRole("button", { name: "Discard draft" }).click();
    const dialog = page.getByRole("dialog", { name: "Discard the draft?" });
    await dialog.getByRole("button", { name: "Discard draft" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await url.inputValue()).toBe(content<{ url: string }>("primary-cta", "smb-qualified").url);
    expect(await summary(page)).toBe(`No changes: the draft is version ${before.version}, the one it started from.`);
    expect((await activeConfig()).version).toBe(before.version);
  });

  it("works with the keyboard alone: the pickers, an edit, the changes and Publish", async () => {
    const before = await remember();
    const { page } = await signedIn("/content");
    await pageReady(page, "content");
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return el?.labels?.[0]?.textContent?.trim() ?? el?.textContent?.trim() ?? "";
      });
    /** Tab (or Shift+Tab) until the focused control is named `name`. */
    const tabTo = async (name: string, key = "Tab") => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press(key);
        if ((await focused()) === name) return;
      }
      throw new Error(`${key} never reached ${name}`);
    };
    await tabTo("Slot");
    expect(await page.getByLabel("Slot").inputValue()).toBe("hero");
    await tabTo("Segment");
    expect(await page.getByLabel("Segment").inputValue()).toBe("default");
    // default is the last segment: smb-qualified is three above it (unknown-engaged, smb-nurture between).
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowUp");
    await page.getByRole("heading", { name: "hero for SMB Qualified" }).waitFor();
    expect(await focused()).toBe("Segment");
    await tabTo("Text");
    await page.keyboard.press("End");
    for (const key of [..." by keyboard"].map((c) => (c === " " ? "Space" : c))) await page.keyboard.press(key);
    const hero = `${content("hero", "smb-qualified")} by keyboard`;
    expect(await page.getByLabel("Text").inputValue()).toBe(hero);

    await tabTo("Show the changes", "Shift+Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("row", { name: /slots\.hero\.variants\.smb-qualified/ }).waitFor();
    await tabTo("Message (why, for the audit trail)");
    for (const key of ["k", "b"]) await page.keyboard.press(key);
    await tabTo("Publish");
    await page.keyboard.press("Space");
    await publishedToast(page).waitFor();
    const after = await activeConfig();
    expect(after.version).toBe(before.version + 1);
    expect(after.document.slots.hero.variants["smb-qualified"]).toBe(hero);
    expect((await latestVersions())[0].message).toBe("kb");
  });
});
