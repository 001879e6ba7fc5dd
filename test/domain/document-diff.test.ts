import { describe, expect, it } from "vitest";
import { diffDocuments } from "../../src/domain/document-diff";
import { defaultDocCopy, reverseKeys } from "../support/config";

describe("what changed between two documents", () => {
  it("names each changed value with its path, before and after", () => {
    const before = defaultDocCopy();
    const after = defaultDocCopy();
    after.slots.hero!.variants["smb-qualified"] = "A new hero";
    after.segments[1]!.when = { ...after.segments[1]!.when, score: { $gte: 70 } };
    expect(diffDocuments(before, after)).toEqual([
      { path: ["segments", 1, "when", "score", "$gte"], label: "segments.enterprise-hot.when.score.$gte", kind: "changed", before: 65, after: 70 },
      { path: ["slots", "hero", "variants", "smb-qualified"], label: "slots.hero.variants.smb-qualified", kind: "changed", before: "Start your free trial: live in 10 minutes", after: "A new hero" },
    ]);
  });

  it("matches segments by id: a move is one reordering, an addition or removal one change, at its index", () => {
    const before = defaultDocCopy();
    const after = defaultDocCopy();
    const [hot] = after.segments.splice(1, 1);
    after.segments.splice(2, 0, hot!);
    after.segments.splice(4, 1); // mid-market, now at index 4
    after.segments.splice(0, 0, { id: "vip", name: "VIP", when: { "company.domain": "vip.example" } });
    const changes = diffDocuments(before, after);
    expect(changes.map(({ kind, label, path }) => ({ kind, label, path }))).toEqual([
      { kind: "added", label: "segments.vip", path: ["segments", 0] },
      { kind: "removed", label: "segments.mid-market", path: ["segments", 4] },
      { kind: "reordered", label: "segments", path: ["segments"] },
    ]);
    expect(changes[2]).toMatchObject({ before: expect.arrayContaining(["enterprise-hot"]), after: expect.arrayContaining(["enterprise-hot"]) });
    expect((changes[2]!.after as string[]).slice(0, 3)).toEqual(["enterprise", "enterprise-warm", "enterprise-hot"]);
  });

  it("shows lists of plain values whole, objects without ids item by item, and added and removed keys", () => {
    const before = defaultDocCopy();
    const after = defaultDocCopy();
    after.segments[2]!.when = { "engagement.level": { $in: ["high"] }, score: { $gte: 45 } };
    after.pageCategories[0]!.match = "/demo/prices*";
    after.pageCategories.push({ match: "/careers*", category: "careers" });
    delete after.retention;
    after.signals.careers_30d = { event: "page_view", category: "careers", windowDays: 30 };
    expect(diffDocuments(before, after)).toEqual([
      { path: ["pageCategories", 0, "match"], label: "pageCategories[0].match", kind: "changed", before: "/demo/pricing*", after: "/demo/prices*" },
      { path: ["pageCategories", 9], label: "pageCategories[9]", kind: "added", after: { match: "/careers*", category: "careers" } },
      { path: ["signals", "careers_30d"], label: "signals.careers_30d", kind: "added", after: { event: "page_view", category: "careers", windowDays: 30 } },
      {
        path: ["segments", 2, "when", "engagement.level", "$in"],
        label: 'segments.enterprise-warm.when["engagement.level"].$in',
        kind: "changed",
        before: ["high", "medium"],
        after: ["high"],
      },
      { path: ["retention"], label: "retention", kind: "removed", before: { eventsDays: 180, anonymousDays: 90 } },
    ]);
  });

  it("finds nothing between equal documents, whatever their key order", () => {
    const doc = defaultDocCopy();
    expect(diffDocuments(doc, reverseKeys(doc))).toEqual([]);
    expect(diffDocuments(doc, structuredClone(doc))).toEqual([]);
  });
});
