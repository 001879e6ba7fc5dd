import type { Estimate } from "../api-lift";

/**
 * An estimate and its interval drawn around zero: a line for 0, the interval as a band
 * (green wholly above 0, red wholly below, grey across it) and the estimate as a mark. An
 * inline SVG named by `label` (the figures in words), the scale's ends and 0 written below;
 * the page writes the figures as text beside it as well. `scale` is the largest magnitude
 * shown (its ends are −scale and +scale), shared by the bars a reader compares.
 */
export function IntervalBar({ label, value, scale, format }: { label: string; value: Estimate; scale: number; format: (n: number) => string }) {
  const x = (v: number) => PAD + ((Math.max(-scale, Math.min(scale, v)) + scale) / (2 * scale)) * (WIDTH - 2 * PAD);
  const side = value.low > 0 ? "above" : value.high < 0 ? "below" : "across";
  const [low, high] = [x(value.low), x(value.high)];
  return (
    <span class="interval">
      <svg class="interval-bar" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} focusable="false">
        <line class="interval-axis" x1={PAD} x2={WIDTH - PAD} y1={HEIGHT / 2} y2={HEIGHT / 2} />
        <rect class={`interval-band interval-${side}`} x={low} width={Math.max(2, high - low)} y={7} height={HEIGHT - 14} rx={2} />
        <line class="interval-zero" x1={x(0)} x2={x(0)} y1={2} y2={HEIGHT - 2} />
        <rect class="interval-estimate" x={x(value.estimate) - 1.5} width={3} y={4} height={HEIGHT - 8} />
      </svg>
      <span class="interval-scale" aria-hidden="true">
        <span>{format(-scale)}</span>
        <span>0</span>
        <span>{format(scale)}</span>
      </span>
    </span>
  );
}

const WIDTH = 240;
const HEIGHT = 28;
const PAD = 4;

/** A round scale end at or above `magnitude` (1, 2 or 5 times a power of ten), at least `least`. */
export function niceScale(magnitude: number, least: number): number {
  const target = Math.max(least, magnitude);
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 5, 10]) if (step * power >= target * (1 - 1e-9)) return step * power;
  return 10 * power;
}
