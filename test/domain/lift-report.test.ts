import { describe, expect, it } from "vitest";
import { LIFT_DEFAULTS, type LiftInput, liftRows } from "../../src/domain/lift-report";
import { benjaminiHochberg, holm, leadsNeeded, twoProportionPValue } from "../../src/domain/statistics";

/** A segment with a 10 % holdout whose control converts 5 % of 1,000 leads, and 9,000 treated leads. */
function segment(segmentId: string, treatedConversions: number, overrides: Partial<LiftInput> = {}): LiftInput {
  return {
    segment: segmentId,
    controlShare: 0.1,
    control: { leads: 1000, converted: 50 },
    treatment: { leads: 9000, converted: treatedConversions },
    ...overrides,
  };
}

const only = (input: LiftInput, options = {}) => liftRows([input], options)[0]!;

describe("liftRows' verdicts", () => {
  it("calls a clear rise positive and a clear fall negative, with the rates, intervals and lift", () => {
    const up = only(segment("up", 720)); // 8 % against 5 %
    expect(up.verdict).toBe("positive");
    expect(up.control).toEqual({ leads: 1000, converted: 50, rate: 0.05 });
    expect(up.treatment).toEqual({ leads: 9000, converted: 720, rate: 0.08 });
    expect(up.difference!.estimate).toBeCloseTo(0.03, 12);
    expect(up.difference!.low).toBeGreaterThan(0);
    expect(up.lift!.estimate).toBeCloseTo(0.6, 12);
    expect(up.lift!.low).toBeGreaterThan(0);
    expect(up.pAdjusted).toBe(up.p); // one segment: nothing to adjust for
    expect(up.srm).toEqual({ p: 1, flagged: false });

    const down = only(segment("down", 270)); // 3 %
    expect(down.verdict).toBe("negative");
    expect(down.difference!.high).toBeLessThan(0);
    expect(down.lift!.high).toBeLessThan(0);
  });

  it("leaves a difference within chance inconclusive", () => {
    const row = only(segment("flat", 470)); // 5.2 %
    expect(row.p).toBeGreaterThan(0.5);
    expect(row.verdict).toBe("inconclusive");
  });

  it("asks the adjusted p to be below 1 − confidence: p ≈ 0.022 is positive at 95 % and not at 99 %", () => {
    const input = segment("edge", 90, { control: { leads: 100, converted: 3 }, treatment: { leads: 900, converted: 90 } });
    expect(twoProportionPValue(input.treatment, input.control!)).toBeCloseTo(0.0222, 4);
    expect(only(input).verdict).toBe("positive");
    expect(only(input, { confidence: 0.99 }).verdict).toBe("inconclusive");
  });

  it("gives no verdict below the minimum leads per arm or conversions, but shows what it measured", () => {
    const fewLeads = only(segment("few leads", 720, { control: { leads: 99, converted: 1 } })); // 8 % against 1 %
    expect(fewLeads.p).toBeLessThan(0.05);
    expect(fewLeads.verdict).toBe("inconclusive");
    expect(fewLeads.pAdjusted).toBeNull();
    expect(fewLeads.difference).not.toBeNull();

    const fewConversions = only(segment("few conversions", 9, { control: { leads: 1000, converted: 0 } }));
    expect(fewConversions.verdict).toBe("inconclusive");
    expect(fewConversions.pAdjusted).toBeNull();
    expect(fewConversions.lift).toBeNull(); // no control conversion: no ratio
    // The same counts pass with the minimum lowered, since the z test does not need a ratio.
    expect(only(segment("few conversions", 9, { control: { leads: 1000, converted: 0 } }), { minConversions: 9 }).pAdjusted).not.toBeNull();
  });

  it("flags a broken split and gives no verdict on it, however clear the difference", () => {
    // 10 % configured, 5 % observed over 5,000 leads: the arms are not what was assigned.
    const half = only(segment("half", 720, { control: { leads: 250, converted: 5 }, treatment: { leads: 4750, converted: 380 } }));
    expect(half.srm!.flagged).toBe(true);
    expect(half.srm!.p).toBeLessThan(1e-20);
    expect(half.p).toBeLessThan(1e-3);
    expect(half.verdict).toBe("inconclusive");

    // 10 % configured, none held out over 5,000 leads.
    const none = only(segment("none", 400, { control: { leads: 0, converted: 0 }, treatment: { leads: 5000, converted: 400 } }));
    expect(none.srm!.flagged).toBe(true);
    expect(none.difference).toBeNull();
    expect(none.verdict).toBe("inconclusive");

    // 10.3 % observed over 10,000 is chance (p ≈ 0.32).
    const healthy = only(segment("healthy", 720, { control: { leads: 1030, converted: 52 }, treatment: { leads: 8970, converted: 717 } }));
    expect(healthy.srm!.flagged).toBe(false);
    expect(healthy.verdict).toBe("positive");
  });

  it("answers null for everything a segment without holdout cannot have", () => {
    const row = only(segment("no holdout", 720, { controlShare: null, control: null }));
    for (const key of ["control", "difference", "lift", "p", "pAdjusted", "srm", "leadsNeeded"] as const) expect(row[key], key).toBeNull();
    expect(row.treatment).toEqual({ leads: 9000, converted: 720, rate: 0.08 });
    expect(row.verdict).toBe("inconclusive");
    expect(Object.keys(row)).toHaveLength(10); // nothing else said about it
  });

  it("has no SRM test without a configured share, and gives the treatment no rate without leads", () => {
    const row = only(segment("unconfigured", 0, { controlShare: null, treatment: { leads: 0, converted: 0 } }));
    expect(row.srm).toBeNull();
    expect(row.treatment.rate).toBeNull();
    expect(row.p).toBeNull();
  });
});

