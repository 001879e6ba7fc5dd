// Turns wrk rounds into the figures of bench/results.json and the table on stdout.
import { storageLines } from "./storage.mjs";

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n, digits = 2) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/**
 * One target's rounds: req/s and CPU per request over all rounds together, p50/p99 as the
 * median of the rounds' own percentiles. `cpu_ms` of a round is the CPU time its worker's
 * processes used during it.
 */
export function summarize(rounds) {
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  const seconds = rounds.reduce((n, r) => n + r.duration_us, 0) / 1e6;
  const cpu = rounds.reduce((n, r) => n + r.cpu_ms, 0);
  const perRound = rounds.map((r) => ({
    rps: round(r.requests / (r.duration_us / 1e6), 1),
    p50_ms: round(r.p50_us / 1000),
    p99_ms: round(r.p99_us / 1000),
    cpu_ms_per_request: round(r.cpu_ms / r.requests, 3),
  }));
  return {
    rps: round(requests / seconds, 1),
    p50_ms: round(median(rounds.map((r) => r.p50_us)) / 1000),
    p99_ms: round(median(rounds.map((r) => r.p99_us)) / 1000),
    cpu_ms_per_request: round(cpu / requests, 3),
    requests,
    rounds: perRound,
  };
}

export const ratio = (a, b) => (a && b ? round(a / b, 3) : null);

/** Median over rounds of a's figure ÷ b's figure in the same round (a and b ran back to back). */
export function pairedRatio(a, b, figure) {
  return round(median(a.rounds.map((r, i) => r[figure] / b.rounds[i][figure])), 3);
}

/** Targets of issues 6 and 12: reported, never asserted. */
export function targets(results) {
  const check = (value, ok) => (value === null || value === undefined ? null : ok(value));
  return {
    "personalize.ratio_to_floor >= 0.8": check(results.personalize.ratio_to_floor, (v) => v >= 0.8),
    "personalize_account_layers.ratio_to_floor >= 0.85": check(results.personalize_account_layers?.ratio_to_floor, (v) => v >= 0.85),
    "events.ratio_to_floor >= 0.8": check(results.events.ratio_to_floor, (v) => v >= 0.8),
    "scaling.history_ratio <= 1.2": check(results.scaling.history_ratio, (v) => v <= 1.2),
    "scaling.leads_ratio <= 1.2": check(results.scaling.leads_ratio, (v) => v <= 1.2),
    "d1 rows read per personalize independent of history": check(
      results.d1.personalize_rows_read_by_history,
      (h) => h["10"] === h["10000"],
    ),
    "daily_cap never reached by the load": check(results.daily_cap?.never_reached, (v) => v),
    "storage.bytes_per_event <= 250": check(results.storage?.bytes_per_event, (v) => v <= 250),
    "routing.first_byte_ms.p99 <= 5000": check(results.routing?.first_byte_ms?.p99, (v) => v <= 5000),
    "routing: no delivery lost or duplicated with half the answers 500": check(results.routing, (r) => r.lost === 0 && r.duplicated === 0 && r.delivered === r.transitions),
    // D1 stops a query at 30 s: each report is one batch, so it must finish well inside that.
    "segment_ledger.report.lift_ms <= 30000 (D1's query limit)": check(results.segment_ledger?.report?.lift_ms, (v) => v <= 30_000),
    "segment_ledger.report.health_ms <= 30000 (D1's query limit)": check(results.segment_ledger?.report?.health_ms, (v) => v <= 30_000),
    "sizes.worker_gzip_bytes <= 150 KB": check(results.sizes.worker_gzip_bytes, (v) => v <= 150 * 1024),
    "sizes.script_gzip_bytes <= 2.5 KB": check(results.sizes.script_gzip_bytes, (v) => v <= 2.5 * 1024),
    "sizes.console_js_gzip_bytes <= 150 KB": check(results.sizes.console_js_gzip_bytes, (v) => v <= 150 * 1024),
  };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? "–").length)));
  return rows.map((r) => r.map((c, i) => String(c ?? "–")[i === 0 ? "padEnd" : "padStart"](widths[i])).join("  ")).join("\n");
}

