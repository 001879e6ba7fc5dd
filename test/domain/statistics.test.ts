import { describe, expect, it } from "vitest";
import {
  benjaminiHochberg,
  holm,
  katzRiskRatio,
  leadsForPower,
  leadsNeeded,
  newcombeDifference,
  relativeLift,
  srmTest,
  twoProportionPValue,
  wilsonInterval,
} from "../../src/domain/statistics";
import fixtures from "../fixtures/statistics.json";

// Made by scripts/stats-fixtures.py with statsmodels and scipy (an independent implementation).
// Every value is checked to 1e-6 relative; a value that can be 0 also passes within a floor
// that only an exact 0 (or the rounding around it) falls under.
interface Tolerance {
  relative: number;
  absolute: number;
}
/**
 * Rates, differences and their bounds (a bound of 0 may come out as ±1e-17), risk ratios from
 * 0.001 to 1000, chi-square statistics, sample sizes up to millions: relative, whatever the size.
 */
const VALUE: Tolerance = { relative: 1e-6, absolute: 1e-12 };
/** p-values: relative all the way down (the fixtures' smallest is 1e-257), so no absolute floor but underflow's. */
const P_VALUE: Tolerance = { relative: 1e-6, absolute: 1e-300 };

function expectClose(actual: number, expected: number, tolerance: Tolerance, label: string): void {
  const allowed = Math.max(tolerance.absolute, tolerance.relative * Math.abs(expected));
  expect(Math.abs(actual - expected), `${label}: ${actual}, statsmodels ${expected}`).toBeLessThanOrEqual(allowed);
}

function expectEstimate(actual: { estimate?: number; low: number; high: number }, expected: typeof actual, tolerance: Tolerance, label: string) {
  for (const key of ["estimate", "low", "high"] as const) {
    if (expected[key] !== undefined) expectClose(actual[key]!, expected[key], tolerance, `${label} ${key}`);
  }
}

const armText = (arm: { converted: number; leads: number }) => `${arm.converted}/${arm.leads}`;

describe("statistics against statsmodels and scipy", () => {
  it("has fixtures from every family (the script was run to the end)", () => {
    expect(fixtures.wilson.length).toBeGreaterThan(100);
    expect(fixtures.twoArms.length).toBeGreaterThan(500);
    expect(fixtures.srm.length).toBeGreaterThan(50);
    expect(fixtures.adjustment.length).toBeGreaterThan(10);
    expect(fixtures.sampleSize.length).toBeGreaterThan(500);
  });

  it("Wilson intervals: proportion_confint(method='wilson')", () => {
    for (const row of fixtures.wilson) {
      expectEstimate(wilsonInterval(row.x, row.n, row.confidence), row, VALUE, `wilson ${row.x}/${row.n} at ${row.confidence}`);
    }
  });

  it("differences: confint_proportions_2indep(method='newcomb', compare='diff')", () => {
    for (const row of fixtures.twoArms) {
      const label = `newcombe ${armText(row.treatment)} − ${armText(row.control)} at ${row.confidence}`;
      expectEstimate(newcombeDifference(row.treatment, row.control, row.confidence), row.difference, VALUE, label);
    }
  });

  it("risk ratios: confint_proportions_2indep(method='log', compare='ratio'), null where statsmodels divides by zero", () => {
    let nulls = 0;
    for (const row of fixtures.twoArms) {
      const label = `katz ${armText(row.treatment)} / ${armText(row.control)} at ${row.confidence}`;
      const ratio = katzRiskRatio(row.treatment, row.control, row.confidence);
      if (row.ratio === null) {
        nulls++;
        expect(ratio, label).toBeNull();
        expect(relativeLift(row.treatment, row.control, row.confidence), label).toBeNull();
      } else {
        expect(ratio, label).not.toBeNull();
        expectEstimate(ratio!, row.ratio, VALUE, label);
        const lift = relativeLift(row.treatment, row.control, row.confidence)!;
        expectEstimate(lift, { estimate: row.ratio.estimate - 1, low: row.ratio.low - 1, high: row.ratio.high - 1 }, VALUE, `lift ${label}`);
      }
    }
    expect(nulls).toBeGreaterThan(0);
  });

  it("p-values: proportions_ztest, and 1 where both rates are 0 or both 1 (statsmodels: nan)", () => {
    let defined = 0;
    for (const row of fixtures.twoArms) {
      if (row.pDefined) defined++;
      const label = `z test ${armText(row.treatment)} vs ${armText(row.control)}`;
      expectClose(twoProportionPValue(row.treatment, row.control), row.p, P_VALUE, label);
    }
    expect(defined).toBeGreaterThan(0);
  });

  it("sample ratio mismatch: scipy.stats.chisquare against the configured share", () => {
    for (const row of fixtures.srm) {
      const label = `srm ${row.control}:${row.treatment} at ${row.controlShare}`;
      const { statistic, p } = srmTest(row.control, row.treatment, row.controlShare);
      expectClose(statistic, row.statistic, VALUE, `${label} statistic`);
      expectClose(p, row.p, P_VALUE, `${label} p`);
    }
  });

  it("Holm and Benjamini–Hochberg: multipletests(method='holm' and 'fdr_bh'), in the order given", () => {
    for (const row of fixtures.adjustment) {
      const label = `[${row.p.join(", ")}]`;
      const [byHolm, byBh] = [holm(row.p), benjaminiHochberg(row.p)];
      expect(byHolm).toHaveLength(row.p.length);
      expect(byBh).toHaveLength(row.p.length);
      row.holm.forEach((expected, i) => expectClose(byHolm[i]!, expected, P_VALUE, `holm ${label}[${i}]`));
      row.bh.forEach((expected, i) => expectClose(byBh[i]!, expected, P_VALUE, `bh ${label}[${i}]`));
    }
  });

  it("sample sizes: NormalIndPower().solve_power with Cohen's h, both arms, two tails", () => {
    for (const row of fixtures.sampleSize) {
      const args = [row.baselineRate, row.relativeMde, row.controlShare, row.alpha, row.power] as const;
      const label = `leads for ${args.join(", ")}`;
      const exact = leadsForPower(...args);
      expectClose(exact, row.total, VALUE, label);
      expect(leadsNeeded(...args), label).toBe(Math.ceil(exact));
      // Whole leads agree too, but where statsmodels' total is within the tolerance of a whole number.
      if (Math.ceil(row.total * (1 - 1e-6)) === Math.ceil(row.total * (1 + 1e-6))) expect(leadsNeeded(...args), label).toBe(Math.ceil(row.total));
    }
  });
});

