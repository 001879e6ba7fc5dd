import { useMemo } from "preact/hooks";
import type uPlot from "uplot";
import type { TimelinePoint } from "../api";
import { Chart } from "../ui/chart";
import { Table } from "../ui/table";

/**
 * The lead's engagement score day by day: 30 days back from its stored activity (solid), 30
 * ahead as decay alone would take it with no new activity (dashed), today marked. The API's
 * timeline has 61 points; the middle one is now.
 */
export function EngagementTimeline({ timeline, segmentName }: { timeline: TimelinePoint[]; segmentName: (id: string) => string }) {
  const today = Math.floor(timeline.length / 2);
  const { options, data } = useMemo(() => chartOf(timeline, today), [timeline, today]);
  const at = (i: number) => timeline[i];
  const first = at(0);
  const now = at(today);
  const last = at(timeline.length - 1);
  const summary =
    first && now && last ? (
      <>
        Engagement score {now.engagement} ({now.level}) today; {first.engagement} ({first.level}) 30 days ago; with no new activity{" "}
        {last.engagement} ({last.level}) in 30 days. Solid: from the stored activity; dashed: projected decay.
      </>
    ) : (
      "No timeline."
    );
  return (
    <Chart
      label="Engagement score over the last 30 and the next 30 days"
      summary={summary}
      options={options}
      data={data}
      valuesLabel="The engagement score day by day"
      values={
        <Table
          caption="Engagement score day by day (today and after: projected with no new activity)"
          rows={timeline.map((point, i) => ({ point, i }))}
          rowKey={({ i }) => i}
          columns={[
            {
              header: "Day",
              rowHeader: true,
              cell: ({ point, i }) => (
                <>
                  <time dateTime={point.at}>{new Date(point.at).toLocaleDateString()}</time>
                  {i === today ? " (today)" : i > today ? " (projected)" : ""}
                </>
              ),
            },
            { header: "Engagement", cell: ({ point }) => point.engagement },
            { header: "Level", cell: ({ point }) => point.level },
            { header: "Lead score", cell: ({ point }) => point.score },
            { header: "Segment", cell: ({ point }) => segmentName(point.segment) },
          ]}
        />
      }
    />
  );
}

const INK = "#52606d";
const GRID = "#e4e7eb";
const BRAND = "#1d4ed8";
const TODAY = "#b45309";

function chartOf(timeline: TimelinePoint[], today: number): { options: Omit<uPlot.Options, "width" | "height">; data: uPlot.AlignedData } {
  const xs = timeline.map((p) => Date.parse(p.at) / 1000);
  // The point at today belongs to both series, so the dashed line continues the solid one.
  const past = timeline.map((p, i) => (i <= today ? p.engagement : null));
  const future = timeline.map((p, i) => (i >= today ? p.engagement : null));
  const top = Math.max(10, ...timeline.map((p) => p.engagement));
  const axis = { stroke: INK, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } };
  const options: Omit<uPlot.Options, "width" | "height"> = {
    scales: { x: { time: true }, y: { range: [0, Math.ceil(top * 1.1)] } },
    axes: [axis, { ...axis, label: "Engagement score", labelSize: 20, size: 44 }],
    series: [
      {},
      { label: "Engagement (stored activity)", stroke: BRAND, width: 2, points: { show: false } },
      { label: "Engagement (projected, no new activity)", stroke: BRAND, width: 2, dash: [6, 4], points: { show: false } },
    ],
    cursor: { drag: { x: false, y: false } },
    hooks: { draw: [(u) => markToday(u, xs[today] ?? 0)] },
  };
  return { options, data: [xs, past, future] };
}

/** A dotted vertical line at today, labelled, over the plot (drawn on uPlot's own canvas). */
function markToday(u: uPlot, at: number): void {
  const { ctx, bbox } = u;
  const x = Math.round(u.valToPos(at, "x", true));
  const scale = devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = TODAY;
  ctx.fillStyle = TODAY;
  ctx.lineWidth = 1.5 * scale;
  ctx.setLineDash([3 * scale, 3 * scale]);
  ctx.beginPath();
  ctx.moveTo(x, bbox.top);
  ctx.lineTo(x, bbox.top + bbox.height);
  ctx.stroke();
  ctx.font = `${12 * scale}px system-ui, sans-serif`;
  ctx.fillText("today", x + 4 * scale, bbox.top + 12 * scale);
  ctx.restore();
}