describe("liftRows across segments", () => {
  // p ≈ 0.012, 0.032 and 0.040, among a segment without holdout and one below the minimums.
  const inputs = [
    segment("a", 640),
    segment("no holdout", 900, { controlShare: null, control: null }),
    segment("b", 610),
    segment("small", 60, { control: { leads: 50, converted: 1 }, treatment: { leads: 450, converted: 60 } }),
    segment("c", 602),
  ];
  const family = [0, 2, 4];

  it("adjusts over the segments with a control and enough data, in input order", () => {
    const ps = family.map((i) => twoProportionPValue(inputs[i]!.treatment, inputs[i]!.control!));
    for (const [adjust, adjusted] of [["holm", holm(ps)], ["bh", benjaminiHochberg(ps)]] as const) {
      const rows = liftRows(inputs, { adjust });
      expect(rows.map((r) => r.segment)).toEqual(inputs.map((i) => i.segment));
      expect(family.map((i) => rows[i]!.pAdjusted)).toEqual(adjusted);
      expect(rows[1]!.pAdjusted).toBeNull();
      expect(rows[3]!.pAdjusted).toBeNull();
    }
  });

  it("calls one positive under Holm and all three under BH, Holm being the default", () => {
    const verdicts = (rows: ReturnType<typeof liftRows>) => family.map((i) => rows[i]!.verdict);
    expect(verdicts(liftRows(inputs, { adjust: "holm" }))).toEqual(["positive", "inconclusive", "inconclusive"]);
    expect(verdicts(liftRows(inputs, { adjust: "bh" }))).toEqual(["positive", "positive", "positive"]);
    expect(LIFT_DEFAULTS.adjust).toBe("holm");
    expect(liftRows(inputs)).toEqual(liftRows(inputs, { adjust: "holm" }));
  });
});

describe("liftRows' leads needed", () => {
  it("is what leadsNeeded asks from the control's rate and the configured split, less what the segment has", () => {
    const row = only(segment("small lift", 470, { control: { leads: 1000, converted: 50 }, treatment: { leads: 9000, converted: 470 } }));
    expect(row.leadsNeeded).toBe(leadsNeeded(0.05, LIFT_DEFAULTS.relativeMde, 0.1, 0.05, 0.8) - 10_000);
    expect(only(segment("big lift", 470), { relativeMde: 0.5 }).leadsNeeded).toBe(0); // 8,097 are enough
  });

  it("plans from the pooled rate while the control has no conversion, and from nothing without any", () => {
    const pooled = only(segment("pooled", 36, { control: { leads: 200, converted: 0 }, treatment: { leads: 1800, converted: 36 } }));
    expect(pooled.leadsNeeded).toBe(leadsNeeded(36 / 2000, 0.1, 0.1, 0.05, 0.8) - 2000);
    const nothing = only(segment("nothing", 0, { control: { leads: 200, converted: 0 }, treatment: { leads: 1800, converted: 0 } }));
    expect(nothing.leadsNeeded).toBeNull();
  });

  it("asks at least for the minimum leads in the smaller arm", () => {
    // A 50 % lift on a 40 % rate needs few leads; the 100-lead minimum of the 10 % control needs 1,000.
    const row = only(segment("high rate", 10, { control: { leads: 10, converted: 4 }, treatment: { leads: 90, converted: 54 } }), { relativeMde: 0.5 });
    expect(leadsNeeded(0.4, 0.5, 0.1)).toBeLessThan(1000);
    expect(row.leadsNeeded).toBe(900);
  });

  it("refuses a planned lift that is not a lift", () => {
    expect(() => liftRows([segment("a", 500)], { relativeMde: 0 })).toThrow(RangeError);
  });
});
