import { describe, expect, it } from "vitest";
import { admin, withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { follow, type EmailContentJson } from "../support/email";
import { call, getLead, verifyVisitor, jsonOf, newEmail, newVisitorId, personalize, putLead, SERVER_KEY } from "../support/harness";

/**
 * Ids that are also names of Object.prototype's properties (`constructor`, `toString`,
 * `__proto__`): a segment or slot may be called `constructor` (it is a valid id), and a
 * caller may ask for any slot id. Every look-up by id reads own properties only, so
 * nothing the prototype holds ever becomes content, a link or a 500.
 */

const ORIGIN = "https://leadflare.test";
/** Typed as a plain string: `record.constructor` is `Function` to TypeScript. */
const CONSTRUCTOR: string = "constructor";
const PROTOTYPE_NAMES = ["__proto__", "toString", "constructor", "hasOwnProperty", "valueOf"];

/** The default document plus a segment `constructor` (first, for leads in industry "prototypes") and a cta slot `constructor`. */
function prototypeDocument() {
  const doc: any = defaultDocCopy();
  doc.segments.unshift({ id: "constructor", name: "Constructor", when: { "company.industry": "prototypes" } });
  doc.slots.constructor = {
    kind: "cta",
    variants: {
      default: { label: "Everyone", url: "/demo/contact?slot=constructor" },
      constructor: { label: "Built for you", url: "/demo/pricing?segment=constructor" },
    },
  };
  return doc;
}

async function prototypeLead() {
  const email = newEmail();
  await putLead(email, { company: { industry: "prototypes" } });
  return email;
}

/** What the default document serves to a segment that has no variants of its own. */
const DEFAULT_HERO = () => defaultDocCopy().slots.hero!.variants.default as string;
const LEAKS = /function|native code|undefined|\[object/;

describe("segment and slot ids named like Object.prototype's properties", () => {
  it("personalize serves the segment `constructor` the default variants, and its own slot `constructor`", async () => {
    await withActive(prototypeDocument(), async () => {
      const email = await prototypeLead();
      const visitorId = newVisitorId();
      await verifyVisitor(visitorId, email);
      const result = await personalize(visitorId, "https://site.example/", { slots: [...PROTOTYPE_NAMES, "hero", "primary-cta", "banner"] });
      expect(result.segment).toEqual({ id: "constructor", name: "Constructor", path: ["constructor"] });
      expect(Object.keys(result.slots).sort()).toEqual(["banner", "constructor", "hero", "primary-cta"]);
      expect(result.slots.hero).toEqual({ kind: "text", text: DEFAULT_HERO(), variant: "default" });
      expect(result.slots["primary-cta"]).toEqual({ kind: "cta", label: "Get started", url: "/demo/contact", variant: "default" });
      expect(result.slots.banner).toMatchObject({ kind: "image", src: "/demo/img/banner-default.png", variant: "default" });
      expect(result.slots[CONSTRUCTOR]).toEqual({ kind: "cta", label: "Built for you", url: "/demo/pricing?segment=constructor", variant: "constructor" });
      expect((await getLead(email)).slots.hero).toEqual({ kind: "text", text: DEFAULT_HERO(), variant: "default" });
    });
  });

  it("email content (JSON, HTML, text) and the /r/ and /i/ links never carry a prototype value", async () => {
    await withActive(prototypeDocument(), async () => {
      const email = await prototypeLead();
      const res = await call("GET", `/v1/email/content?email=${encodeURIComponent(email)}&slots=__proto__,constructor,hero,primary-cta,banner`, { key: SERVER_KEY });
      expect(res.status).toBe(200);
      const body = await jsonOf<EmailContentJson>(res);
      expect(body.segment.id).toBe("constructor");
      expect(Object.keys(body.slots).sort()).toEqual(["banner", "constructor", "hero", "primary-cta"]);
      expect(body.slots.hero).toEqual({ kind: "text", text: DEFAULT_HERO(), variant: "default" });
      expect(body.slots["primary-cta"].url).toBe(`${ORIGIN}/demo/contact`);
      expect(Object.keys(body.links).sort()).toEqual(["constructor", "primary-cta"]);

      const clicks = await Promise.all([body.links["primary-cta"]!, body.links[CONSTRUCTOR]!].map((link) => follow(link)));
      expect(clicks.map((r) => [r.status, r.headers.get("location")])).toEqual([
        [302, `${ORIGIN}/demo/contact`],
        [302, `${ORIGIN}/demo/pricing?segment=constructor`],
      ]);
      const open = await follow(body.images.banner!);
      expect([open.status, open.headers.get("location")]).toEqual([302, `${ORIGIN}/demo/img/banner-default.png`]);

      for (const format of ["html", "text"]) {
        const fragments = await call("POST", "/v1/email/content", {
          body: { email, slots: [...PROTOTYPE_NAMES, "hero", "primary-cta"], format },
          key: SERVER_KEY,
        });
        expect(fragments.status).toBe(200);
        const text = await fragments.text();
        expect(text).not.toMatch(LEAKS);
        expect(text).toContain(DEFAULT_HERO());
        expect(text.match(/\/r\/[\w-]+\.[\w-]+/g)).toHaveLength(2);
      }
    });
  });

  it("admin evaluate answers a draft with them, asks for prototype slot names, and refuses undeclared signals named like them", async () => {
    const evaluate = (body: Record<string, unknown>) => admin("POST", "/v1/admin/evaluate", body);
    const res = await evaluate({
      config: prototypeDocument(),
      facts: { company: { industry: "prototypes" } },
      slots: [...PROTOTYPE_NAMES, "hero"],
    });
    expect(res.status).toBe(200);
    const result = await jsonOf(res);
    expect(result.segment.id).toBe("constructor");
    expect(Object.keys(result.slots).sort()).toEqual(["constructor", "hero"]);
    expect(result.slots.hero).toEqual({ kind: "text", text: DEFAULT_HERO(), variant: "default" });

    for (const name of ["constructor", "toString", "hasOwnProperty"]) {
      const refused = await evaluate({ facts: { signals: { [name]: 1 } } });
      expect(refused.status).toBe(422);
      expect((await jsonOf(refused)).error.details.map((d: { path: string }) => d.path)).toEqual([`facts.signals.${name}`]);
    }
  });

  it("a UTM parameter named like a prototype property is missing unless the page URL has it", async () => {
    const doc = defaultDocCopy() as any;
    doc.segments.unshift({ id: "utm-constructor", name: "UTM constructor", when: { "context.utm.constructor": { $exists: true } } });
    const evaluate = async (facts: Record<string, unknown>) => jsonOf(await admin("POST", "/v1/admin/evaluate", { config: doc, facts }));
    const without = await evaluate({});
    expect(without.segment.id).toBe("default");
    expect(without.trace[0]).toEqual({
      segment: "utm-constructor",
      matched: false,
      failed: [{ from: "utm-constructor", clause: { "context.utm.constructor": { $exists: true } }, saw: { "context.utm.constructor": null } }],
    });
    expect((await evaluate({ context: { utm: { constructor: "x" } } })).segment.id).toBe("utm-constructor");
  });
});
