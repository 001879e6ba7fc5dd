import { useId, useState } from "preact/hooks";
import { liftReport, type LiftQuery, type LiftReport, type LiftSegment } from "../api-lift";
import { useLoad } from "../use-load";
import { Field, TextField } from "../ui/field";
import { percent } from "../ui/format";
import { niceScale } from "../ui/interval-bar";
import { Link } from "../ui/link";
import { Load } from "../ui/loading";
import { periodWords, usePeriod } from "../ui/period";
import { Notice } from "../ui/status";
import { Table } from "../ui/table";
import { HoldoutCard, type Scales } from "./lift-segment";

/**
 * Lift: did personalizing a segment change how many of its leads convert? Per segment with a
 * holdout (GET /v1/admin/reports/lift): the held-out leads against the personalized ones, by
 * assignment, the difference and the relative lift with their intervals, p and adjusted p, a
 * warning when the split is off, the verdict and the leads still needed (./lift-segment.tsx).
 * Segments without a holdout are listed below with their entries and conversions only.
 */
export default function LiftPage() {
  const { period, fields } = usePeriod();
  const [closedWindowsOnly, setClosed] = useState(false);
  const [adjust, setAdjust] = useState<"holm" | "bh">("holm");
  const [mdeText, setMdeText] = useState("10");
  const closedId = useId();
  const mde = Number(mdeText) / 100;
  const mdeError = mdeText.trim() === "" || !(mde > 0 && mde <= 10) ? "Enter a lift above 0 and at most 1000 (%)." : undefined;
  return (
    <>
      <p class="lead">
        A holdout keeps a share of a segment's new leads from its personalization. Each lead counts in the arm it was assigned
        when it entered the segment, as converted when it converted within the conversion window after that.
      </p>
      <div class="period lift-controls">
        {fields}
        <Field label="Correction across segments">
          {(control) => (
            <select {...control} value={adjust} onChange={(e) => setAdjust(e.currentTarget.value as "holm" | "bh")}>
              <option value="holm">Holm (no false positive)</option>
              <option value="bh">Benjamini–Hochberg (few false positives)</option>
            </select>
          )}
        </Field>
        <TextField
          type="number"
          label="Lift to plan for (%)"
          step="any"
          inputMode="decimal"
          value={mdeText}
          onValue={setMdeText}
          error={mdeError}
        />
        <div class="field field-check">
          <input id={closedId} type="checkbox" checked={closedWindowsOnly} onChange={(e) => setClosed(e.currentTarget.checked)} />
          <label for={closedId}>Closed windows only</label>
        </div>
      </div>
      {period && !mdeError && <Report query={{ ...period, closedWindowsOnly, adjust, mde }} />}
    </>
  );
}

function Report({ query }: { query: LiftQuery }) {
  const loaded = useLoad(() => liftReport(query), [query.from, query.to, query.closedWindowsOnly, query.adjust, query.mde]);
  return <Load loaded={loaded} what="the lift report">{(report) => <LiftView report={report} mde={query.mde!} />}</Load>;
}

function LiftView({ report, mde }: { report: LiftReport; mde: number }) {
  const held = report.segments.filter((s) => s.control !== null);
  const others = report.segments.filter((s) => s.control === null);
  return (
    <>
      <p data-window>
        {periodWords(report)}: conversions within {report.conversionWindowDays} days of the assignment
        {report.closedWindowsOnly
          ? "; only leads whose window had closed by the end of the period."
          : "; a lead whose window is still open counts only if it has converted already."}
      </p>
      <section aria-labelledby="lift-held">
        <h2 id="lift-held">Segments with a holdout</h2>
        {held.length === 0 ? (
          <Notice>
            <p>No segment has a holdout in the active configuration: there is nothing to compare yet.</p>
            <HowTo />
          </Notice>
        ) : (
          <div class="lift-cards">
            {held.map((s) => (
              <HoldoutCard key={s.segment} row={s} scales={scalesOf(held)} adjust={report.adjust} mde={mde} />
            ))}
          </div>
        )}
      </section>
      {others.length > 0 && <WithoutHoldout segments={others} withHeld={held.length > 0} />}
    </>
  );
}

/** One scale per figure for every card, so that their bars compare. */
function scalesOf(rows: LiftSegment[]): Scales {
  const largest = (pick: (s: LiftSegment) => { low: number; high: number } | null) =>
    Math.max(0, ...rows.map(pick).flatMap((e) => (e ? [Math.abs(e.low), Math.abs(e.high)] : [])));
  return { difference: niceScale(largest((s) => s.difference), 0.01), lift: niceScale(largest((s) => s.lift), 0.1) };
}

function WithoutHoldout({ segments, withHeld }: { segments: LiftSegment[]; withHeld: boolean }) {
  return (
    <section aria-labelledby="lift-others">
      <h2 id="lift-others">No holdout: entries and conversions only</h2>
      <p class="muted">
        Leads that entered these segments in the period, and those that converted within the window: with nobody held out, there
        is nothing to compare them with.
      </p>
      <div class="report-table">
        <Table
          caption="Segments without a holdout: entries and conversions"
          showCaption={false}
          rows={segments}
          rowKey={(s) => s.segment}
          columns={[
            {
              header: "Segment",
              rowHeader: true,
              cell: (s) => (
                <>
                  {s.name} <code class="id">{s.segment}</code>
                </>
              ),
            },
            { header: "Entered", cell: (s) => s.treatment.leads.toLocaleString() },
            { header: "Converted", cell: (s) => s.treatment.converted.toLocaleString() },
            { header: "Rate", cell: (s) => percent(s.treatment.rate) },
          ]}
        />
      </div>
      {withHeld && <HowTo />}
    </section>
  );
}

/** How to hold out a share of a segment: the configuration's `experiments.holdout`, edited on Rules. */
function HowTo() {
  return (
    <p class="how-to">
      To hold out a share of a segment's leads, set <code>experiments.holdout</code> in the configuration: on the{" "}
      <Link to="/rules">Rules</Link> page, under Holdouts, enter for example{" "}
      <code>{'{"segments": {"enterprise-cold": 0.1}}'}</code> (10 % of the leads entering Enterprise Cold see no
      personalization; at most 0.5) or <code>{'{"global": 0.1}'}</code> for every segment, and publish.
    </p>
  );
}
