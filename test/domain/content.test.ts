import { describe, expect, it } from "vitest";
import { chooseSlots, slotOrigins } from "../../src/domain/content";
import { shippedConfig } from "../../src/config/shipped";
import { compile, defaultDocCopy } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 12);

describe("content choice", () => {
  const doc = defaultDocCopy();
  doc.slots.offer!.variants["enterprise-hot"] = { title: "Expired", body: "x", expiresAt: "2026-11-01T00:00:00Z" };
  const config = compile(doc);

  it("takes the segment's own variant, then its parent's, then default", () => {
    const warm = chooseSlots(config, ["mid-market", "mid-market-warm"], NOW);
    expect(warm.hero).toMatchObject({ kind: "text", variant: "mid-market-warm" });
    expect(warm.offer).toMatchObject({ kind: "offer", title: "Feature tour", variant: "mid-market" });
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

  it("the shipped default gives every row of the seed table its own route to sales and its own campaign offer", () => {
    const shipped = shippedConfig();
    const rows = ["enterprise-hot", "enterprise-warm", "enterprise-cold", "mid-market-hot", "mid-market-warm", "mid-market-cold", "smb-qualified", "smb-nurture"];
    const chosen = rows.map((id) => {
      const path = shipped.candidates.find((c) => c.def.id === id)!.path;
      const slots = chooseSlots(shipped, path, NOW);
      return { hero: slots.hero, cta: slots["primary-cta"], offer: slots.offer } as Record<string, any>;
    });
    for (const key of ["hero", "cta", "offer"] as const) {
      const distinct = new Set(chosen.map((c) => JSON.stringify(key === "cta" ? c.cta.url : key === "offer" ? c.offer.title : c.hero.text)));
      expect(distinct.size, key).toBe(rows.length);
    }
    // The table's sales actions, as the routes the CTAs take.
    expect(chosen[0]!.cta).toMatchObject({ label: "Talk to your account executive", url: "/demo/contact?route=enterprise-ae" });
    expect(chosen[6]!.cta).toMatchObject({ label: "Start your free trial" });
    expect(chosen[6]!.offer).toMatchObject({ code: "TRIAL30" });
  });
});

describe("where a segment's content comes from", () => {
  const doc = defaultDocCopy();
  doc.slots.offer!.variants["enterprise-hot"] = { title: "Expired", body: "x", expiresAt: "2026-11-01T00:00:00Z" };
  const config = compile(doc);
  const pathOf = (id: string) => config.candidates.find((c) => c.def.id === id)!.path;

  it("tells own, parent group and default for every slot, as chooseSlots chooses", () => {
    const origins = slotOrigins(doc.slots, pathOf("mid-market-warm"), NOW);
    expect(origins).toEqual({
      hero: { kind: "text", variant: "mid-market-warm", level: "own", value: "Every feature your growing team needs, explained" },
      "primary-cta": { kind: "cta", variant: "mid-market-warm", level: "own", value: { label: "Explore the features", url: "/demo/pricing?tour=features" } },
      offer: { kind: "offer", variant: "mid-market", level: "parent", value: { title: "Feature tour", body: "A 5-email course on the features growing teams use first." } },
      banner: { kind: "image", variant: "mid-market", level: "parent", value: expect.objectContaining({ src: "/demo/img/banner-mid-market.png" }) },
    });
    for (const candidate of config.candidates) {
      const chosen = chooseSlots(config, candidate.path, NOW);
      const told = slotOrigins(doc.slots, candidate.path, NOW);
      expect(Object.fromEntries(Object.entries(told).map(([slot, o]) => [slot, o.variant])), candidate.def.id).toEqual(
        Object.fromEntries(Object.entries(chosen).map(([slot, c]) => [slot, c.variant])),
      );
    }
  });

  it("falls back to default, skips an expired offer, and calls the catch-all's own content its own", () => {
    expect(slotOrigins(doc.slots, pathOf("enterprise-cold"), NOW)["primary-cta"]).toMatchObject({ level: "own" });
    expect(slotOrigins(doc.slots, pathOf("enterprise-cold"), NOW).banner).toMatchObject({ level: "parent", variant: "enterprise" });
    expect(slotOrigins(doc.slots, pathOf("smb-nurture"), NOW).offer).toMatchObject({ level: "own" });
    expect(slotOrigins(doc.slots, pathOf("enterprise-hot"), NOW).offer).toMatchObject({ level: "parent", variant: "enterprise" });
    expect(slotOrigins(doc.slots, pathOf("mid-market-cold"), NOW).banner).toMatchObject({ level: "parent", variant: "mid-market" });
    const fromDefault = structuredClone(doc.slots);
    delete fromDefault.hero!.variants["smb-nurture"];
    expect(slotOrigins(fromDefault, pathOf("smb-nurture"), NOW).hero).toMatchObject({ level: "default", variant: "default" });
    expect(slotOrigins(doc.slots, ["default"], NOW).hero).toMatchObject({ level: "own", variant: "default" });
  });
});
