import uPlot from "uplot";

const INK = "#52606d";
const GRID = "#e4e7eb";

export interface HorizontalBars {
  /** One name per bar, top to bottom: read on the left, even on a phone (truncated to `nameChars`). */
  names: string[];
  values: (number | null)[];
  /** The value axis runs from 0 to this. */
  top: number;
  label: string;
  color: string;
  /** A value axis tick as text. */
  tick: (value: number) => string;
  nameChars?: number;
  nameWidth?: number;
}

/** uPlot options and data for horizontal bars (the console's report charts), less the size. */
export function horizontalBars({ names, values, top, label, color, tick, nameChars = 18, nameWidth = 130 }: HorizontalBars) {
  const axis = { stroke: INK, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } };
  const options: Omit<uPlot.Options, "width" | "height"> = {
    // x is the bar's index (vertical, top to bottom), y its value (horizontal).
    scales: { x: { time: false, ori: 1, dir: -1, range: [-0.5, names.length - 0.5] }, y: { ori: 0, range: [0, top] } },
    axes: [
      { ...axis, side: 3, grid: { show: false }, splits: () => names.map((_, i) => i), values: (_u, splits) => splits.map((i) => truncate(names[i] ?? "", nameChars)), size: nameWidth },
      { ...axis, side: 2, values: (_u, splits) => splits.map(tick) },
    ],
    series: [{}, { label, fill: color, stroke: color, paths: uPlot.paths.bars!({ size: [0.6, 40] }), points: { show: false } }],
    cursor: { show: false },
  };
  const data: uPlot.AlignedData = [names.map((_, i) => i), values];
  return { options, data };
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
