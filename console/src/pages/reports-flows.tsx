import { useMemo, useState } from "preact/hooks";
import { flowReport, type FlowReport, type SegmentFlow } from "../api-ledger";
import { useLoad } from "../use-load";
import { Chart } from "../ui/chart";
import { Field } from "../ui/field";
import { horizontalBars } from "../ui/horizontal-bars";
import { Load } from "../ui/loading";
import { Table } from "../ui/table";

/**
 * The Reports page's Flows view: where leads moved in the period, one bar per from→to pair of
 * segments with the number of recorded transitions (GET /v1/admin/reports/flows), optionally of
 * one cause, and the same numbers as a table.
 */
const CAUSES = [
  ["", "Any cause"],
  ["event", "Events"],
  ["time", "Time passing"],
  ["traits", "Trait changes"],
  ["identity", "Identity"],
  ["import", "Imports"],
  ["config", "Configuration changes"],
  ["account", "Account changes"],
] as const;

export function Flows({ period }: { period: { from: string; to: string } }) {
  const [cause, setCause] = useState("");
  return (
    <section aria-labelledby="flows-heading">
      <h2 id="flows-heading">Flows</h2>
      <p class="muted">Every change of segment recorded in the period, by where the lead came from and where it went.</p>
      <div class="period">
        <Field label="Cause">
          {(control) => (
            <select {...control} value={cause} onChange={(e) => setCause(e.currentTarget.value)}>
              {CAUSES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FlowsLoaded key={`${period.from}/${period.to}/${cause}`} period={period} cause={cause} />
    </section>
  );
}

function FlowsLoaded({ period, cause }: { period: { from: string; to: string }; cause: string }) {
  const loaded = useLoad(() => flowReport({ ...period, ...(cause ? { cause } : {}) }), [period.from, period.to, cause]);
  return <Load loaded={loaded} what="the flows">{(report) => <FlowsView report={report} />}</Load>;
}

/** A pair's name as one reads it: "New lead → SMB Nurture". */
const pairName = (f: SegmentFlow) => `${f.fromName ?? "New lead"} → ${f.toName}`;

function FlowsView({ report }: { report: FlowReport }) {
  return (
    <>
      <div class="report-table">
        <Table
          caption="Segment changes, by from → to"
          rows={report.flows}
          rowKey={(f) => `${f.from}→${f.to}`}
          empty="No lead changed segment in this period."
          columns={[
            { header: "From", rowHeader: true, cell: (f) => f.fromName ?? <span class="muted">New lead</span> },
            { header: "To", cell: (f) => f.toName },
            { header: "Changes", cell: (f) => f.transitions },
            { header: "Leads", cell: (f) => f.leads },
          ]}
        />
      </div>
      {report.flows.length > 0 && <FlowChart flows={report.flows} />}
    </>
  );
}

/** Horizontal bars, one per from→to pair, most first. */
function FlowChart({ flows }: { flows: SegmentFlow[] }) {
  const { options, data } = useMemo(
    () =>
      horizontalBars({
        names: flows.map(pairName),
        values: flows.map((f) => f.transitions),
        top: Math.ceil(Math.max(1, ...flows.map((f) => f.transitions)) * 1.1),
        label: "Changes",
        color: "#0f766e",
        // Whole numbers only: a count of changes has no fractions.
        tick: (v) => (Number.isInteger(v) ? String(v) : ""),
        nameChars: 26,
        nameWidth: 170,
      }),
    [flows],
  );
  const most = flows[0]!;
  return (
    <Chart
      label="Segment changes by from → to"
      summary={
        <>
          Changes of segment in the period, one bar per from → to pair; the most: {pairName(most)}, {most.transitions} change
          {most.transitions === 1 ? "" : "s"} by {most.leads} lead{most.leads === 1 ? "" : "s"}.
        </>
      }
      options={options}
      data={data}
      height={Math.max(160, 44 * flows.length + 40)}
      valuesLabel="The flow chart's values"
      values={
        <ul class="chart-list">
          {flows.map((f) => (
            <li key={`${f.from}→${f.to}`}>
              {pairName(f)}: {f.transitions} ({f.leads} lead{f.leads === 1 ? "" : "s"})
            </li>
          ))}
        </ul>
      }
    />
  );
}

