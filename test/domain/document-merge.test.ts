import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeDocuments } from "../../src/domain/document-merge";

const base = {
  segments: [
    { id: "a", label: "A", when: { score: { $gte: 50 } } },
    { id: "b", label: "B" },
    { id: "c", label: "C" },
  ],
  slots: { hero: { default: "Hi", variants: { a: "Hi A", b: "Hi B" } } },
};
const copy = <T>(v: T): T => structuredClone(v);

describe("mergeDocuments", () => {
  it("keeps both sides' edits of different values, segments matched by id", () => {
    const mine = copy(base);
    mine.slots.hero.variants.a = "Mine A";
    mine.segments[0]!.when!.score.$gte = 65;
    const theirs = copy(base);
    theirs.slots.hero.variants.b = "Their B";
    theirs.segments.splice(1, 1); // they removed b
    theirs.segments.push({ id: "d", label: "D" });
    const { document, overridden } = mergeDocuments(base, mine, theirs);
    expect(document).toEqual({
      segments: [
        { id: "a", label: "A", when: { score: { $gte: 65 } } },
        { id: "c", label: "C" },
        { id: "d", label: "D" },
      ],
      slots: { hero: { default: "Hi", variants: { a: "Mine A", b: "Their B" } } },
    });
    expect(overridden).toEqual([]);
  });

  it("where both changed one value differently the draft wins, and the place is named", () => {
    const mine = copy(base);
    mine.slots.hero.variants.a = "Mine";
    const theirs = copy(base);
    theirs.slots.hero.variants.a = "Theirs";
    expect(mergeDocuments(base, mine, theirs)).toEqual({
      document: { ...base, slots: { hero: { default: "Hi", variants: { a: "Mine", b: "Hi B" } } } },
      overridden: [["slots", "hero", "variants", "a"]],
    });
  });

  it("the draft's reordering of segments is kept, with a segment they added next to its neighbour", () => {
    const mine = copy(base);
    mine.segments.reverse(); // c, b, a
    const theirs = copy(base);
    theirs.segments.splice(1, 0, { id: "x", label: "X" }); // a, x, b, c
    const merged = mergeDocuments(base, mine, theirs).document as typeof base;
    expect(merged.segments.map((s) => s.id)).toEqual(["c", "b", "a", "x"]);
  });

  it("a key the draft deleted stays deleted unless they changed it", () => {
    const mine = copy(base) as { slots: { hero: { variants: Record<string, string> } } };
    delete mine.slots.hero.variants.b;
    const theirs = copy(base);
    theirs.slots.hero.default = "Hello";
    const merged = mergeDocuments(base, mine, theirs).document as typeof base;
    expect(merged.slots.hero).toEqual({ default: "Hello", variants: { a: "Hi A" } });
  });

  // Documents travel as JSON text, where -0 is 0: fc.jsonValue can produce -0, a value no
  // document the merge ever sees has, so round-trip it through JSON first.
  const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
  it("with one side unchanged the other side is the result, whatever the documents", () => {
    fc.assert(
      fc.property(json, json, (b, other) => {
        expect(mergeDocuments(b, b, other)).toEqual({ document: other, overridden: [] });
        expect(mergeDocuments(b, other, b)).toEqual({ document: other, overridden: [] });
      }),
    );
  });

  it("edits of two different top-level keys both survive, whatever their values", () => {
    fc.assert(
      fc.property(json, json, json, json, (x, y, x2, y2) => {
        const b = { x, y };
        const { document } = mergeDocuments(b, { x: x2, y }, { x, y: y2 });
        expect(document).toEqual({ x: x2, y: y2 });
      }),
    );
  });
});
