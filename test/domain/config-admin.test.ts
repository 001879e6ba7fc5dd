import { describe, expect, it } from "vitest";
import { explainMiss } from "../../src/domain/conditions";
import { configSchema } from "../../src/domain/config";
import { describeChanges, sameJson } from "../../src/domain/config-changes";
import { createPreviewLink, resolvePreview } from "../../src/domain/preview";
import { checkGivenFacts } from "../../src/domain/what-if";
import { compile, defaultDocCopy, reverseKeys } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 12);
const SECRET = "preview-secret";

describe("describeChanges (the audit's 'what')", () => {
  it("names changed, added, removed and reordered items, and ignores key order", () => {
    const before = defaultDocCopy();
    const after = defaultDocCopy();
    after.slots.hero!.variants.default = "New";
    after.signals.docs_views_7d = { event: "page_view", category: "docs", windowDays: 7 };
    delete after.slots.offer;
    after.segments.find((s) => s.id === "smb-qualified")!.when = { score: { $gte: 60 } };
    expect(describeChanges(before, after)).toEqual([
      "signals.docs_views_7d added",
      "segments.smb-qualified changed",
      "slots.hero changed",
      "slots.offer removed",
    ]);
    const withConstructor: any = defaultDocCopy();
    withConstructor.segments.unshift({ id: "constructor", name: "Constructor", when: { score: { $gte: 99 } } });
    withConstructor.slots.constructor = { kind: "text", variants: { default: "Hi" } };
    expect(describeChanges(before, withConstructor)).toEqual(["segments.constructor added", "slots.constructor added"]);
    expect(describeChanges(withConstructor, before)).toEqual(["segments.constructor removed", "slots.constructor removed"]);
    const reordered = defaultDocCopy();
    [reordered.segments[1], reordered.segments[2]] = [reordered.segments[2]!, reordered.segments[1]!];
    expect(describeChanges(before, reordered)).toEqual(["segments reordered"]);
    expect(describeChanges(before, reverseKeys(before))).toEqual([]);
    expect(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});

describe("validation reads broken documents without throwing", () => {
  it.each([["a string", "nope"], ["null", null], ["wrong shapes", { segments: 5, slots: [], scoring: { fit: { rules: "x" } } }]])(
    "%s → problems, not an exception",
    (_, input) => {
      const result = configSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error!.issues.length).toBeGreaterThan(0);
    },
  );
});

describe("explainMiss", () => {
  it("names the operator of a range that failed, with the value seen", () => {
    const condition = { "company.employees": { $gte: 200, $lte: 999 }, score: { $gte: 35 } };
    expect(explainMiss({ company: { employees: 1500 }, score: 50 }, condition)).toEqual([
      { clause: { "company.employees": { $lte: 999 } }, saw: { "company.employees": 1500 } },
    ]);
    // A missing fact is shown as null (GrowthBook compares it as null: `null <= 999` holds).
    expect(explainMiss({ company: {}, score: 10 }, condition)).toEqual([
      { clause: { "company.employees": { $gte: 200 } }, saw: { "company.employees": null } },
      { clause: { score: { $gte: 35 } }, saw: { score: 10 } },
    ]);
  });
});

describe("preview tokens", () => {
  const config = compile(defaultDocCopy());

  it("a link resolves to its segment's content until it expires", async () => {
    const link = await createPreviewLink(SECRET, "smb-qualified", "https://site.example/?a=1", NOW, 600);
    expect(new URL(link.url).searchParams.get("lf_preview")).toBe(link.token);
    const shown = await resolvePreview(SECRET, link.token, config, NOW + 599_000);
    expect(shown?.segment).toEqual({ id: "smb-qualified", name: "SMB Qualified", path: ["smb", "smb-qualified"] });
    expect(shown?.slots.offer).toMatchObject({ code: "TRIAL30" });
    expect(await resolvePreview(SECRET, link.token, config, NOW + 600_000)).toBeNull();
    expect(await resolvePreview("other", link.token, config, NOW)).toBeNull();
    expect(await resolvePreview(undefined, link.token, config, NOW)).toBeNull();
  });

  it("a token for a segment the configuration no longer has, or for a group, shows nothing", async () => {
    for (const segment of ["retired-segment", "enterprise"]) {
      const link = await createPreviewLink(SECRET, segment, "https://site.example/", NOW, 600);
      expect(await resolvePreview(SECRET, link.token, config, NOW)).toBeNull();
    }
  });
});

describe("what-if inputs", () => {
  it("flags signals the configuration does not declare, by path", () => {
    const doc = defaultDocCopy();
    expect(checkGivenFacts(doc, { signals: { pricing_views_7d: 3, nope: 1 } })).toEqual([
      { path: ["signals", "nope"], message: expect.stringContaining("not declared") },
    ]);
    expect(checkGivenFacts(doc, undefined)).toEqual([]);
  });
});
