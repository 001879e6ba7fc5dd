import { useMemo } from "preact/hooks";
import { activeConfig } from "../api";
import { segmentReport, type SegmentConversion, type SegmentReport } from "../api-ledger";
import { useLoad } from "../use-load";
import { Chart } from "../ui/chart";
import { percent } from "../ui/format";
import { horizontalBars } from "../ui/horizontal-bars";
import { Load } from "../ui/loading";
import { periodWords, usePeriod } from "../ui/period";
import { Table } from "../ui/table";
import { Flows } from "./reports-flows";

/**
 * Reports: do the segments convert differently? Exact counts from the segment ledger for a
 * period (GET /v1/admin/reports/segments): the leads in each segment at any time in it, its
 * entries and exits, and the conversions, as a table and a bar chart of the conversion rates;
 * then the Flows view (./reports-flows.tsx) for the same period.
 */
export default function ReportsPage() {
  const { period, fields } = usePeriod();
  return (
    <>
      <p class="lead">
        Exact counts from the recorded segment changes: a lead counts in every segment it was in during the period, and a
        conversion counts for the segment the lead was in when it converted.
      </p>
      <div class="period">{fields}</div>
      {period && (
        <>
          <Report key={`${period.from}/${period.to}`} period={period} />
          <Flows period={period} />
        </>
      )}
    </>
  );
}

/** The report, and the names of the groups its segments' paths go through (from the active configuration). */
async function loadReport(period: { from: string; to: string }): Promise<{ report: SegmentReport; names: Map<string, string> }> {
  const [report, config] = await Promise.all([segmentReport(period), activeConfig()]);
  return { report, names: new Map(config.document.segments.map((s) => [s.id, s.name])) };
}

function Report({ period }: { period: { from: string; to: string } }) {
  const loaded = useLoad(() => loadReport(period), [period.from, period.to]);
  return <Load loaded={loaded} what="the report">{({ report, names }) => <ReportView report={report} names={names} />}</Load>;
}

function ReportView({ report, names }: { report: SegmentReport; names: Map<string, string> }) {
  const span = periodWords(report);
  const withLeads = report.segments.filter((s) => s.leads > 0);
  return (
    <>
      <h2>Segment conversion</h2>
      <p data-period>
        {span}: {report.leads.evaluated} lead{report.leads.evaluated === 1 ? "" : "s"} in a segment, {report.leads.seen} seen (a page view).
      </p>
      <div class="report-table">
        <Table
          caption="Leads, changes and conversions, by segment (rate: converted ÷ leads)"
          rows={report.segments}
          rowKey={(s) => s.id}
          // Seven columns do not fit a phone: there each segment reads as a block of labelled figures.
          stackOnPhone
          columns={[
            {
              header: "Segment",
              rowHeader: true,
              cell: (s) => (
                <>
                  {s.name}
                  {s.path.length > 1 && <span class="id">in {s.path.slice(0, -1).map((id) => names.get(id) ?? id).join(" › ")}</span>}
                </>
              ),
            },
            { header: "Leads", cell: (s) => s.leads },
            { header: "Entered", cell: (s) => s.entered },
            { header: "Exited", cell: (s) => s.exited },
            { header: "Converted", cell: (s) => s.converted },
            { header: "Rate", cell: (s) => percent(s.conversionRate) },
            { header: "Converted, first segment", cell: (s) => s.convertedFromFirstSegment },
          ]}
        />
      </div>
      {withLeads.length === 0 ? (
        <p class="muted">No lead was in a segment in this period: nothing to chart.</p>
      ) : (
        <ConversionChart segments={withLeads} />
      )}
    </>
  );
}

/** Horizontal bars, one per segment with leads. */
function ConversionChart({ segments }: { segments: SegmentConversion[] }) {
  const { options, data } = useMemo(
    () =>
      horizontalBars({
        names: segments.map((s) => s.name),
        values: segments.map((s) => (s.conversionRate === null ? null : s.conversionRate * 100)),
        // Up to the highest rate (not always 100%), so that small differences still show.
        top: Math.min(100, Math.max(10, Math.ceil((Math.max(...segments.map((s) => s.conversionRate ?? 0)) * 100 * 1.1) / 5) * 5)),
        label: "Conversion rate",
        color: "#1d4ed8",
        tick: (v) => `${v}%`,
      }),
    [segments],
  );
  const best = segments.reduce((a, b) => ((b.conversionRate ?? 0) > (a.conversionRate ?? 0) ? b : a));
  return (
    <Chart
      label="Conversion rate by segment"
      summary={
        <>
          Conversion rate of each segment with leads in the period; the highest: {best.name}, {percent(best.conversionRate)} ({best.converted}{" "}
          of {best.leads}).
        </>
      }
      options={options}
      data={data}
      height={Math.max(160, 44 * segments.length + 40)}
      valuesLabel="The chart's values"
      values={
        <ul class="chart-list">
          {segments.map((s) => (
            <li key={s.id}>
              {s.name}: {percent(s.conversionRate)} ({s.converted} of {s.leads})
            </li>
          ))}
        </ul>
      }
    />
  );
}

