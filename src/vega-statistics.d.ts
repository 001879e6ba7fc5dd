// vega-statistics ships no types: the three functions src/domain/statistics.ts uses, as its
// README documents them (mean 0 and standard deviation 1 when left out).
declare module "vega-statistics" {
  /** P(X ≤ value) for X ~ N(mean, stdev²). */
  export function cumulativeNormal(value: number, mean?: number, stdev?: number): number;
  /** The density of N(mean, stdev²) at value. */
  export function densityNormal(value: number, mean?: number, stdev?: number): number;
  /** The value with P(X ≤ value) = p for X ~ N(mean, stdev²); NaN outside [0, 1]. */
  export function quantileNormal(p: number, mean?: number, stdev?: number): number;
}
