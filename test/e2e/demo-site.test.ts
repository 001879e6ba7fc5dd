import { describe, expect, it } from "vitest";
import { applied, eventually, newVisitor, useChromium } from "./support/browser";
import { content, countRows, getLead, newEmail, putLead, serverApi } from "./support/server";
import { EVENTS_OF_VISITOR } from "../support/events-table";

interface Cta {
  label: string;
  url: string;
}
interface Offer {
  title: string;
  body: string;
  code?: string;
}

const chromium = useChromium();

describe("the demo site", () => {
  it.each([
    ["/demo", ["hero", "offer", "primary-cta"]],
    ["/demo/pricing", ["hero", "offer", "primary-cta"]],
    ["/demo/contact", ["hero", "offer"]],
  ])("a first visit to %s shows the default content in every slot", async (path, slotIds) => {
    const { page, errors } = await newVisitor(chromium());
    await page.goto(path);
    const seen = await applied(page);
    expect(Object.keys(seen).sort()).toEqual(slotIds);
    for (const [id, slot] of Object.entries(seen)) {
      expect(slot.variant, id).toBe("default");
      expect(slot.visible, id).toBe(true);
    }
    expect(seen.hero!.text).toBe(content("hero", "default"));
    const offer = content<Offer>("offer", "default");
    expect(seen.offer!.fields).toEqual({
      title: { text: offer.title, hidden: false },
      body: { text: offer.body, hidden: false },
      code: { text: "", hidden: true },
    });
    if (seen["primary-cta"]) {
      const cta = content<Cta>("primary-cta", "default");
      expect(seen["primary-cta"]).toMatchObject({ text: cta.label, href: cta.url });
    }
    await expect(page.textContent("#lf-segment")).resolves.toBe("Everyone else");
    expect(errors).toEqual([]);
  });

  it("an SMB lead that identifies on /demo/contact sees smb-qualified on its third pricing view", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 50 } });
    const { page, errors } = await newVisitor(chromium());

    await page.goto("/demo/contact");
    await applied(page);
    await page.fill("input[name=email]", email);
    await Promise.all([page.waitForURL("**/demo/contact?sent=1#thanks"), page.click("button[type=submit]")]);
    await applied(page);
    expect(await page.isVisible("#thanks")).toBe(true);
    // identify and form_submit left as beacons while the page unloaded: wait until both landed.
    await eventually(async () => ((await getLead(email))?.signals.forms_30d === 1 ? true : undefined), "identify and form_submit");

    const views = [];
    for (let i = 0; i < 3; i++) {
      await page.goto("/demo/pricing");
      views.push(await applied(page));
    }
    expect(views.map((v) => v.hero!.variant)).toEqual(["smb-nurture", "smb-nurture", "smb-qualified"]);
    expect(views[0]!.hero!.text).toBe(content("hero", "smb-nurture"));
    const [third] = views.slice(2);
    expect(third!.hero!.text).toBe(content("hero", "smb-qualified"));
    const cta = content<Cta>("primary-cta", "smb-qualified");
    expect(third!["primary-cta"]).toMatchObject({ variant: "smb-qualified", text: cta.label, href: cta.url });
    const offer = content<Offer>("offer", "smb-qualified");
    expect(third!.offer!.fields.code).toEqual({ text: offer.code, hidden: false });
    await expect(page.textContent("#lf-segment")).resolves.toBe("SMB Qualified");

    const lead = await getLead(email);
    expect(lead).toMatchObject({ segment: { id: "smb-qualified" }, signals: { pricing_views_7d: 3, forms_30d: 1 } });
    expect(errors).toEqual([]);
  });

  it("a CTA click is recorded once even when the page unloads right after it", async () => {
    const email = newEmail();
    const { context, page, errors } = await newVisitor(chromium());
    await page.goto("/demo");
    await applied(page);
    const visitorId = await page.evaluate(() => localStorage.getItem("lf_vid"));
    expect(visitorId).toMatch(/^[0-9a-f-]{36}$/);
    // The site's server verifies the browser (after a login, say): a browser's identify is only a claim.
    expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/visitors`, { visitorId })).status).toBe(200);
    expect(await getLead(email)).not.toBeNull();

    // The CTA is a link: the click navigates away, and the page is closed straight after.
    await page.click('[data-lf-slot="primary-cta"]');
    await page.close();

    await eventually(async () => ((await getLead(email))?.signals.cta_clicks_30d ? true : undefined), "the click");
    // Anything still in flight (a second copy of the click) would land with the next page view.
    const next = await context.newPage();
    await next.goto("/demo/pricing");
    await applied(next);
    expect((await getLead(email))!.signals.cta_clicks_30d).toBe(1);
    expect(countRows("events", `${EVENTS_OF_VISITOR} AND type = 'cta_click'`, visitorId!)).toBe(1);
    expect(errors).toEqual([]);
  });

  it("pushState, replaceState and popstate ask for new content; a #fragment or refresh() does not count twice; lf_preview is passed", async () => {
    const { page, errors } = await newVisitor(chromium());
    const calls: { url: string; eventId: string; referrer?: string; preview?: string }[] = [];
    page.on("request", (r) => {
      const body = r.postDataJSON();
      if (r.url().endsWith("/v1/personalize")) calls.push({ ...body.page, eventId: body.eventId, preview: body.preview });
    });
    const step = async (action: () => Promise<unknown>) => {
      const request = page.waitForRequest("**/v1/personalize");
      await action();
      await (await (await request).response())?.finished();
    };

    await step(() => page.goto("/demo?lf_preview=preview-token"));
    await step(() => page.evaluate(() => history.pushState({}, "", "/demo/pricing")));
    await step(() => page.evaluate(() => history.replaceState({}, "", "/demo/pricing?plan=growth")));
    await step(() => page.evaluate(() => history.back()));
    // Only the fragment changes, then replaceState keeps the same URL: no request for either.
    await page.evaluate(() => {
      location.hash = "plans";
      history.replaceState({}, "", location.href);
    });
    await step(() => page.evaluate(() => (window as any).leadflare.refresh()));
    await step(() => page.evaluate(() => history.pushState({}, "", "/demo/contact")));
    await applied(page);

    const paths = calls.map((c) => new URL(c.url).pathname + new URL(c.url).search);
    const home = "/demo?lf_preview=preview-token";
    expect(paths).toEqual([home, "/demo/pricing", "/demo/pricing?plan=growth", home, home, "/demo/contact"]);
    // A preview link's parameter is passed through, on the pages that carry it.
    expect(calls.map((c) => c.preview)).toEqual(["preview-token", undefined, undefined, "preview-token", "preview-token", undefined]);
    const ids = calls.map((c) => c.eventId);
    expect(ids[4]).toBe(ids[3]); // refresh() of the same page: the same page view
    expect(new Set(ids).size).toBe(5);
    expect(calls[1]!.referrer).toBe(calls[0]!.url);
    expect(errors).toEqual([]);
  });
});
