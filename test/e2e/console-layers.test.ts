import type { Locator, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { workerUrl } from "./support/browser";
import { inspect, pageReady, useConsole } from "./support/console";
import { admin } from "./support/server";

/**
 * The Content page's Layers view (/admin/content/layers) in Chromium: edit the German layer's
 * hero, publish, and a German-language request gets it; a layer with an unsafe URL is shown at
 * its field and not published (an unknown slot: test/routes/layers.test.ts); add, reorder, remove.
 * Every test puts the active document back.
 */

const { signedIn } = useConsole();
const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

interface ActiveConfig {
  version: number;
  document: any;
}
const activeConfig = async (): Promise<ActiveConfig> => (await admin("GET", "/v1/admin/config")).json() as Promise<ActiveConfig>;
let original: ActiveConfig | undefined;
afterEach(async () => {
  const found = original;
  original = undefined;
  if (!found) return;
  const now = await activeConfig();
  if (now.version === found.version) return;
  await admin("PUT", "/v1/admin/config", { document: found.document, message: "e2e console-layers: restore" }, { "if-match": `"${now.version}"` });
});

const layersView = async (): Promise<Page> => {
  original = await activeConfig();
  const { page } = await signedIn("/content/layers");
  await pageReady(page, "content");
  await page.getByRole("heading", { name: "Layers", exact: true }).waitFor();
  return page;
};

/** A German reader's answer from the public API, for a fresh visitor. */
async function germanHero(): Promise<{ text: string; layer?: string }> {
  const res = await fetch(`${workerUrl()}/v1/personalize`, {
    method: "POST",
    headers: { "content-type": "application/json", "accept-language": "de-DE,de;q=0.9", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36" },
    body: JSON.stringify({ visitorId: crypto.randomUUID(), page: { url: `${workerUrl()}/demo` } }),
  });
  return ((await res.json()) as { slots: { hero: { text: string; layer?: string } } }).slots.hero;
}

describe("the console's content layers", () => {
  it("edits the German layer's hero, publishes it, and a German-language request gets it", async () => {
    const page = await layersView();
    const german = page.locator('[data-layer="language-de"]');
    expect(await textOf(german.locator("h3"))).toBe("1. German");
    const hero = german.getByLabel("Text (hero, layer 1)");
    const text = `Willkommen ${crypto.randomUUID().slice(0, 8)}`;
    await hero.fill(text);
    // A field left empty inherits: the German offer keeps the segment's code.
    expect(await german.getByLabel("Code (offer, layer 1)").inputValue()).toBe("");
    await inspect(page, "content-layers");
    await page.getByLabel("Message (why, for the audit trail)").fill("e2e console-layers: German hero");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("status").getByText(/^Version \d+ is active: published\.$/).waitFor();
    expect((await activeConfig()).document.layers[0].slots.hero).toBe(text);
    await expect.poll(async () => (await germanHero()).text, { timeout: 15_000 }).toBe(text);
    expect((await germanHero()).layer).toBe("language-de");
  });

  it("shows a layer's unsafe URL at its field and does not publish; adds, reorders and removes layers with the keyboard", async () => {
    const page = await layersView();
    const before = (await activeConfig()).version;
    await page.getByRole("button", { name: "Add a layer" }).click();
    const added = page.locator(".layer-card").last();
    const number = await page.locator(".layer-card").count();
    await added.getByLabel(`Slot to override in layer ${number}`).selectOption("primary-cta");
    await added.getByRole("button", { name: "Override this slot" }).click();
    const url = added.getByLabel(`Link URL (primary-cta, layer ${number})`);
    await url.fill("javascript:alert(1)");
    await expect.poll(() => url.getAttribute("aria-invalid")).toBe("true");
    await added.getByLabel(`Condition of layer ${number} (JSON)`).fill('{"company.industry": "retail"}');
    const problems = page.locator(".draft-problems");
    expect(await textOf(problems)).toContain(`layers[${number - 1}].slots["primary-cta"].url`);
    await page.getByRole("button", { name: "Publish" }).press("Enter");
    await page.getByText(/Not published: the draft has \d+ problems?\. Fix (it|them) first\./).waitFor();
    expect((await activeConfig()).version).toBe(before);

    await url.fill("/demo/pricing");
    await expect.poll(() => url.getAttribute("aria-invalid")).toBeNull();
    // Move the new layer up with the keyboard: focus follows it to its new place.
    await added.getByRole("button", { name: `Move Layer ${number} up` }).press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest(".layer-card")?.getAttribute("data-layer-index"))).toBe(String(number - 2));
    await page.locator(`[data-layer-index="${number - 2}"]`).getByRole("button", { name: `Remove Layer ${number}` }).click();
    expect(await page.locator(".layer-card").count()).toBe(number - 1);
    await page.locator(".draft-problems").waitFor({ state: "detached" });
    await inspect(page, "content-layers-edited");
  });
});
