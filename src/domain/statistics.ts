import { cumulativeNormal, densityNormal, quantileNormal } from "vega-statistics";

/**
 * The statistics of a holdout: one arm's leads and conversions against another's. Pure; each
 * function is the one named in statsmodels or scipy, and test/fixtures/statistics.json (made by
 * scripts/stats-fixtures.py) holds their answers for these to match.
 *
 * The normal distribution is vega-statistics' (West's cumulative normal, Giles' inverse error
 * function): within 1e-8 relative of scipy's, and about 1.5 KB gzipped to the worker where
 * @stdlib's normal cdf and quantile were about 14 KB (their helpers come along).
 */

/** One arm of a comparison: its leads and how many of them converted. */
export interface Arm {
  leads: number;
  converted: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface Estimate extends Interval {
  estimate: number;
}

/** z with P(|Z| ≤ z) = confidence: the critical value of a two-sided interval (scipy's norm.isf(α/2)). */
function critical(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, not ${confidence}`);
  return -quantileNormal((1 - confidence) / 2);
}

/** P(|Z| ≥ |z|) for a standard normal Z, from the lower tail so that tiny p-values keep their digits. */
function twoSided(z: number): number {
  return 2 * cumulativeNormal(-Math.abs(z));
}

function checkCounts(converted: number, leads: number): void {
  if (!Number.isInteger(leads) || leads < 1) throw new RangeError(`an arm needs a whole number of leads above 0, not ${leads}`);
  if (!Number.isInteger(converted) || converted < 0 || converted > leads) {
    throw new RangeError(`an arm's conversions must be a whole number from 0 to its ${leads} leads, not ${converted}`);
  }
}

/**
 * Wilson's score interval for a proportion x / n, as statsmodels' proportion_confint(x, n,
 * method="wilson"): unlike the Wald interval it stays inside [0, 1] and keeps its coverage at 0
 * or n conversions, the usual case for a small segment.
 */
export function wilsonInterval(x: number, n: number, confidence = 0.95): Interval {
  checkCounts(x, n);
  const crit = critical(confidence);
  const crit2 = crit ** 2;
  const q = x / n;
  // statsmodels' order of operations, so that the fixtures match to the last bits.
  const denom = 1 + crit2 / n;
  const center = (q + crit2 / (2 * n)) / denom;
  const dist = (crit * Math.sqrt((q * (1 - q)) / n + crit2 / (4 * n ** 2))) / denom;
  return { low: center - dist, high: center + dist };
}

/**
 * treatment rate − control rate, with Newcombe's hybrid score interval (each rate's Wilson
 * interval, combined), as statsmodels' confint_proportions_2indep(treatment, control,
 * method="newcomb", compare="diff"). Defined for any counts, 0 and all conversions included.
 */
export function newcombeDifference(treatment: Arm, control: Arm, confidence = 0.95): Estimate {
  const t = wilsonInterval(treatment.converted, treatment.leads, confidence);
  const c = wilsonInterval(control.converted, control.leads, confidence);
  const pt = treatment.converted / treatment.leads;
  const pc = control.converted / control.leads;
  const estimate = pt - pc;
  return {
    estimate,
    low: estimate - Math.sqrt((pt - t.low) ** 2 + (c.high - pc) ** 2),
    high: estimate + Math.sqrt((pc - c.low) ** 2 + (t.high - pt) ** 2),
  };
}

/**
 * treatment rate / control rate, with the log (Katz) interval, as statsmodels'
 * confint_proportions_2indep(treatment, control, method="log", compare="ratio").
 *
 * Null when either arm has no conversion: the log ratio's variance has 1 / conversions in it,
 * and statsmodels divides by zero there (ZeroDivisionError for counts given as numbers; 0 to
 * nan, or nan, for numpy's). No 0.5 is added to make up an interval ("log-adjusted"): the report
 * then says it cannot tell rather than show a ratio no arm has.
 */
