import { describe, expect, it } from "vitest";
import { getActive, putConfig, withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { BROWSER_UA, emailContent } from "../support/email";
import { jsonOf, newVisitorId, personalizeRequest, workerFetch } from "../support/harness";
import { hook, pricingView, routedEnv, settle, smbLead } from "../support/routing";

/** Content layers through the worker: one resolver for the site API and email; refused when invalid. */
describe("content layers", () => {
  it("gives a German-language request German text with the segment's offer code intact", async () => {
    const testEnv = routedEnv((await hook()).url);
    const { visitor, email } = await smbLead(testEnv);
    for (let i = 0; i < 3; i++) expect((await pricingView(testEnv, visitor)).status).toBe(200);
    const page = (language: string) =>
      settle(testEnv, new Request("https://leadflare.test/v1/personalize", {
        method: "POST", headers: { "content-type": "application/json", "user-agent": BROWSER_UA, "accept-language": language },
        body: JSON.stringify({ visitorId: visitor, page: { url: "/blog/post" } }),
      }));
    const german = await jsonOf(await page("de-DE,de;q=0.9,en;q=0.5"));
    expect(german.segment.id).toBe("smb-qualified");
    expect(german.slots.offer).toMatchObject({ title: "Ihr Angebot", code: "TRIAL30", variant: "smb-qualified", layer: "language-de" });
    expect(german.slots.hero.text).toMatch(/Botschaft/);
    const english = await jsonOf(await page("en-GB"));
    expect(english.slots.offer).toMatchObject({ code: "TRIAL30", variant: "smb-qualified" });
    expect(english.slots.offer.layer).toBeUndefined();
    // Email has no reader's language (the ESP's server calls): the segment's own text.
    expect((await emailContent({ email, slots: "offer" })).slots.offer).toMatchObject({ code: "TRIAL30", variant: "smb-qualified" });
  });

  it("refuses a layer on an unknown slot or with an unsafe URL: 422 with the path, nothing activated", async () => {
    const before = await getActive();
    const doc = { ...defaultDocCopy(), layers: [{ id: "x", when: { "company.industry": "retail" }, slots: { sidebar: "hi", "primary-cta": { url: "javascript:alert(1)" } } }] };
    const res = await putConfig(doc, before.version);
    expect(res.status).toBe(422);
    const paths = ((await jsonOf(res)).error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["document.layers[0].slots.sidebar", 'document.layers[0].slots["primary-cta"].url']));
    expect((await getActive()).version).toBe(before.version);
  });

  it("sees a browser's country (request.cf.country) in a POST, whose body the worker reads first", async () => {
    const doc = { ...defaultDocCopy(), layers: [{ id: "country-ch", when: { "context.country": "CH" }, slots: { hero: "Grüezi" } }] };
    await withActive(doc, async () => {
      const request = personalizeRequest(newVisitorId(), "/blog", { "user-agent": BROWSER_UA });
      const swiss = await jsonOf(await workerFetch(new Request(request, { cf: { country: "CH" } } as RequestInit)));
      expect(swiss.slots.hero).toMatchObject({ text: "Grüezi", layer: "country-ch" });
    });
  });
});
