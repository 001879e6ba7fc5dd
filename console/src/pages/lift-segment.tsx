import type { ArmSummary, LiftSegment, Verdict } from "../api-lift";
import { percent, plural, points, pValue, relative } from "../ui/format";
import { IntervalBar } from "../ui/interval-bar";
import { Table } from "../ui/table";

/**
 * One segment with a holdout on the Lift page: its two arms, the difference (percentage
 * points) and the relative lift each as an interval bar with its figures, p and adjusted p,
 * the sample-ratio warning, the verdict in words, and the leads still needed.
 */

export interface Scales {
  difference: number;
  lift: number;
}

const ADJUSTED = { holm: "Holm", bh: "Benjamini–Hochberg" } as const;

/** The verdict's rules (src/domain/lift-report.ts LIFT_DEFAULTS). */
const MIN_LEADS_PER_ARM = 100;
const MIN_CONVERSIONS = 10;

export function HoldoutCard({ row, scales, adjust, mde }: { row: LiftSegment; scales: Scales; adjust: "holm" | "bh"; mde: number }) {
  const control = row.control!;
  const id = `lift-${row.segment}`;
  const arms: { arm: string; role: string; figures: ArmSummary }[] = [
    { arm: "Held out", role: "control", figures: control },
    { arm: "Personalized", role: "treatment", figures: row.treatment },
  ];
  return (
    <article class="card lift-card" data-lift={row.segment} aria-labelledby={id}>
      <div class="lift-head">
        <h3 id={id}>
          {row.name} <code class="id">{row.segment}</code>
        </h3>
        <VerdictBadge verdict={row.verdict} />
      </div>
      <p class="muted" data-share>
        {row.period ? `${percent(row.period.share)} held out` : "Held out"}
        {row.period?.since ? `, the first lead of the period assigned on ${new Date(row.period.since).toLocaleDateString()}.` : ": nobody assigned in the period yet."}
      </p>
      {row.srm?.flagged && (
        <div class="notice notice-error srm" role="alert">
          <p>
            <strong>The split is off:</strong> {plural(control.leads, "lead")} held out and {row.treatment.leads.toLocaleString()}{" "}
            personalized, where {percent(row.period?.share ?? null)} should be held out (sample-ratio test p {pValue(row.srm.p)}). The arms
            are not comparable, so no verdict is given: look for leads lost from one arm (erasures, merges) or assigned outside the
            holdout.
          </p>
        </div>
      )}
      <div class="report-table">
        <Table
          caption={`${row.name}: held out against personalized`}
          showCaption={false}
          rows={arms}
          rowKey={(a) => a.arm}
          columns={[
            {
              header: "Arm",
              rowHeader: true,
              cell: (a) => (
                <>
                  {a.arm} <span class="id">{a.role}</span>
                </>
              ),
            },
            { header: "Leads", cell: (a) => a.figures.leads.toLocaleString() },
            { header: "Converted", cell: (a) => a.figures.converted.toLocaleString() },
            { header: "Rate", cell: (a) => percent(a.figures.rate) },
          ]}
        />
      </div>
      <dl class="lift-figures">
        <div data-figure="difference">
          <dt>Difference (personalized − held out)</dt>
          <dd>
            {row.difference ? (
              <Interval label="Difference" value={row.difference} scale={scales.difference} format={points} />
            ) : (
              <span class="muted">none yet: an arm has no leads</span>
            )}
          </dd>
        </div>
        <div data-figure="lift">
          <dt>Relative lift</dt>
          <dd>
            {row.lift ? (
              <Interval label="Relative lift" value={row.lift} scale={scales.lift} format={relative} />
            ) : (
              <span class="muted">{row.difference ? "none yet: an arm has no conversion" : "none yet: an arm has no leads"}</span>
            )}
          </dd>
        </div>
        <div data-figure="p">
          <dt>p</dt>
          <dd>
            {row.p === null ? (
              <span class="muted">none yet: an arm has no leads</span>
            ) : (
              <>
                {pValue(row.p)}; {ADJUSTED[adjust]}-adjusted:{" "}
                {row.pAdjusted === null ? <span class="muted">not judged yet (too few leads)</span> : pValue(row.pAdjusted)}
              </>
            )}
          </dd>
        </div>
        <div data-figure="needed">
          <dt>Leads still needed</dt>
          <dd>{neededWords(row, mde)}</dd>
        </div>
      </dl>
      <p class="verdict-why">{verdictWords(row)}</p>
    </article>
  );
}

function Interval({ label, value, scale, format }: { label: string; value: LiftSegment["lift"] & {}; scale: number; format: (n: number) => string }) {
  const words = `${format(value.estimate)} (95 % interval ${format(value.low)} to ${format(value.high)})`;
  return (
    <>
      <IntervalBar label={`${label}: ${words}`} value={value} scale={scale} format={format} />
      <span class="interval-words">{words}</span>
    </>
  );
}

const BADGES: Record<Verdict, { mark: string; words: string }> = {
  positive: { mark: "▲", words: "Positive" },
  negative: { mark: "▼", words: "Negative" },
  inconclusive: { mark: "●", words: "Inconclusive" },
};

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const badge = BADGES[verdict];
  return (
    <p class={`verdict verdict-${verdict}`} data-verdict={verdict}>
      <span class="visually-hidden">Verdict: </span>
      <span aria-hidden="true">{badge.mark} </span>
      {badge.words}
    </p>
  );
}

/** Why the verdict is what it is, in a sentence. */
function verdictWords(row: LiftSegment): string {
  const control = row.control!;
  if (row.verdict === "positive") return "Personalized leads convert more than held-out ones, beyond chance after the correction.";
  if (row.verdict === "negative") return "Personalized leads convert less than held-out ones, beyond chance after the correction: the personalization hurts.";
  if (row.srm?.flagged) return "No verdict while the split is off.";
  if (control.leads === 0 || row.treatment.leads === 0) return "No verdict yet: an arm has no leads.";
  if (row.pAdjusted === null) {
    return `No verdict yet: it needs ${MIN_LEADS_PER_ARM} leads in each arm and ${MIN_CONVERSIONS} conversions in all.`;
  }
  return "No difference beyond chance after the correction: the interval still includes 0.";
}

function neededWords(row: LiftSegment, mde: number): string {
  const goal = `a ${relative(mde)} lift`;
  if (row.leadsNeeded === null) {
    return row.control!.converted + row.treatment.converted === 0
      ? "cannot be planned yet: no conversion in either arm"
      : `cannot be planned: ${goal} would pass a 100 % rate`;
  }
  if (row.leadsNeeded === 0) return `none: enough to see ${goal} with 80 % power`;
  return `${plural(row.leadsNeeded, "more lead")} (both arms) to see ${goal} with 80 % power`;
}