export function katzRiskRatio(treatment: Arm, control: Arm, confidence = 0.95): Estimate | null {
  checkCounts(treatment.converted, treatment.leads);
  checkCounts(control.converted, control.leads);
  const crit = critical(confidence);
  if (treatment.converted === 0 || control.converted === 0) return null;
  const ratio = treatment.converted / treatment.leads / (control.converted / control.leads);
  const variance = 1 / treatment.converted - 1 / treatment.leads + 1 / control.converted - 1 / control.leads;
  const margin = crit * Math.sqrt(variance);
  return { estimate: ratio, low: Math.exp(Math.log(ratio) - margin), high: Math.exp(Math.log(ratio) + margin) };
}

/** The relative lift, risk ratio − 1 (0.25 is +25 %), with the Katz interval moved likewise; null as katzRiskRatio. */
export function relativeLift(treatment: Arm, control: Arm, confidence = 0.95): Estimate | null {
  const ratio = katzRiskRatio(treatment, control, confidence);
  return ratio && { estimate: ratio.estimate - 1, low: ratio.low - 1, high: ratio.high - 1 };
}

/**
 * Two-sided p of the pooled two-proportion z test, as statsmodels' proportions_ztest([x1, x2],
 * [n1, n2]). When both arms' rates are 0, or both 1, the pooled variance is 0 and statsmodels
 * answers nan: here p = 1, since arms that agree exactly are no evidence of a difference.
 */
export function twoProportionPValue(treatment: Arm, control: Arm): number {
  checkCounts(treatment.converted, treatment.leads);
  checkCounts(control.converted, control.leads);
  const pooled = (treatment.converted + control.converted) / (treatment.leads + control.leads);
  const variance = pooled * (1 - pooled) * (1 / treatment.leads + 1 / control.leads);
  if (variance === 0) return 1;
  const difference = treatment.converted / treatment.leads - control.converted / control.leads;
  return twoSided(difference / Math.sqrt(variance));
}

/**
 * Sample ratio mismatch: Pearson's chi-square goodness of fit of the observed split against the
 * configured control share (1 degree of freedom), as scipy.stats.chisquare([control, treatment],
 * f_exp=[n·share, n·(1 − share)]). A small p says the assignment itself is off (a bug, bots kept
 * out of one arm), which no lift computed from those arms can be trusted past. No leads: statistic
 * 0 and p 1 (scipy answers nan).
 */
export function srmTest(controlLeads: number, treatmentLeads: number, controlShare: number): { statistic: number; p: number } {
  if (!(controlShare > 0 && controlShare < 1)) throw new RangeError(`the control share must be between 0 and 1, not ${controlShare}`);
  for (const leads of [controlLeads, treatmentLeads]) {
    if (!Number.isInteger(leads) || leads < 0) throw new RangeError(`an arm's leads must be a whole number, not ${leads}`);
  }
  const total = controlLeads + treatmentLeads;
  if (total === 0) return { statistic: 0, p: 1 };
  const expectedControl = total * controlShare;
  const expectedTreatment = total * (1 - controlShare);
  const statistic = (controlLeads - expectedControl) ** 2 / expectedControl + (treatmentLeads - expectedTreatment) ** 2 / expectedTreatment;
  // With 1 degree of freedom the chi-square is Z²: P(χ² ≥ s) = P(|Z| ≥ √s).
  return { statistic, p: twoSided(Math.sqrt(statistic)) };
}

/** The indices of ps from the smallest p to the largest (ties in index order). */
function ascending(ps: number[]): number[] {
  for (const p of ps) if (!(p >= 0 && p <= 1)) throw new RangeError(`a p-value must be between 0 and 1, not ${p}`);
  return ps.map((_, i) => i).sort((a, b) => ps[a]! - ps[b]! || a - b);
}

/**
 * Holm's step-down adjusted p-values, as statsmodels' multipletests(ps, method="holm"): the k-th
 * smallest of m is multiplied by m − k + 1, made non-decreasing, capped at 1. Controls the
 * chance of any false positive among the segments; answers in the order of ps.
 */
