import { useMemo, useState } from "preact/hooks";
import { activeConfig, segmentReport, type SegmentConversion, type SegmentReport } from "../api";
import { useLoad } from "../use-load";
import { Chart } from "../ui/chart";
import { Field } from "../ui/field";
import { horizontalBars } from "../ui/horizontal-bars";
import { Load } from "../ui/loading";
import { Table } from "../ui/table";
import { Flows } from "./reports-flows";

/**
 * Reports: do the segments convert differently? Exact counts from the segment ledger for a
 * period (GET /v1/admin/reports/segments): the leads in each segment at any time in it, its
 * entries and exits, and the conversions, as a table and a bar chart of the conversion rates;
 * then the Flows view (./reports-flows.tsx) for the same period.
 */
export default function ReportsPage() {
  const [choice, setChoice] = useState<Choice>("30");
  const [dates, setDates] = useState(() => ({ from: dayInput(Date.now() - 30 * DAY_MS), to: dayInput(Date.now()) }));
  // The end of a preset is "now" when it was chosen, so re-renders do not ask again.
  const [chosenAt, setChosenAt] = useState(Date.now);
  const period = periodOf(choice, dates, chosenAt);
  return (
    <>
      <p class="lead">
        Exact counts from the recorded segment changes: a lead counts in every segment it was in during the period, and a
        conversion counts for the segment the lead was in when it converted.
      </p>
      <div class="period">
        <Field label="Period">
          {(control) => (
            <select
              {...control}
              value={choice}
              onChange={(e) => {
                setChoice(e.currentTarget.value as Choice);
                setChosenAt(Date.now());
              }}
            >
              <option value="7">Last 7 days</option>
              <option value="30">Last 30 days</option>
              <option value="90">Last 90 days</option>
              <option value="dates">Between dates…</option>
            </select>
          )}
        </Field>
        {choice === "dates" && (
          <>
            <DateField label="From" value={dates.from} onValue={(from) => setDates({ ...dates, from })} error={"error" in period ? period.error.from : undefined} />
            <DateField label="To (inclusive)" value={dates.to} onValue={(to) => setDates({ ...dates, to })} error={"error" in period ? period.error.to : undefined} />
          </>
        )}
      </div>
      {"error" in period ? null : (
        <>
          <Report key={`${period.from}/${period.to}`} period={period} />
          <Flows period={period} />
        </>
      )}
    </>
  );
}

type Choice = "7" | "30" | "90" | "dates";
const DAY_MS = 86_400_000;
const MAX_DAYS = 365;

/** The period asked for, or what is wrong with the dates typed (at their fields). */
function periodOf(choice: Choice, dates: { from: string; to: string }, now: number): { from: string; to: string } | { error: { from?: string; to?: string } } {
  if (choice !== "dates") return { from: new Date(now - Number(choice) * DAY_MS).toISOString(), to: new Date(now).toISOString() };
  // Local midnights: the day the person sees in the date picker, up to the end of the "to" day.
  const from = Date.parse(`${dates.from}T00:00`);
  const to = Date.parse(`${dates.to}T00:00`) + DAY_MS;
  if (Number.isNaN(from)) return { error: { from: "Choose a date." } };
  if (Number.isNaN(to)) return { error: { to: "Choose a date." } };
  if (to <= from) return { error: { to: "Must not be before the From date." } };
  if (to - from > MAX_DAYS * DAY_MS) return { error: { from: `At most ${MAX_DAYS} days before the To date.` } };
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** `YYYY-MM-DD` of the local day of `at`, as a date input holds it. */
function dayInput(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function DateField({ label, value, onValue, error }: { label: string; value: string; onValue: (value: string) => void; error: string | undefined }) {
  return (
    <Field label={label} error={error}>
      {(control) => <input {...control} type="date" value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
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

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);

function ReportView({ report, names }: { report: SegmentReport; names: Map<string, string> }) {
  const span = `${new Date(report.from).toLocaleString()} – ${new Date(report.to).toLocaleString()}`;
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

