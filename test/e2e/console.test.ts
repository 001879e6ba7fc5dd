import { describe, expect, it } from "vitest";
import { workerUrl } from "./support/browser";
import { docsScreenshot, inspect, pageReady, submitSignIn, useConsole } from "./support/console";
import { admin, content, newEmail, putLead } from "./support/server";

/**
 * The console's shell and its first pages in Chromium: sign-in (token and Cloudflare
 * Access), Segments, History with a rollback, the keyboard alone, sign-out; axe and
 * screenshots (test-results/console/) at 1280×800 and 390×844 on every page.
 */

const { signedIn, signedOut, freshSignIn, viaAccess } = useConsole();

/** What the reader sees, table cells apart, spaces collapsed. */
const textOf = async (locator: import("playwright-core").Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

interface ActiveConfig {
  version: number;
  document: any;
}
const activeConfig = async (): Promise<ActiveConfig> => (await admin("GET", "/v1/admin/config")).json() as Promise<ActiveConfig>;

describe("the console", () => {
  it("signs in with the admin token: a wrong one is refused at its field, the right one opens the page the URL names", async () => {
    const { page } = await signedOut("/history");
    await inspect(page, "sign-in");
    await submitSignIn(page, "not-the-admin-token");
    const error = page.getByText("That is not an admin token.");
    await error.waitFor();
    const field = page.getByLabel("Admin token");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect((await field.getAttribute("aria-describedby"))?.split(" ")).toContain(await error.getAttribute("id"));
    await inspect(page, "sign-in-refused");

    const signed = await signedIn("/history");
    await pageReady(signed.page, "history");
    expect(await textOf(signed.page.getByTestId("author"))).toBe("admin");
    expect(await signed.page.getByRole("heading", { level: 1 }).textContent()).toBe("History");
    expect(await signed.page.title()).toBe("History · Leadflare console");
  });

  it("Segments: the seed's criteria table tier by tier, rules in words, sales routes, and each slot's content with where it comes from", async () => {
    const { page } = await signedIn("/segments");
    await pageReady(page, "segments");
    expect(await page.getByRole("heading", { level: 2 }).allTextContents()).toEqual(["Members now", "Enterprise", "Mid-Market", "SMB", "Outside any tier"]);
    const enterprise = page.getByRole("region", { name: "Enterprise", exact: true });
    expect(await textOf(enterprise.locator(".tier-rule"))).toBe("Tier rule: employees ≥ 1000 (1000+ employees)");
    const row = (name: string) => textOf(page.locator("section.tier").getByRole("row", { name: new RegExp(`^${name}\\b`) }));
    expect(await row("Enterprise Hot")).toContain("engagement high and score ≥ 65 Immediate AE outreach Executive ABM");
    expect(await row("Enterprise Cold")).toContain("anyone else in Enterprise Automated nurture Awareness content");
    expect(await row("Mid-Market Warm")).toContain("engagement high or medium and score ≥ 35 Automated qualification Feature education");
    expect(await row("SMB Qualified")).toContain("engagement high and score ≥ 50 Self-service signup Product-led growth");

    const slot = (segment: string, name: string) => page.locator(`[data-segment="${segment}"] [data-slot="${name}"]`);
    const hot = slot("enterprise-hot", "offer");
    expect(await hot.locator("[data-origin]").textContent()).toBe("inherited from Enterprise");
    expect(await textOf(hot.locator("dd"))).toContain(content<{ title: string }>("offer", "enterprise").title);
    expect(await slot("enterprise-hot", "hero").locator("[data-origin]").textContent()).toBe("own");
    expect(await textOf(slot("enterprise-hot", "hero").locator("dd"))).toContain(content<string>("hero", "enterprise-hot"));
    expect(await slot("mid-market-cold", "banner").locator("[data-origin]").textContent()).toBe("inherited from Mid-Market");
    expect(await textOf(slot("smb-qualified", "offer"))).toContain("Code TRIAL30.");
    expect(await textOf(slot("smb-qualified", "primary-cta").locator("dd"))).toBe("Start your free trial → /demo/contact?plan=trial");
    expect(await slot("enterprise-cold", "offer").locator("[data-origin]").textContent()).toBe("own");
    expect(await slot("default", "hero").locator("[data-origin]").textContent()).toBe("own");
    await inspect(page, "segments");
    await docsScreenshot(page, "console.png");
  });

  it("History: a version made through the API, its changes and document, and a rollback after a confirmation", async () => {
    await putLead(newEmail(), { company: { employees: 500 } }); // at least one lead to re-evaluate
    const before = await activeConfig();
    const edited = structuredClone(before.document);
    const hero = `A hero from the console test ${crypto.randomUUID().slice(0, 8)}`;
    edited.slots.hero.variants["smb-nurture"] = hero;
    const message = `e2e console: ${hero}`;
    const put = await admin("PUT", "/v1/admin/config", { document: edited, message }, { "if-match": `"${before.version}"` });
    const made = ((await put.json()) as { version: number }).version;

    const { page } = await signedIn("/segments");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "History" }).click();
    await pageReady(page, "history");
    const row = page.getByRole("row", { name: new RegExp(`^Version ${made} active`) });
    expect(await textOf(row)).toContain(`admin ${message} slots.hero changed`);
    // The publish re-evaluates every lead in the background: its progress, polled until it is done.
    await page.getByText(new RegExp(`^Every lead was re-evaluated against version ${made}: `)).waitFor();
    const progress = page.getByRole("progressbar");
    expect(await progress.getAttribute("aria-valuenow")).toBe(await progress.getAttribute("aria-valuemax"));
    const job = (await (await admin("GET", "/v1/admin/ledger/reevaluation")).json()) as { configVersion: number; done: number; total: number };
    expect(job).toMatchObject({ configVersion: made, done: Number(await progress.getAttribute("aria-valuenow")) });
    expect(job.done).toBeGreaterThanOrEqual(1);
    await inspect(page, "history");

    await row.getByRole("link", { name: `Version ${made}` }).click();
    await page.getByRole("heading", { level: 2, name: `Version ${made} active` }).waitFor();
    await pageReady(page, "history");
    expect(page.url()).toBe(`${workerUrl()}/admin/history/${made}`);
    const change = page.getByRole("row", { name: /slots\.hero\.variants\.smb-nurture/ });
    expect(await textOf(change)).toBe(`slots.hero.variants.smb-nurture changed "${content("hero", "smb-nurture")}" "${hero}"`);
    expect(await page.getByRole("region", { name: "Document" }).textContent()).toContain(`"smb-nurture": "${hero}"`);
    // The active version has nothing to roll back to.
    expect(await page.getByRole("button", { name: /^Roll back/ }).count()).toBe(0);
    await inspect(page, "history-version");

    // The version before it: roll back to it. Escape cancels the first time; nothing changes.
    await page.getByRole("link", { name: "← All versions" }).click();
    await page.getByRole("link", { name: `Version ${before.version}`, exact: true }).click();
    const rollBack = page.getByRole("button", { name: `Roll back to version ${before.version}` });
    await rollBack.click();
    const dialog = page.getByRole("dialog", { name: `Roll back to version ${before.version}?` });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await inspect(page, "history-rollback");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect((await activeConfig()).version).toBe(made);

    await rollBack.click();
    await dialog.getByLabel("Why (for the audit trail, optional)").fill("e2e console: undo the test's hero");
    await dialog.getByRole("button", { name: `Roll back to version ${before.version}` }).click();
    await expect.poll(async () => (await activeConfig()).version).not.toBe(made);
    const after = await activeConfig();
    await page.getByRole("status").getByText(`Version ${after.version} is now active: a copy of version ${before.version}.`).waitFor();
    await page.getByRole("row", { name: new RegExp(`^Version ${after.version} active`) }).waitFor();
    expect(page.url()).toBe(`${workerUrl()}/admin/history`);
    await page.getByText(new RegExp(`^Every lead was re-evaluated against version ${after.version}: `)).waitFor();
    expect(after.document.slots.hero.variants["smb-nurture"]).toBe(content("hero", "smb-nurture"));
    const versions = (await (await admin("GET", "/v1/admin/config/versions?limit=1")).json()) as { versions: any[] };
    expect(versions.versions[0]).toMatchObject({
      version: after.version,
      action: "rollback",
      rolledBackFrom: before.version,
      author: "admin",
      message: "e2e console: undo the test's hero",
    });
  });

  it("works with the keyboard alone: Tab reaches the navigation, Enter opens a page and focus lands on its heading", async () => {
    const { page } = await signedIn("/segments");
    await pageReady(page, "segments");
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`);
    // Forward through the navigation's links (in its order, however many pages there are) up to History.
    const navLinks = await page.getByRole("navigation", { name: "Console" }).getByRole("link").allTextContents();
    const toHistory = navLinks.slice(0, navLinks.indexOf("History") + 1).map((link) => `A ${link}`);
    expect(toHistory.length, "History is in the navigation").toBeGreaterThan(1);
    for (const expected of ["A Skip to content", "A Leadflare", "BUTTON Sign out", ...toHistory]) {
      await page.keyboard.press("Tab");
      expect(await focused()).toBe(expected);
    }
    await page.keyboard.press("Enter");
    await pageReady(page, "history");
    expect(page.url()).toBe(`${workerUrl()}/admin/history`);
    expect(await focused()).toBe("H1 History");
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(await nav.getByRole("link", { name: "History" }).getAttribute("aria-current")).toBe("page");
    expect(await nav.getByRole("link", { name: "Segments" }).getAttribute("aria-current")).toBeNull();
    // Back the other way, from the heading through every nav link (last first) to Segments.
    const links = await nav.getByRole("link").allTextContents();
    for (const link of links.reverse()) {
      await page.keyboard.press("Shift+Tab");
      expect(await focused()).toBe(`A ${link}`);
    }
    await page.keyboard.press("Enter");
    await pageReady(page, "segments");
    expect(await focused()).toBe("H1 Segments");
    // Back and forward keep working as in any site.
    await page.goBack();
    await pageReady(page, "history");
    await page.goForward();
    await pageReady(page, "segments");
  });

  it("signs out: back to the sign-in page, and the API refuses the old cookie from then on", async () => {
    const { page, context } = await freshSignIn("/segments");
    const cookie = (await context.cookies()).find((c) => c.name === "lf_admin_session");
    expect(cookie).toBeDefined();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Leadflare" }).waitFor();
    expect((await context.cookies()).filter((c) => c.name === "lf_admin_session")).toEqual([]);
    const stale = await fetch(`${workerUrl()}/v1/admin/session`, { headers: { cookie: `lf_admin_session=${cookie!.value}` } });
    expect(stale.status).toBe(401);
    // A reload stays signed out.
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to Leadflare" }).waitFor();
    // The file's other session is not this one: it is still signed in.
    const other = await signedIn("/segments");
    expect(await textOf(other.page.getByTestId("author"))).toBe("admin");
  });

  it("behind Cloudflare Access there is no sign-in page: the Access email is the author; Sign out goes on to Access's sign-out", async () => {
    const { page } = await viaAccess("ada@example.com", "/history");
    await pageReady(page, "history");
    expect(await textOf(page.locator(".signed-in"))).toBe("Signed in as ada@example.com (Cloudflare Access)");
    expect(await page.getByRole("heading", { name: "Sign in to Leadflare" }).count()).toBe(0);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${workerUrl()}/cdn-cgi/access/logout`);
  });
});
