import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartProps {
  /** The chart's accessible name (it is an image to assistive technology). */
  label: string;
  /** What it shows in a sentence or two: read as the image's description, and shown under it. */
  summary: ComponentChildren;
  /** uPlot's options, less the size (the chart takes its container's width). Memoize it and `data`: a new one redraws. */
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  height?: number;
  /** The values themselves (usually a Table): behind a disclosure under the chart. */
  values: ComponentChildren;
  valuesLabel?: string;
}

/**
 * A uPlot chart (a canvas) as an image with a name and a description, and its values as a
 * table under it, for screen readers and for anyone who wants the numbers. uPlot sizes its
 * elements through the CSSOM (element.style), which the console's CSP allows; its own
 * legend is off (the table says what it would).
 */
export function Chart({ label, summary, options, data, height = 240, values, valuesLabel = "The chart's values" }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const summaryId = useId();
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot({ ...options, legend: { show: false }, width: widthOf(el), height }, data, el);
    const resized = new ResizeObserver(() => plot.setSize({ width: widthOf(el), height }));
    resized.observe(el);
    return () => {
      resized.disconnect();
      plot.destroy();
    };
  }, [options, data, height]);
  return (
    <figure class="chart">
      <div ref={box} class="chart-canvas" role="img" aria-label={label} aria-describedby={summaryId} />
      <figcaption id={summaryId} class="chart-summary">
        {summary}
      </figcaption>
      <details class="chart-values">
        <summary>{valuesLabel}</summary>
        {values}
      </details>
    </figure>
  );
}

// The container's width (never wider: the canvas must not make a phone's page scroll sideways).
const widthOf = (el: HTMLElement) => Math.max(200, Math.floor(el.clientWidth));
