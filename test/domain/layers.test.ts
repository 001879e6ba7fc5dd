import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/domain/config";
import { evaluateLead } from "../../src/domain/evaluate";
import { validateReferences } from "../../src/domain/config";
import { compile, defaultConfig, defaultDocCopy } from "../support/config";

const NOW = Date.UTC(2026, 11, 1);
const lead = (traits: object) => ({ traits, activity: [] });
const SMB_QUALIFIED = { company: { employees: 50 }, person: {} };

describe("content layers", () => {
  it("puts German text on every slot that has it, keeping the segment's offer code, URL and variant", () => {
    const config = defaultConfig();
    const given = { engagement: { level: "high" as const }, score: 80 };
    const german = evaluateLead(config, lead(SMB_QUALIFIED), { language: "de" }, NOW, { given });
    const english = evaluateLead(config, lead(SMB_QUALIFIED), { language: "en" }, NOW, { given });
    expect(german.segment.id).toBe("smb-qualified");
    expect(german.layers).toEqual(["language-de"]);
    expect(german.slots.offer).toMatchObject({ kind: "offer", title: "Ihr Angebot", code: "TRIAL30", variant: "smb-qualified", layer: "language-de" });
    expect(german.slots["primary-cta"]).toMatchObject({ label: "Jetzt ansehen", layer: "language-de" });
    expect((german.slots["primary-cta"] as { url: string }).url).toBe((english.slots["primary-cta"] as { url: string }).url);
    expect(english.layers).toEqual([]);
    expect(english.slots.offer).not.toHaveProperty("layer");
  });

  it("speaks to the vertical within enterprise segments only, and the first matching layer wins per slot", () => {
    const config = defaultConfig();
    const healthcare = evaluateLead(config, lead({ company: { employees: 5000, industry: "healthcare" } }), {}, NOW);
    expect(healthcare.segment.path[0]).toBe("enterprise");
    expect(healthcare.slots.hero).toMatchObject({ text: expect.stringContaining("HIPAA"), layer: "vertical-healthcare" });
    expect(healthcare.slots.offer).toMatchObject({ title: expect.stringContaining("hospital"), layer: "vertical-healthcare" });
    // A small healthcare company is not in an enterprise segment: no vertical layer.
    expect(evaluateLead(config, lead({ company: { employees: 50, industry: "healthcare" } }), {}, NOW).layers).toEqual([]);
    // German and healthcare: language comes first, so its slots are German; the vertical supplies none it shares.
    const both = evaluateLead(config, lead({ company: { employees: 5000, industry: "healthcare" }, person: { department: "finance" } }), { language: "de" }, NOW);
    expect(both.layers).toEqual(["language-de", "vertical-healthcare", "role-finance"]);
    expect(both.slots.hero).toMatchObject({ layer: "language-de" });
    // Finance and marketing readers.
    expect(evaluateLead(config, lead({ person: { department: "finance" } }), {}, NOW).slots.hero).toMatchObject({ text: expect.stringContaining("acquisition cost"), layer: "role-finance" });
    expect(evaluateLead(config, lead({ person: { department: "marketing" } }), {}, NOW).slots.hero).toMatchObject({ layer: "role-marketing" });
  });

  it("refuses layers on an unknown slot, with an unsafe URL, a wrong kind or an unknown fact, naming each path", () => {
    const doc = defaultDocCopy() as ReturnType<typeof defaultDocCopy> & { layers: unknown[] };
    doc.layers = [
      { id: "bad", when: { "person.shoe": "x" }, slots: { nope: "x", "primary-cta": { url: "javascript:alert(1)" }, hero: { text: "not a string" }, offer: {} } },
      { id: "bad", when: {}, slots: {} },
    ];
    const parsed = configSchema.safeParse(doc);
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining([
      "layers.0.slots.nope", "layers.0.slots.primary-cta.url", "layers.0.slots.hero", "layers.0.slots.offer", "layers.0.when.person.shoe", "layers.1.id",
    ]));
    expect(validateReferences(defaultDocCopy())).toEqual([]);
    expect(() => compile(defaultDocCopy())).not.toThrow();
  });
});
