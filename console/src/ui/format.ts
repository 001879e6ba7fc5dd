/**
 * Figures as the reports write them: a rate as a percentage ("12.3%"), a difference of rates
 * in percentage points ("+2.1 pp"), a relative change as a signed percentage ("−8.4%"), and a
 * p-value to three places ("< 0.001" below that). Signs are the real minus, "−".
 */

/** A rate (0.123) as "12.3%"; "—" when there is none. */
export const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);

/** `n` to one decimal with its sign: "+2.1", "−0.4", "0.0". */
export function signed(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  if (rounded === 0) return "0.0";
  return `${rounded > 0 ? "+" : "\u2212"}${Math.abs(rounded).toFixed(1)}`;
}

/** A difference of two rates (0.021) in percentage points: "+2.1 pp". */
export const points = (difference: number) => `${signed(difference * 100)} pp`;

/** A relative change (0.153: 15.3 % more) as "+15.3%". */
export const relative = (change: number) => `${signed(change * 100)}%`;

export const pValue = (p: number | null) => (p === null ? "—" : p < 0.001 ? "< 0.001" : p.toFixed(3));

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
