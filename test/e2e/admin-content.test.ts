import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { apiTraffic, applied, newVisitor, useChromium } from "./support/browser";
import { admin, countRows, withConfig } from "./support/server";

const chromium = useChromium();

describe("content edited through the admin API, seen through a preview link", () => {
  it("markup stored in a text slot shows as text and runs nothing; the preview records nothing", async () => {
    const attack = '<img src=x onerror="window.__lfPwned=1">';
    await withConfig(
      (doc) => (doc.slots.hero.variants["enterprise-hot"] = attack),
      async () => {
        const link = await admin("POST", "/v1/admin/preview-links", { segment: "enterprise-hot", url: `${inject("workerUrl")}/demo` });
        const { url } = (await link.json()) as { url: string };
        const { page, errors } = await newVisitor(chromium());
        const before = countRows("events");
        await page.goto(url);
        const seen = await applied(page);
        expect(seen.hero).toMatchObject({ text: attack, elementChildren: 0, visible: true });
        expect(seen["primary-cta"]!.text).toBe("Talk to your account executive");
        expect(await page.locator("main img").count()).toBe(0);
        expect(await page.evaluate(() => (window as any).__lfPwned)).toBeUndefined();
        expect(countRows("events")).toBe(before);
        expect(errors).toEqual([]);
      },
    );
  });

  it("a preview page keeps no visitor id and sends no event, identify or click, queued or not, across in-page navigation", async () => {
    const link = await admin("POST", "/v1/admin/preview-links", { segment: "smb-qualified", url: `${inject("workerUrl")}/demo` });
    const { url } = (await link.json()) as { url: string };
    const { context, page, errors } = await newVisitor(chromium());
    // Calls a page queues before the script loads run as soon as it does.
    await context.addInitScript(() => {
      (window as any).leadflare = [["track", "conversion"], ["identify", "queued@test.example"]];
    });
    const calls = apiTraffic(context);
    await page.goto(url);
    expect((await applied(page)).hero!.variant).toBe("smb-qualified");
    await page.evaluate(() => {
      (window as any).leadflare.track("cta_click", { slot: "primary-cta" });
      (window as any).leadflare.identify("someone@test.example");
    });
    await page.evaluate(() => document.querySelector<HTMLElement>('[data-lf-slot="primary-cta"]')!.addEventListener("click", (e) => e.preventDefault()));
    await page.click('[data-lf-slot="primary-cta"]');
    // An in-page navigation goes out after everything above (once it is seen, a beacon would
    // have been too) and keeps previewing the same segment, though the new URL has no token.
    const navigated = page.waitForRequest("**/v1/personalize");
    await page.evaluate(() => history.pushState({}, "", "/demo/pricing"));
    await navigated;
    // Only personalize calls, both answered as a preview that recorded nothing.
    expect(calls.map((c) => c.path)).toEqual(["/v1/personalize", "/v1/personalize"]);
    expect(calls[1]!.body.preview).toBe(calls[0]!.body.preview);
    for (const c of calls) expect(await c.answered).toMatchObject({ status: 200, json: { preview: true, recorded: false, segment: { id: "smb-qualified" } } });
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await context.cookies()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("an invalid or expired lf_preview is a normal visit: the id is kept and events are sent", async () => {
    const { context, page, errors } = await newVisitor(chromium());
    const calls = apiTraffic(context);
    await page.goto("/demo?lf_preview=not-a-valid-token");
    expect((await applied(page)).hero!.variant).toBe("default");
    expect(await calls[0]!.answered).toMatchObject({ status: 200, json: { preview: false, recorded: true } });
    const visitorId = calls[0]!.body.visitorId;
    expect(await page.evaluate(() => localStorage.getItem("lf_vid"))).toBe(visitorId);
    const sent = page.waitForRequest("**/v1/events");
    await page.evaluate(() => (window as any).leadflare.track("cta_click", { slot: "primary-cta" }));
    expect((await sent).postDataJSON().visitorId).toBe(visitorId);
    expect(errors).toEqual([]);
  });
});
