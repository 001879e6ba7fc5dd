import { cumulativeNormal } from "vega-statistics";
import type { Arm } from "./statistics";

/**
 * Pearson's chi-square test of homogeneity for k groups' conversion rates (a k × 2 table), as
 * scipy's chi2_contingency(table, correction=False): do sibling segments (Hot, Warm, Cold of
 * one tier) convert differently at all? Checked against scipy's fixtures
 * (test/fixtures/statistics.json, scripts/stats-fixtures.py).
 */
export function homogeneityTest(groups: Arm[]): { statistic: number; df: number; p: number } | null {
  const used = groups.filter((g) => g.leads > 0);
  const leads = used.reduce((n, g) => n + g.leads, 0);
  const converted = used.reduce((n, g) => n + g.converted, 0);
  // One group, or nobody (or everybody) converted: no contrast to test.
  if (used.length < 2 || converted === 0 || converted === leads) return null;
  const rate = converted / leads;
  let statistic = 0;
  for (const g of used) {
    const [yes, no] = [g.leads * rate, g.leads * (1 - rate)];
    statistic += (g.converted - yes) ** 2 / yes + (g.leads - g.converted - no) ** 2 / no;
  }
  const df = used.length - 1;
  return { statistic, df, p: chiSquareSurvival(statistic, df) };
}

/**
 * P(X ≥ x) for X ~ chi-square with a whole number of degrees of freedom, in closed form (no
 * incomplete gamma needed for whole df): for even df 2m, e^(−x/2) Σ_{i<m} (x/2)^i / i!; for odd df
 * 2m + 1, 2(1 − Φ(√x)) + √(2/π) e^(−x/2) Σ_{i=1..m} x^(i − 1/2) / (1·3···(2i − 1)).
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a whole number above 0, not ${df}`);
  if (x <= 0) return 1;
  let sum = 0;
  if (df % 2 === 0) {
    let term = 1;
    for (let i = 0; i < df / 2; i++) {
      if (i > 0) term *= x / 2 / i;
      sum += term;
    }
    return Math.min(1, Math.exp(-x / 2) * sum);
  }
  let term = Math.sqrt(x);
  for (let i = 1; i <= (df - 1) / 2; i++) {
    if (i > 1) term *= x / (2 * i - 1);
    sum += term;
  }
  return Math.min(1, 2 * cumulativeNormal(-Math.sqrt(x)) + Math.sqrt(2 / Math.PI) * Math.exp(-x / 2) * sum);
}
