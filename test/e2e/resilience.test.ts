import type { Page, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { applied, newVisitor, slots, type SlotView, useChromium } from "./support/browser";

const chromium = useChromium();

/** The demo home page's own markup for its slots (what shows when Leadflare cannot answer). */
const MARKUP = {
  hero: "Turn every visit into the right next step",
  cta: { text: "Get started", href: "/demo/contact" },
};

/**
 * Page time stands still (playwright's fake clock) until a test moves it, so "before the
 * timeout" and "after the timeout" are states the test sets, not races it hopes to win.
 */
async function freezeClock(page: Page): Promise<void> {
  await page.clock.install({ time: Date.UTC(2030, 0, 1) });
  await page.clock.pauseAt(Date.UTC(2030, 0, 1, 0, 0, 1));
}

/** Opens /demo for a new visitor, clock frozen, its personalize request held until `release(how)`. */
async function openWithHeldRequest() {
  const visitor = await newVisitor(chromium(), {}, { antiFlickerMs: null });
  const { page } = visitor;
  await freezeClock(page);
  let release!: (how: (route: Route) => Promise<void>) => void;
  const decided = new Promise<(route: Route) => Promise<void>>((r) => (release = r));
  let arrived!: () => void;
  const requested = new Promise<void>((r) => (arrived = r));
  await page.route("**/v1/personalize", async (route) => {
    arrived();
    const how = await decided;
    await how(route).catch(() => {}); // the page may have given up on it already
  });
  await page.goto("/demo");
  await requested;
  return { ...visitor, release };
}

function expectMarkup(seen: Record<string, SlotView>) {
  for (const [id, slot] of Object.entries(seen)) {
    expect(slot.visible, id).toBe(true);
    expect(slot.variant, id).toBeNull();
  }
  expect(seen.hero!.text).toBe(MARKUP.hero);
  expect(seen["primary-cta"]).toMatchObject(MARKUP.cta);
}

describe("anti-flicker and failure", () => {
  it("hides only the slots while personalize is in flight, and shows them with content after", async () => {
    const { page, errors, release } = await openWithHeldRequest();

    const during = await slots(page);
    for (const [id, slot] of Object.entries(during)) expect(slot.visible, id).toBe(false);
    // Only the slots: the rest of the page is there to read.
    expect(await page.isVisible("p.lead")).toBe(true);
    expect(await page.isVisible("header nav")).toBe(true);

    release((route) => route.continue());
    const after = await applied(page);
    for (const [id, slot] of Object.entries(after)) {
      expect(slot.visible, id).toBe(true);
      expect(slot.variant, id).toBe("default");
    }
    expect(errors).toEqual([]);
  });

  it("when the worker answers after the timeout, the default markup shows at the timeout and stays", async () => {
    const { page, errors, release } = await openWithHeldRequest();
    expect((await slots(page)).hero!.visible).toBe(false);

    await page.clock.runFor(1000); // the anti-flicker timeout passes
    expectMarkup(await slots(page));

    // The late answer still reaches the page (leadflare.on("segment") hears it) but does not
    // swap the content the reader already sees.
    release((route) => route.continue());
    await page.waitForFunction(() => document.getElementById("lf-segment")!.textContent === "Everyone else");
    expectMarkup(await slots(page));
    expect(errors).toEqual([]);
  });

  it("when the worker never answers, the default markup shows at the timeout", async () => {
    const { page, errors, release } = await openWithHeldRequest();
    await page.clock.runFor(1000);
    expectMarkup(await slots(page));
    expect(errors).toEqual([]);
  });

  it("when the request fails, the default markup shows at once, without waiting for the timeout", async () => {
    const { page, errors } = await newVisitor(chromium(), {}, { antiFlickerMs: null });
    await freezeClock(page);
    const failed = page.waitForEvent("requestfailed", (r) => r.url().endsWith("/v1/personalize"));
    await page.route("**/v1/personalize", (route) => route.abort("connectionrefused"));
    await page.goto("/demo");
    await failed;
    await page.waitForSelector('[data-lf-slot="hero"]', { state: "visible" });
    expectMarkup(await slots(page));
    expect(errors).toEqual([]);
  });

  it("when the script itself is blocked, the snippet shows the default markup at the timeout", async () => {
    const { page, errors } = await newVisitor(chromium(), {}, { antiFlickerMs: null });
    await freezeClock(page);
    await page.route("**/p.js", (route) => route.abort("blockedbyclient"));
    await page.goto("/demo");
    expect((await slots(page)).hero!.visible).toBe(false);
    await page.clock.runFor(1000);
    expectMarkup(await slots(page));
    expect(errors).toEqual([]);
  });

  it("when the script itself arrives after the timeout, its answer does not swap the markup already shown", async () => {
    const { page, errors } = await newVisitor(chromium(), {}, { antiFlickerMs: null });
    await freezeClock(page);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/p.js", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/demo", { waitUntil: "domcontentloaded" }); // "load" waits for the held script
    await page.clock.runFor(1000); // the snippet's timeout passes before the script is there
    expectMarkup(await slots(page));
    const answered = page.waitForResponse("**/v1/personalize");
    release();
    await answered;
    // The answer is heard (leadflare.on("segment")) but not applied.
    await page.waitForFunction(() => document.getElementById("lf-segment")!.textContent === "Everyone else");
    expectMarkup(await slots(page));
    expect(errors).toEqual([]);
  });

  it("when the server answers with an error, the default markup shows", async () => {
    const { page, errors } = await newVisitor(chromium(), {}, { antiFlickerMs: null });
    await page.route("**/v1/personalize", (route) => route.fulfill({ status: 503, body: "unavailable" }));
    await page.goto("/demo");
    await page.waitForSelector('[data-lf-slot="hero"]', { state: "visible" });
    expectMarkup(await slots(page));
    expect(errors).toEqual([]);
  });
});

