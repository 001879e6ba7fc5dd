import { GrowthBook } from "@growthbook/growthbook";
import { describe, expect, it } from "vitest";
import { assignHoldout, holdoutShare, servedArm } from "../../src/domain/holdout";
import { mulberry32 } from "../support/random";

/**
 * Lead ids shaped as the store makes them (UUIDs), from a seeded generator (mulberry32), so
 * the sample is the same every run: a statistical bound checked on a fixed sample cannot flake.
 */
function leadIds(n: number, seed = 15): string[] {
  const next = mulberry32(seed);
  const hex = (digits: number) => Array.from({ length: digits }, () => Math.floor(next() * 16).toString(16)).join("");
  return Array.from({ length: n }, () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);
}

/** The exact binomial quantiles bounding the central 99.9 % of Binomial(n, p): [low, high]. */
function binomialCentral(n: number, p: number, mass = 0.999): [number, number] {
  const tail = (1 - mass) / 2;
  // pmf(k) built iteratively in log space: no factorials overflow.
  const logPmf = [n * Math.log(1 - p)];
  for (let k = 1; k <= n; k++) logPmf.push(logPmf[k - 1]! + Math.log((n - k + 1) / k) + Math.log(p / (1 - p)));
  let [cdf, low, high] = [0, 0, n];
  for (let k = 0; k <= n; k++) {
    cdf += Math.exp(logPmf[k]!);
    if (cdf < tail) low = k + 1;
    if (cdf >= 1 - tail) {
      high = k;
      break;
    }
  }
  return [low, high];
}

describe("holdout assignment", () => {
  const experiments = { holdout: { global: 0.05, segments: { "smb-qualified": 0.1, "smb-nurture": 0 } } };

  it("puts the configured share in control: 10,000 leads entering a 10 % holdout fall inside the binomial 99.9 % interval", () => {
    const ids = leadIds(10_000);
    const control = ids.filter((id) => assignHoldout(experiments, id, "smb-qualified", "default")!.arm === "control").length;
    const [low, high] = binomialCentral(10_000, 0.1);
    // The exact bounds, about 1,000 ± 3.3 standard deviations (30 leads each).
    expect([low, high]).toEqual([expect.closeTo(901, -1), expect.closeTo(1099, -1)]);
    expect(control).toBeGreaterThanOrEqual(low);
    expect(control).toBeLessThanOrEqual(high);
  });

  it("gives the same lead the same arm every time, and independent arms per segment", () => {
    const ids = leadIds(2_000);
    const first = ids.map((id) => assignHoldout(experiments, id, "smb-qualified", "default")!.arm);
    expect(ids.map((id) => assignHoldout(experiments, id, "smb-qualified", "default")!.arm)).toEqual(first);
    // Another segment's salt: its control is not the same leads (both 5–10 % shares: few overlap).
    const other = ids.map((id) => assignHoldout(experiments, id, "enterprise-hot", "default")!.arm);
    const both = first.filter((arm, i) => arm === "control" && other[i] === "control").length;
    expect(both).toBeLessThan(first.filter((a) => a === "control").length / 2);
  });

  it("matches GrowthBook's SDK: an experiment with weights [share, 1 − share] and the period's salt as seed picks the same arm", () => {
    for (const id of leadIds(500)) {
      const ours = assignHoldout(experiments, id, "smb-qualified", "default")!;
      const gb = new GrowthBook({ attributes: { id } });
      const result = gb.run({ key: "holdout", variations: ["control", "treatment"], weights: [ours.share, 1 - ours.share], seed: ours.salt, hashVersion: 2 });
      expect(result.value).toBe(ours.arm);
    }
  });

  it("takes a segment's own share over the global one, never holds out the catch-all, and starts a new period when a share changes", () => {
    expect(holdoutShare(experiments, "smb-qualified", "default")).toBe(0.1);
    expect(holdoutShare(experiments, "enterprise-hot", "default")).toBe(0.05);
    expect(assignHoldout(experiments, "x", "smb-nurture", "default")).toBeNull();
    expect(assignHoldout(experiments, "x", "default", "default")).toBeNull();
    expect(assignHoldout(undefined, "x", "smb-qualified", "default")).toBeNull();
    const changed = { holdout: { segments: { "smb-qualified": 0.2 } } };
    expect(assignHoldout(changed, "x", "smb-qualified", "default")!.salt).not.toBe(assignHoldout(experiments, "x", "smb-qualified", "default")!.salt);
  });

  it("serves the recorded arm over a fresh assignment, and none to a lead that is not stored", () => {
    const id = leadIds(1, 7)[0]!;
    const fresh = assignHoldout(experiments, id, "smb-qualified", "default")!.arm;
    const recorded = fresh === "control" ? "treatment" : "control";
    expect(servedArm(experiments, { leadId: id }, "smb-qualified", "default")).toBe(fresh);
    expect(servedArm(experiments, { leadId: id, holdouts: { "smb-qualified": recorded } }, "smb-qualified", "default")).toBe(recorded);
    expect(servedArm(experiments, { leadId: null }, "smb-qualified", "default")).toBeNull();
  });
});