export function holm(ps: number[]): number[] {
  const adjusted: number[] = new Array(ps.length);
  let running = 0;
  ascending(ps).forEach((index, k) => {
    running = Math.max(running, Math.min(1, ps[index]! * (ps.length - k)));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg adjusted p-values, as statsmodels' multipletests(ps, method="fdr_bh"): the
 * k-th smallest of m is multiplied by m / k, made non-decreasing from the largest down, capped at
 * 1. Controls the expected share of false positives among the segments called; answers in the
 * order of ps.
 */
export function benjaminiHochberg(ps: number[]): number[] {
  const adjusted: number[] = new Array(ps.length);
  let running = 1;
  const order = ascending(ps);
  for (let k = order.length - 1; k >= 0; k--) {
    const index = order[k]!;
    running = Math.min(running, (ps[index]! * ps.length) / (k + 1));
    adjusted[index] = running;
  }
  return adjusted;
}

/**
 * Total leads (both arms, unrounded) for the two-sided test at level alpha to detect, with the
 * given power, a control rate of baselineRate against a treatment rate of baselineRate · (1 +
 * relativeMde) when a share controlShare of leads is held out. The formula of statsmodels'
 * NormalIndPower().solve_power(effect_size=proportion_effectsize(p2, p1), ratio=(1 − s) / s,
 * alpha, power), nobs1 · (1 + ratio):
 *
 * - Cohen's h = |2 asin √p2 − 2 asin √p1| (the arcsine makes the variance 1 / n whatever the rate);
 * - with n = s (1 − s) N the effective size of N leads split s : 1 − s and c = z(1 − alpha / 2),
 *   the power is Φ(h √n − c) + Φ(−h √n − c): both tails, as statsmodels counts it;
 * - √n starts at (c + z(power)) / h, the one-tail answer, and Newton's method on the two-tail
 *   power makes it exact (the other tail moves N by about 1e-6 relative at 80 % power).
 *
 * Infinity when the rates are equal (nothing to detect).
 */
export function leadsForPower(baselineRate: number, relativeMde: number, controlShare: number, alpha = 0.05, power = 0.8): number {
  const treatedRate = baselineRate * (1 + relativeMde);
  if (!(baselineRate >= 0 && baselineRate <= 1 && treatedRate >= 0 && treatedRate <= 1)) {
    throw new RangeError(`both rates must be between 0 and 1, not ${baselineRate} and ${treatedRate}`);
  }
  if (!(controlShare > 0 && controlShare < 1)) throw new RangeError(`the control share must be between 0 and 1, not ${controlShare}`);
  if (!(alpha > 0 && alpha < 1 && power > alpha && power < 1)) throw new RangeError(`need 0 < alpha < power < 1, not ${alpha} and ${power}`);
  const h = Math.abs(2 * Math.asin(Math.sqrt(treatedRate)) - 2 * Math.asin(Math.sqrt(baselineRate)));
  if (h === 0) return Infinity;
  const c = -quantileNormal(alpha / 2);
  let root = (c + quantileNormal(power)) / h;
  for (let step = 0; step < 20; step++) {
    const shortfall = cumulativeNormal(h * root - c) + cumulativeNormal(-h * root - c) - power;
    const slope = h * (densityNormal(h * root - c) - densityNormal(h * root + c));
    const change = shortfall / slope;
    root -= change;
    if (Math.abs(change) <= 1e-12 * root) break;
  }
  return root ** 2 / (controlShare * (1 - controlShare));
}

/** leadsForPower rounded up to whole leads: the total to collect. */
export function leadsNeeded(baselineRate: number, relativeMde: number, controlShare: number, alpha = 0.05, power = 0.8): number {
  return Math.ceil(leadsForPower(baselineRate, relativeMde, controlShare, alpha, power));
}