describe("content is applied safely", () => {
  const ATTACK = '<img src=x onerror="window.__lfPwned=1">';
  const answer = (slotsOut: Record<string, unknown>) => ({
    status: 200,
    contentType: "application/json",
    body: JSON.stringify({ segment: { id: "default", name: "Everyone else", path: ["default"] }, slots: slotsOut, recorded: false }),
  });

  it("markup in text, cta and offer content shows as text and runs nothing", async () => {
    const { page, errors } = await newVisitor(chromium());
    await freezeClock(page); // the answer is applied however slow the machine is
    await page.route("**/v1/personalize", (route) =>
      route.fulfill(
        answer({
          hero: { kind: "text", text: ATTACK, variant: "default" },
          "primary-cta": { kind: "cta", label: ATTACK, url: "/demo/pricing?from=cta", variant: "default" },
          offer: { kind: "offer", title: ATTACK, body: "<script>window.__lfPwned=2</script>", code: ATTACK, variant: "default" },
        }),
      ),
    );
    await page.goto("/demo");
    const seen = await applied(page);
    expect(seen.hero).toMatchObject({ text: ATTACK, elementChildren: 0, visible: true });
    expect(seen["primary-cta"]).toMatchObject({ text: ATTACK, href: "/demo/pricing?from=cta", elementChildren: 0 });
    expect(seen.offer!.fields).toEqual({
      title: { text: ATTACK, hidden: false },
      body: { text: "<script>window.__lfPwned=2</script>", hidden: false },
      code: { text: ATTACK, hidden: false },
    });
    // No element was made from the content, so nothing in it can load or run.
    expect(await page.locator("img, main script").count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__lfPwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  const ctaAnswer = (url: string) =>
    answer({
      hero: { kind: "text", text: "Applied", variant: "default" },
      "primary-cta": { kind: "cta", label: "Click me", url, variant: "default" },
    });

  it.each([
    "javascript:window.__lfPwned=3",
    " JavaScript:window.__lfPwned=3",
    "JaVaScRiPt:window.__lfPwned=3",
    "java\tscript:window.__lfPwned=3",
    "jav\nascript:window.__lfPwned=3",
    "\u0001javascript:window.__lfPwned=3",
    "data:text/html,<script>alert(1)</script>",
    // Paths a browser opens on another host: it reads \ as / and drops tabs.
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "//evil.example/x",
    "/\t/evil.example/x",
  ])(
    "a cta whose url is %j keeps the page's own link",
    async (url) => {
      const { page, errors } = await newVisitor(chromium());
      await freezeClock(page);
      await page.route("**/v1/personalize", (route) => route.fulfill(ctaAnswer(url)));
      await page.goto("/demo");
      const seen = await applied(page);
      expect(seen.hero!.text).toBe("Applied");
      expect(seen["primary-cta"]).toMatchObject({ ...MARKUP.cta, variant: null, visible: true });
      await page.click('[data-lf-slot="primary-cta"]');
      await page.waitForURL("**/demo/contact");
      expect(await page.evaluate(() => (window as any).__lfPwned)).toBeUndefined();
      expect(errors).toEqual([]);
    },
  );

  it.each([
    ["/demo/pricing?next=//evil.example", "the page's"],
    // A percent-encoded backslash is part of the path, not a new host.
    ["/%5Cevil.example", "the page's"],
    ["https://partner.example/x", "https://partner.example"],
  ])("a cta whose url is %j is applied and opens on %s origin", async (url, origin) => {
    const { page, errors } = await newVisitor(chromium());
    await freezeClock(page);
    await page.route("**/v1/personalize", (route) => route.fulfill(ctaAnswer(url)));
    await page.goto("/demo");
    const seen = await applied(page);
    expect(seen["primary-cta"]).toMatchObject({ text: "Click me", href: url, variant: "default" });
    const [href, pageOrigin] = await page.$eval('[data-lf-slot="primary-cta"]', (a) => [(a as HTMLAnchorElement).href, location.origin]);
    expect(new URL(href!).origin).toBe(origin === "the page's" ? pageOrigin : origin);
    expect(errors).toEqual([]);
  });
});
