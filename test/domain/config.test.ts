import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/domain/config";
import { defaultDocCopy } from "../support/config";
import { SAFE_CONTENT_URLS, UNSAFE_CONTENT_URLS } from "../support/urls";

function problemsOf(edit: (doc: any) => unknown) {
  const doc: any = defaultDocCopy();
  edit(doc);
  const result = configSchema.safeParse(doc);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("configuration validation", () => {
  it("accepts the shipped default", () => {
    expect(problemsOf(() => {})).toEqual([]);
  });

  it.each<[string, (doc: any) => unknown, string, RegExp]>([
    ["an unknown field", (d) => (d.segments[1].colour = "red"), "segments.1", /colour/],
    ["an unknown operator", (d) => (d.segments[1].when.score = { $gtee: 65 }), "segments.1.when.score.$gtee", /unknown operator/],
    ["an unknown logical operator", (d) => (d.segments[1].when = { $xor: [] }), "segments.1.when.$xor", /unknown operator/],
    ["a fact no one provides", (d) => (d.segments[1].when = { "company.size": 5 }), "segments.1.when.company.size", /no fact provides/],
    ["an undeclared signal", (d) => (d.segments[1].when = { "signals.nope_7d": { $gte: 1 } }), "segments.1.when.signals.nope_7d", /no fact/],
    ["a parent that does not exist", (d) => (d.segments[1].parent = "nowhere"), "segments.1.parent", /not a segment/],
    ["a parent cycle", (d) => ((d.segments[0].parent = "enterprise-hot"), (d.segments[1].group = true)), "segments.0.parent", /cycle/],
    ["content for a segment that does not exist", (d) => (d.slots.hero.variants.ghost = "Boo"), "slots.hero.variants.ghost", /unknown segment/],
    ["an unknown slot kind", (d) => (d.slots.hero.kind = "video"), "slots.hero.kind", /./],
    ["a slot without a default", (d) => delete d.slots.hero.variants.default, "slots.hero.variants", /default/],
    ["a duplicate segment id", (d) => (d.segments[2].id = "enterprise-hot"), "segments.2.id", /duplicate/],
    ["no catch-all at the end", (d) => d.segments.pop(), "segments.11", /catch-all/],
    ["a javascript: CTA url", (d) => (d.slots["primary-cta"].variants.default.url = "javascript:alert(1)"), "slots.primary-cta.variants.default.url", /http/],
    ["a segment id with _", (d) => (d.segments[3].id = "enterprise_cold"), "segments.3.id", /letters, digits and -/],
    ["a parent id with upper case", (d) => (d.segments[3].parent = "Enterprise"), "segments.3.parent", /letters, digits and -/],
    ["a slot id with upper case", (d) => (d.slots.Foo = d.slots.hero), "slots.Foo", /"Foo": lower-case letters, digits and -/],
    ["a slot id with _", (d) => (d.slots.my_slot = d.slots.hero), "slots.my_slot", /letters, digits and -/],
    ["a variant key with _", (d) => (d.slots.hero.variants.smb_nurture = "Hi"), "slots.hero.variants.smb_nurture", /letters, digits and -/],
    ["a signal id with upper case", (d) => (d.signals.Pricing = d.signals.pricing_views_7d), "signals.Pricing", /"Pricing": lower-case letters, digits, - and _/],
    ["a level that depends on the score", (d) => (d.scoring.engagement.levels.high.orWhen = { score: { $gte: 1 } }), "scoring.engagement.levels.high.orWhen.score", /no fact/],
  ])("rejects %s with its path", (_, edit, path, message) => {
    const problems = problemsOf(edit);
    expect(problems.map((p) => p.path)).toContain(path);
    expect(problems.find((p) => p.path === path)!.message).toMatch(message);
  });

  it.each(UNSAFE_CONTENT_URLS)("rejects the content URL %j with its path, in a CTA and in an image", (url) => {
    const problems = problemsOf((d) => {
      d.slots["primary-cta"].variants.default.url = url;
      d.slots.banner.variants.default.src = url;
    });
    expect(problems.map((p) => p.path)).toEqual(["slots.primary-cta.variants.default.url", "slots.banner.variants.default.src"]);
    for (const problem of problems) expect(problem.message).toMatch(/http\(s\) URL or a path/);
  });

  it.each(SAFE_CONTENT_URLS)("accepts the content URL %j", (url) => {
    expect(problemsOf((d) => (d.slots["primary-cta"].variants.default.url = url))).toEqual([]);
  });

  it("keeps _ in signal ids and page categories, and takes a segment and a slot called constructor", () => {
    expect(
      problemsOf((d) => {
        d.signals.docs_views_7d = { event: "page_view", category: "api_docs", windowDays: 7 };
        d.pageCategories.unshift({ match: "/api*", category: "api_docs" });
        d.segments.unshift({ id: "constructor", name: "Constructor", when: { "signals.docs_views_7d": { $gte: 1 } } });
        d.slots.constructor = { kind: "text", variants: { default: "Hi", constructor: "Built" } };
      }),
    ).toEqual([]);
  });

  it("reports every problem at once", () => {
    const problems = problemsOf((d) => {
      d.segments[1].parent = "nowhere";
      d.slots.hero.variants.ghost = "Boo";
    });
    expect(problems.map((p) => p.path).sort()).toEqual(["segments.1.parent", "slots.hero.variants.ghost"]);
  });

  it("reports every problem at once also when a URL is not one (one problem for it)", () => {
    const problems = problemsOf((d) => {
      d.slots["primary-cta"].variants.default.url = "javascript:alert(1)";
      d.slots.hero.variants.ghost = "Boo";
    });
    expect(problems.map((p) => p.path).sort()).toEqual(["slots.hero.variants.ghost", "slots.primary-cta.variants.default.url"]);
  });
});