describe("statistics at their edges", () => {
  it("keeps Wilson's interval inside [0, 1] at no conversions and at all of them", () => {
    expect(wilsonInterval(0, 50).low).toBeCloseTo(0, 15);
    expect(wilsonInterval(50, 50).high).toBeCloseTo(1, 15);
    expect(wilsonInterval(0, 50).high).toBeGreaterThan(0.05);
  });

  it("narrows with the confidence: 99 % holds 95 %, which holds 80 %", () => {
    const [wide, mid, narrow] = [0.99, 0.95, 0.8].map((c) => wilsonInterval(30, 400, c));
    expect(wide!.low).toBeLessThan(mid!.low);
    expect(mid!.low).toBeLessThan(narrow!.low);
    expect(narrow!.high).toBeLessThan(mid!.high);
    expect(mid!.high).toBeLessThan(wide!.high);
  });

  it("refuses counts that are not counts and confidences outside (0, 1)", () => {
    expect(() => wilsonInterval(1, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 10, 1)).toThrow(RangeError);
    expect(() => newcombeDifference({ leads: 10, converted: 1 }, { leads: 10, converted: 1 }, 0)).toThrow(RangeError);
    expect(() => katzRiskRatio({ leads: 0, converted: 0 }, { leads: 10, converted: 1 })).toThrow(RangeError);
    expect(() => twoProportionPValue({ leads: 10, converted: 1 }, { leads: 10, converted: 12 })).toThrow(RangeError);
    expect(() => srmTest(10, 90, 1)).toThrow(RangeError);
    expect(() => srmTest(-1, 90, 0.1)).toThrow(RangeError);
    expect(() => holm([0.5, Number.NaN])).toThrow(RangeError);
    expect(() => benjaminiHochberg([1.5])).toThrow(RangeError);
    expect(() => leadsForPower(0.5, 1.5, 0.1)).toThrow(RangeError);
    expect(() => leadsForPower(0.05, 0.1, 0)).toThrow(RangeError);
    expect(() => leadsForPower(0.05, 0.1, 0.1, 0.05, 0.05)).toThrow(RangeError);
  });

  it("answers p = 1 and SRM p = 1 where nothing can differ", () => {
    expect(twoProportionPValue({ leads: 30, converted: 0 }, { leads: 300, converted: 0 })).toBe(1);
    expect(twoProportionPValue({ leads: 30, converted: 30 }, { leads: 300, converted: 300 })).toBe(1);
    expect(srmTest(0, 0, 0.1)).toEqual({ statistic: 0, p: 1 });
    expect(srmTest(100, 900, 0.1)).toEqual({ statistic: 0, p: 1 });
  });

  it("adjusts nothing for one test, and nothing at all for none", () => {
    expect(holm([0.03])).toEqual([0.03]);
    expect(benjaminiHochberg([0.03])).toEqual([0.03]);
    expect(holm([])).toEqual([]);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it("needs no finite sample for no effect, and more leads the more unbalanced the split", () => {
    expect(leadsForPower(0.05, 0, 0.1)).toBe(Infinity);
    expect(leadsForPower(0, 0.5, 0.1)).toBe(Infinity);
    const balanced = leadsNeeded(0.05, 0.2, 0.5);
    expect(leadsNeeded(0.05, 0.2, 0.1)).toBeGreaterThan(2.5 * balanced);
    expect(leadsNeeded(0.05, 0.2, 0.9)).toBe(leadsNeeded(0.05, 0.2, 0.1));
  });
});
