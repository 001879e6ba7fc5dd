import { describe, expect, inject, it } from "vitest";
import { apiTraffic, applied, newVisitor, slots, workerUrl, useChromium } from "./support/browser";
import { customerSite, slotPage } from "./support/site";
import { countRows } from "./support/server";

const chromium = useChromium();

/**
 * The script tag on a customer's own site, a different origin from the worker's. These
 * pages have no anti-flicker snippet; `data-timeout` gives a busy machine 10 s to answer.
 */
const PATIENT = 'data-timeout="10000"';
describe("embedding on another origin", () => {
  it("takes its endpoint from its own URL and personalizes without a CORS preflight", async () => {
    const worker = workerUrl();
    const site = await customerSite(inject("sitePort"), { "/": slotPage(`src="${worker}/p.js" ${PATIENT}`) });
    try {
      const { context, page, errors } = await newVisitor(chromium());
      const calls = apiTraffic(context);
      const methods: string[] = [];
      context.on("request", (r) => r.url().startsWith(worker + "/v1/") && methods.push(r.method()));
      await page.goto(site.origin + "/");
      const seen = await applied(page);
      expect(seen.hero!.variant).toBe("default");
      expect(calls.map((c) => c.path)).toEqual(["/v1/personalize"]);
      expect(methods).toEqual(["POST"]); // no OPTIONS
      expect(calls[0]!.body.page.url).toBe(site.origin + "/");
      expect(errors).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it("data-endpoint sends the API calls elsewhere than where the script came from", async () => {
    const worker = workerUrl();
    const other = worker.replace("127.0.0.1", "localhost"); // the same worker under another name
    const site = await customerSite(inject("sitePort"), { "/": slotPage(`src="${worker}/p.js" data-endpoint="${other}" ${PATIENT}`) });
    try {
      const { page, errors } = await newVisitor(chromium());
      const requested = page.waitForRequest((r) => r.url().endsWith("/v1/personalize"));
      await page.goto(site.origin + "/");
      expect((await requested).url()).toBe(`${other}/v1/personalize`);
      expect((await applied(page)).hero!.variant).toBe("default");
      expect(errors).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it("on an origin that LF_ALLOWED_ORIGINS does not list, the page keeps its own markup and nothing is recorded", async () => {
    const worker = workerUrl();
    const site = await customerSite(0, { "/": slotPage(`src="${worker}/p.js"`) }); // any port but the allowed one
    try {
      const { page, errors } = await newVisitor(chromium());
      const failed = page.waitForEvent("requestfailed", (r) => r.url().endsWith("/v1/personalize"));
      await page.goto(site.origin + "/");
      const request = await failed; // the browser refuses the cross-origin answer
      const seen = await slots(page);
      expect(seen.hero).toMatchObject({ text: "Customer's own headline", variant: null, visible: true });
      // The worker refused the request itself: CORS alone would still have recorded the view.
      expect(countRows("visitors", "id = ?", request.postDataJSON().visitorId)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it("calls queued on window.leadflare before the script loads run once it does, and a second copy stays idle", async () => {
    const worker = workerUrl();
    const queue = `<script>window.leadflare = window.leadflare || [];
leadflare.push(["on", "segment", function (s) { window.segments = (window.segments || []).concat(s.id); }]);</script>`;
    const site = await customerSite(inject("sitePort"), {
      "/": slotPage(`src="${worker}/p.js" ${PATIENT}`, queue) + `<script async src="${worker}/p.js"></script>`,
    });
    try {
      const { context, page, errors } = await newVisitor(chromium());
      const calls = apiTraffic(context);
      await page.goto(site.origin + "/");
      await applied(page);
      await page.waitForFunction(() => (window as any).segments?.length === 1);
      expect(await page.evaluate(() => (window as any).segments)).toEqual(["default"]);
      // A listener added later hears the current segment at once.
      expect(await page.evaluate(() => new Promise((r) => (window as any).leadflare.on("segment", (s: { id: string }) => r(s.id))))).toBe("default");
      expect(calls.map((c) => c.path)).toEqual(["/v1/personalize"]);
      expect(errors).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