export function printReport(results) {
  const lines = [];
  const rows = [["scenario", "worker", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "ratio", "CPU ratio"]];
  const row = (label, worker, f, ...ratios) => rows.push([label, worker, f.rps, f.p50_ms, f.p99_ms, f.cpu_ms_per_request, ...ratios]);
  const pair = (label, section) => {
    if (!section) return rows.push([label, "(route absent: skipped)", null, null, null, null, null, null]);
    row(label, "leadflare", section.subject, section.ratio_to_floor, section.cpu_ratio_to_floor);
    row("", "floor", section.floor, null, null);
  };
  pair("POST /v1/personalize", results.personalize);
  pair("personalize, account + 3 layers", results.personalize_account_layers);
  pair("POST /v1/events (10)", results.events);
  pair("GET /v1/personalize", results.personalize_get);
  pair("GET /v1/email/content", results.email_content);
  const { history, leads } = results.scaling;
  row("personalize, history", "10 events", history.small, null, null);
  row("", "10,000 events", history.big, results.scaling.history_ratio, results.scaling.history_cpu_ratio);
  row("personalize, leads", "1k leads", leads.small_db, null, null);
  row("", "100k leads", leads.big_db, results.scaling.leads_ratio, results.scaling.leads_cpu_ratio);
  lines.push(table(rows));
  lines.push(
    "ratio: leadflare ÷ floor req/s; CPU ratio: floor ÷ leadflare CPU per request (medians of back-to-back rounds).\n" +
      "Scaling: ratio = p50 of the big side ÷ the small side; CPU ratio = big ÷ small CPU per request (same medians).",
  );
  const d1 = results.d1;
  lines.push(
    `\nD1 rows read/written per request: personalize ${d1.personalize_rows_read}/${d1.personalize_rows_written}` +
      ` (lead with 10 events: ${d1.personalize_rows_read_by_history["10"]}, with 10,000: ${d1.personalize_rows_read_by_history["10000"]},` +
      ` account lead: ${d1.personalize_account_layers_rows_read ?? "–"}),` +
      ` events ${d1.events_rows_read}/${d1.events_rows_written}, GET personalize ${d1.personalize_get_rows_read}/0,` +
      ` email content ${d1.email_content_rows_read ?? "–"}`,
  );
  const ledger = results.segment_ledger?.sweep;
  if (ledger) {
    lines.push(
      `Segment ledger sweep: ${ledger.reviewed} leads reviewed in ${ledger.ms} ms (${ledger.leads_per_second}/s), ${ledger.runs} cron runs` +
        ` of ${ledger.ms_per_run} ms, ${ledger.recorded} transitions recorded${ledger.finished ? ", caught up" : ""}`,
    );
    const re = results.segment_ledger.reevaluation_100k;
    if (re) {
      lines.push(
        `Configuration change: ${re.leads} leads re-evaluated in ${re.ms} ms (${re.leads_per_second}/s, ${re.chunks} chunks), ${re.changed} changed segment${re.finished ? "" : " (unfinished)"}`,
      );
    }
    const report = results.segment_ledger.report;
    if (report) {
      lines.push(
        `Segment report, 30 days: exact from the ledger ${report.exact_ms} ms (${report.exact_leads.evaluated} leads) vs sampled ${report.sampled_ms} ms` +
          ` (${report.sampled_leads.evaluated} of ${report.sampled_leads.seen}): time ratio ${report.exact_to_sampled_time_ratio}`,
      );
      if (report.lift_ms !== undefined) {
        lines.push(
          `Lift report, 30 days: ${report.lift_ms} ms over ${report.lift_assignments} assignments (${report.lift_to_segment_report_time_ratio} of the segment report's time);` +
            ` health report: ${report.health_ms} ms over ${report.health_weeks} weeks (${report.health_to_segment_report_time_ratio})`,
        );
      }
    }
  }
  const r = results.retention;
  if (r) {
    lines.push(
      `Retention sweep: ${r.rows_deleted} rows deleted in ${r.ms} ms (${r.rows_deleted_per_second}/s): ${r.events_deleted} old events,` +
        ` ${r.leads_deleted} idle anonymous leads (of ${r.leads_examined} examined) with ${r.lead_events_deleted} events; ${r.runs} runs${r.finished ? ", caught up" : ""}`,
    );
  }
  if (results.storage) lines.push(...storageLines(results.storage));
  const kb = (n) => (n === null ? "–" : `${(n / 1024).toFixed(1)} KB`);
  lines.push(
    `Sizes (gzip): worker bundle ${kb(results.sizes.worker_gzip_bytes)}, p.js ${kb(results.sizes.script_gzip_bytes)},` +
      ` console JS ${kb(results.sizes.console_js_gzip_bytes ?? null)}`,
  );
  lines.push(
    `Seed: ${results.seed.big.leads} leads / ${results.seed.big.events} events in ${results.seed.big.seconds} s` +
      ` (+ ${results.seed.small.leads} / ${results.seed.small.events} in ${results.seed.small.seconds} s)`,
  );
  lines.push("\nTargets (reported, not asserted):");
  for (const [name, ok] of Object.entries(results.targets)) lines.push(`  ${ok === null ? "n/a " : ok ? "met " : "MISS"}  ${name}`);
  lines.push(`\nTotal ${results.duration_seconds} s. Written to bench/results.json.`);
  console.log(lines.join("\n"));
}
