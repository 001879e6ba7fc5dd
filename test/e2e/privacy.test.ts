import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { apiTraffic, applied, eventually, newVisitor, slots, workerUrl, useChromium } from "./support/browser";
import { content, countRows, newEmail } from "./support/server";
import { EVENTS_OF_VISITOR } from "../support/events-table";
import { customerSite, slotPage } from "./support/site";

const chromium = useChromium();

/** Browses the demo as a lead would: views, a CTA click, the identify form, a custom event. */
async function browseEverything(page: Page): Promise<void> {
  await page.goto("/demo");
  await applied(page);
  await Promise.all([page.waitForURL("**/demo/contact"), page.click('[data-lf-slot="primary-cta"]')]);
  await applied(page);
  await page.fill("input[name=email]", newEmail());
  await Promise.all([page.waitForURL("**/demo/contact?sent=1#thanks"), page.click("button[type=submit]")]);
  await applied(page);
  await page.evaluate(() => (window as any).leadflare.track("conversion", { plan: "growth" }));
}

describe("privacy", () => {
  it("with Global Privacy Control on, no visitor id is kept and no row is written", async () => {
    const { context, page, errors } = await newVisitor(chromium(), { extraHTTPHeaders: { "Sec-GPC": "1" } });
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
    const before = { visitors: countRows("visitors"), events: countRows("events"), leads: countRows("leads") };
    const calls = apiTraffic(context);

    await browseEverything(page);

    // Content is still chosen (from the request alone): one personalize per page, nothing else.
    expect(calls.map((c) => c.path)).toEqual(["/v1/personalize", "/v1/personalize", "/v1/personalize"]);
    const bodies = calls.map((c) => c.body);
    expect(bodies.every((b) => b.gpc === true)).toBe(true);
    const answers = await Promise.all(calls.map((c) => c.answered));
    expect(answers.map((a) => a.json?.recorded)).toEqual([false, false, false]);
    // A fresh id on every page: nothing ties the pages together.
    expect(new Set(bodies.map((b) => b.visitorId)).size).toBe(3);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await context.cookies()).toEqual([]);

    for (const { visitorId } of bodies) {
      expect(countRows("visitors", "id = ?", visitorId)).toBe(0);
      expect(countRows("events", EVENTS_OF_VISITOR, visitorId)).toBe(0);
    }
    expect({ visitors: countRows("visitors"), events: countRows("events"), leads: countRows("leads") }).toEqual(before);
    expect(errors).toEqual([]);
  });

  it("the server enforces Sec-GPC: 1 even when the script does not see GPC", async () => {
    const { context, page, errors } = await newVisitor(chromium(), { extraHTTPHeaders: { "Sec-GPC": "1" } });
    const calls = apiTraffic(context);
    // Playwright loses sight of a beacon whose page navigates away before the answer (the
    // browser still sends it): here every answer arrives before the page changes, so the
    // rows are counted only after the server has seen everything.
    const answered = (count: number) =>
      eventually(async () => (calls.length >= count ? Promise.all(calls.map((c) => c.answered)) : undefined), `${count} answers`);
    await page.goto("/demo");
    await applied(page);
    await page.evaluate((email) => {
      (window as any).leadflare.track("cta_click", { slot: "primary-cta" });
      (window as any).leadflare.identify(email);
    }, newEmail());
    await answered(3);
    await page.goto("/demo/contact");
    await applied(page);
    // The site handles this form itself (no navigation); the script still sees the submit.
    await page.evaluate(() => document.querySelector("form")!.addEventListener("submit", (e) => e.preventDefault()));
    await page.fill("input[name=email]", newEmail());
    await page.click("button[type=submit]");
    await answered(6); // + identify and form_submit

    // The script, not seeing GPC, stored an id and sent everything: the server kept none of it.
    const visitorId = await page.evaluate(() => localStorage.getItem("lf_vid"));
    expect(visitorId).toBeTruthy();
    const paths = calls.map((c) => c.path);
    expect(paths.filter((p) => p === "/v1/events")).toHaveLength(2); // cta_click, form_submit
    expect(paths.filter((p) => p === "/v1/identify")).toHaveLength(2);
    // Every request answered (the beacons too) before the rows are counted.
    const answers = await Promise.all(calls.map((c) => c.answered));
    expect(answers.map((a) => a.status)).toEqual(paths.map((p) => (p === "/v1/personalize" ? 200 : 202)));
    for (const [i, answer] of answers.entries()) {
      if (paths[i] === "/v1/personalize") expect(answer.json).toMatchObject({ recorded: false, reason: "gpc" });
      if (paths[i] === "/v1/events") expect(answer.json).toEqual({ accepted: 0, duplicates: 0, ignored: 1, capped: 0, recorded: false, reason: "gpc" });
      if (paths[i] === "/v1/identify") expect(answer.json).toEqual({ ok: true, verified: false, recorded: false, reason: "gpc" });
    }
    expect(countRows("visitors", "id = ?", visitorId!)).toBe(0);
    expect(countRows("events", EVENTS_OF_VISITOR, visitorId!)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('with data-consent="required" nothing is stored or sent until leadflare.consent(true)', async () => {
    const worker = workerUrl();
    const site = await customerSite(inject("sitePort"), {
      "/": slotPage(`src="${worker}/p.js" data-consent="required" data-timeout="30000"`),
    });
    try {
      const { context, page, errors } = await newVisitor(chromium());
      const calls = apiTraffic(context);
      await page.goto(site.origin + "/");
      await page.waitForFunction(() => typeof (window as any).leadflare?.consent === "function");
      await page.evaluate(() => (window as any).leadflare.track("cta_click"));
      expect(calls).toEqual([]);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      expect(await context.cookies()).toEqual([]);

      const requested = page.waitForRequest(`${worker}/v1/personalize`);
      await page.evaluate(() => (window as any).leadflare.consent(true));
      const request = await requested;
      const seen = await applied(page);
      // The event tracked before consent was never sent: the first request is this one.
      expect(calls.map((c) => c.path)).toEqual(["/v1/personalize"]);
      expect(seen.hero!.variant).toBe("default");
      const stored = await page.evaluate(() => localStorage.getItem("lf_vid"));
      expect(request.postDataJSON().visitorId).toBe(stored);

      // Withdrawn: the id is forgotten.
      await page.evaluate(() => (window as any).leadflare.consent(false));
      expect(await page.evaluate(() => localStorage.getItem("lf_vid"))).toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it("consent given after the anti-flicker timeout still applies the content it asked for", async () => {
    const worker = workerUrl();
    // The default timeout (1000 ms): consent comes from a banner long after it has passed.
    const site = await customerSite(inject("sitePort"), { "/": slotPage(`src="${worker}/p.js" data-consent="required"`) });
    try {
      const { page, errors } = await newVisitor(chromium());
      await page.clock.install({ time: Date.UTC(2030, 0, 1) });
      await page.goto(site.origin + "/");
      await page.waitForFunction(() => typeof (window as any).leadflare?.consent === "function");
      await page.clock.runFor(5_000);
      expect((await slots(page)).hero).toMatchObject({ text: "Customer's own headline", variant: null });

      await page.evaluate(() => (window as any).leadflare.consent(true));
      const seen = await applied(page);
      expect(seen.hero).toMatchObject({ variant: "default", text: content("hero", "default"), visible: true });
      expect(errors).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it("with neither localStorage nor cookies (a sandboxed frame) the id lives for the page and nothing throws", async () => {
    const { context, page, errors } = await newVisitor(chromium());
    await context.addInitScript(() => {
      const blocked = () => {
        throw new DOMException("The document is sandboxed", "SecurityError");
      };
      Object.defineProperty(window, "localStorage", { get: blocked });
      Object.defineProperty(Document.prototype, "cookie", { get: blocked, set: blocked });
    });
    const calls = apiTraffic(context);
    await page.goto("/demo");
    expect((await applied(page)).hero!.variant).toBe("default");
    // A single-page navigation reuses the page's id.
    await page.evaluate(() => history.pushState({}, "", "/demo/pricing"));
    await eventually(async () => (calls.length >= 2 ? true : undefined), "the second personalize");
    const ids = calls.map((c) => c.body.visitorId);
    expect(calls.map((c) => c.path)).toEqual(["/v1/personalize", "/v1/personalize"]);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(errors).toEqual([]);
  });

  it("keeps the visitor id in localStorage and in the lf_vid cookie, which the site's own server can read", async () => {
    const { context, page, errors } = await newVisitor(chromium());
    const calls = apiTraffic(context);
    await page.goto("/demo");
    await applied(page);
    const id = calls[0]!.body.visitorId;
    expect(await page.evaluate(() => localStorage.getItem("lf_vid"))).toBe(id);
    expect((await context.cookies()).find((c) => c.name === "lf_vid")).toMatchObject({ value: id, sameSite: "Lax", path: "/" });
    expect(errors).toEqual([]);
  });

  it("uses the id a site's server already set in the lf_vid cookie", async () => {
    const { context, page, errors } = await newVisitor(chromium());
    const fromServer = crypto.randomUUID();
    await context.addCookies([{ name: "lf_vid", value: fromServer, url: workerUrl(), sameSite: "Lax" }]);
    const calls = apiTraffic(context);
    await page.goto("/demo");
    await applied(page);
    expect(calls[0]!.body.visitorId).toBe(fromServer);
    expect(await page.evaluate(() => localStorage.getItem("lf_vid"))).toBe(fromServer);
    expect(errors).toEqual([]);
  });

  it("keeps the visitor id in a first-party cookie when localStorage is unavailable", async () => {
    const { context, page, errors } = await newVisitor(chromium());
    await context.addInitScript(() =>
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("storage is disabled", "SecurityError");
        },
      }),
    );
    const calls = apiTraffic(context);
    await page.goto("/demo");
    await applied(page);
    await page.goto("/demo/pricing");
    await applied(page);
    const ids = calls.filter((c) => c.path === "/v1/personalize").map((c) => c.body.visitorId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    const cookie = (await context.cookies()).find((c) => c.name === "lf_vid");
    expect(cookie).toMatchObject({ value: ids[0], sameSite: "Lax", path: "/" });
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(errors).toEqual([]);
  });
});
