import { describe, expect, it } from "vitest";
import { chooseSlots } from "../../src/domain/content";
import { compile, defaultDocCopy } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 12);

describe("content choice", () => {
  const doc = defaultDocCopy();
  doc.slots.offer!.variants["enterprise-hot"] = { title: "Expired", body: "x", expiresAt: "2026-11-01T00:00:00Z" };
  const config = compile(doc);

  it("takes the segment's own variant, then its parent's, then default", () => {
    const hot = chooseSlots(config, ["enterprise", "enterprise-warm"], NOW);
    expect(hot.hero).toMatchObject({ kind: "text", variant: "enterprise-warm" });
    expect(hot.offer).toMatchObject({ kind: "offer", title: "Executive briefing", variant: "enterprise" });
    const fallback = chooseSlots(config, ["default"], NOW);
    expect(fallback["primary-cta"]).toMatchObject({ kind: "cta", url: "/demo/contact", variant: "default" });
  });

  it("skips an expired offer and falls back up the chain", () => {
    expect(chooseSlots(config, ["enterprise", "enterprise-hot"], NOW).offer).toMatchObject({ variant: "enterprise" });
    expect(chooseSlots(config, ["enterprise", "enterprise-hot"], Date.UTC(2026, 9, 1)).offer).toMatchObject({ title: "Expired" });
  });

  it("returns only the slots asked for", () => {
    expect(Object.keys(chooseSlots(config, ["default"], NOW, ["hero", "nope"]))).toEqual(["hero"]);
  });
});
