// `npm run bench`: seeds a realistic local D1, starts Leadflare and a floor worker on it,
// drives both with wrk in alternating rounds and writes bench/results.json (see
// bench/README.md for how to read it). Not part of `npm test` or CI.
// Knobs (environment): BENCH_SECONDS per round (1), BENCH_ROUNDS (12), BENCH_CONNECTIONS (10),
// BENCH_KEEP=1 keeps the seeded databases in bench/.work/ afterwards.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { consoleJsSize } from "../scripts/console-size.mjs";
import { ensureWrk, runWrk, startWorker, wrangler } from "./processes.mjs";
import { pairedRatio, printReport, ratio, summarize, targets } from "./report.mjs";
import { ACCOUNT_FIELDS, BIG_HISTORY_VISITORS, CONTACTS_PER_ACCOUNT, d1File, HISTORY_KEYS, seedDatabase, verifyAggregates } from "./seed.mjs";
import { benchRouting } from "./routing.mjs";
import { measureStorage } from "./storage.mjs";

const started = performance.now();
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORK = join(ROOT, "bench", ".work");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP_SECONDS = 1;
const MS_PER_TICK = 1000 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
// LF_SITE_ORIGIN: email content mints links to the site, and answers 503 without one.
const SECRETS = {
  LF_API_KEY: "bench-server-key",
  LF_ADMIN_TOKEN: "bench-admin-token",
  LF_LINK_SECRET: "bench-link-secret",
  LF_SITE_ORIGIN: "https://site.example",
};
// The whole load comes from one address (127.0.0.1) and a few thousand visitor ids: the rate
// limits are raised out of its way, so every request is checked against them and served.
const RATE_LIMIT = 1_000_000_000;
// The shipped scoring.engagement.publicDailyCap (PUBLIC_DAILY_CAP), and the most one bench
// event earns (a pricing page view: 10): below cap - 10, no event of the load was refused.
const DAILY_CAP = 500;
const MAX_EVENT_POINTS = 10;
/** The account pool's accounts (bench/seed.mjs: CONTACTS_PER_ACCOUNT leads each). */
const ACCOUNTS = 200;
/** The layers of the shipped configuration that match an account lead's German page view. */
const ACCOUNT_LAYERS = ["language-de", "vertical-healthcare", "role-finance"];
const BROWSER = {
  "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "content-type": "application/json",
};

const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
const step = (message) => console.log(`[${elapsed().padStart(5)} s] ${message}`);

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`Node ${process.version}: run the benchmark with \`npm run bench\` (Node 22 from the node devDependency).`);
  process.exit(1);
}

const wrkVersion = ensureWrk();
const loadBefore = loadavg()[0];
const dirs = { big: join(WORK, "d1-100k"), small: join(WORK, "d1-1k"), floor: join(WORK, "d1-100k-floor"), bundle: join(WORK, "bundle"), ids: join(WORK, "ids") };
for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
mkdirSync(dirs.ids, { recursive: true });
// The seeded databases take about 1 GB: gone when the run ends, however it ends.
if (process.env.BENCH_KEEP !== "1") {
  process.on("exit", () => [dirs.big, dirs.small, dirs.floor].forEach((dir) => rmSync(dir, { recursive: true, force: true })));
}

// --- Databases: migrations by wrangler, rows by bench/seed.mjs --------------------------
step("applying migrations to two local D1 databases; building the worker bundle alongside");
const bundleBuilt = wrangler(["deploy", "--dry-run", "--outdir", dirs.bundle]);
await Promise.all(
  [dirs.big, dirs.small].map((dir) => wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", dir])),
);
const now = Date.now();
step("seeding 100,000 leads and 1,000,000 events");
const big = seedDatabase(d1File(dirs.big), { leads: 100_000, events: 1_000_000, historySmall: 5_000, historyBig: 20, accounts: ACCOUNTS, now });
verifyAggregates(d1File(dirs.big), [...big.samples.smallLeads.slice(0, 3), ...big.samples.bigLeads.slice(0, 2)]);
step(`seeded in ${(big.ms / 1000).toFixed(1)} s: ${JSON.stringify(big.counts)}`);
// Before any worker has it open: the pages of exactly what was seeded.
const storage = measureStorage(d1File(dirs.big));
step(`storage: ${storage.bytes_per_event} B per event (events and their indexes ${storage.events_bytes_per_event} B)`);
const small = seedDatabase(d1File(dirs.small), { leads: 1_000, events: 10_000, now, seed: 7 });
cpSync(dirs.big, dirs.floor, { recursive: true });

const log = (name) => join(WORK, `${name}.log`);
const ids = {};
for (const [name, list] of Object.entries({
  visitors: big.samples.visitors,
  emails: big.samples.emails,
  history10: big.samples.smallVisitors,
  history10000: big.samples.bigVisitors,
  accountLayers: big.samples.accountVisitors,
  visitors1k: small.samples.visitors,
})) {
  ids[name] = join(dirs.ids, `${name}.txt`);
  writeFileSync(ids[name], `${list.join("\n")}\n`);
}

// --- The segment ledger: every seeded lead recorded once, by the cron's own sweep ----------
// Seeded rows bypass the write paths, so no lead has a ledger row yet: marked due as a deploy
// of the ledger onto an existing database would be, the sweep records each (its throughput is
// a figure), and the load below runs in the steady state where every lead is in the ledger.
step("segment ledger: the review sweep records all 100,000 seeded leads (and the 1,000)");
const ledgerSweeps = [];
for (const dir of [dirs.big, dirs.small]) {
  const probe = await startWorker("probe", { config: "bench/probe/wrangler.toml", persist: dir, logFile: log("probe-ledger") });
  const res = await fetch(`${probe.url}/ledger-sweep?${new URLSearchParams({ now: String(now), mark: "1", budgetMs: "600000" })}`);
  if (!res.ok) throw new Error(`probe ledger-sweep: ${res.status} ${await res.text()}`);
  ledgerSweeps.push(await res.json());
  await probe.stop();
}
const ledgerSweep = ledgerSweeps[0];
step(`ledger sweep: ${ledgerSweep.reviewed} leads in ${ledgerSweep.ms} ms (${ledgerSweep.leads_per_second}/s, ${ledgerSweep.runs} runs of ${ledgerSweep.ms_per_run} ms)`);

// --- Workers ------------------------------------------------------------------------------
step("starting Leadflare (100k and 1k databases) and the floor worker");
const [subject, subject1k, floor] = await Promise.all([
  startWorker("leadflare", { config: "wrangler.toml", persist: dirs.big, vars: SECRETS, rateLimit: RATE_LIMIT, logFile: log("leadflare") }),
  startWorker("leadflare-1k", { config: "wrangler.toml", persist: dirs.small, vars: SECRETS, rateLimit: RATE_LIMIT, logFile: log("leadflare-1k") }),
  startWorker("floor", { config: "bench/floor/wrangler.toml", persist: dirs.floor, rateLimit: RATE_LIMIT, logFile: log("floor") }),
]);
step(`serving: leadflare ${subject.url}, leadflare-1k ${subject1k.url}, floor ${floor.url}`);

const openapi = await (await fetch(`${subject.url}/openapi.json`)).json();
const hasEmailContent = Boolean(openapi.paths?.["/v1/email/content"]?.get);
const script = await fetch(`${subject.url}/p.js`);
const scriptBody = script.ok && /javascript/.test(script.headers.get("content-type") ?? "") ? new Uint8Array(await script.arrayBuffer()) : null;
await preflight();

// --- Load ---------------------------------------------------------------------------------
let seed = now % 1_000_000_000;
const load = (worker, kind, idsFile, returning) => ({ worker, kind, idsFile, returning });

/** One wrk round against one worker, with the CPU time the worker's processes used meanwhile. */
async function round(target, seconds) {
  const { worker, ...rest } = target;
  const before = worker.cpuTicks();
  const result = await runWrk({ ...rest, url: worker.url, apiKey: SECRETS.LF_API_KEY, seconds, connections: CONNECTIONS, seed: seed++ });
  return { ...result, cpu_ms: (worker.cpuTicks() - before) * MS_PER_TICK };
}

/**
 * Short rounds in ABBA order (A B, B A, A B, …): the machine is shared and noisy, so targets
 * that are compared run back to back, many times, and each ratio is the median of the
 * per-round ratios.
 */
async function alternate(label, list) {
  step(`${label}: ${list.length} × ${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} connections`);
  for (const target of list) await round(target, WARMUP_SECONDS);
  const rounds = list.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    const order = list.map((_, i) => (r % 2 === 0 ? i : list.length - 1 - i));
    for (const i of order) rounds[i].push(await round(list[i], SECONDS));
  }
  return rounds.map(summarize);
}

const versusFloor = ([subjectFigures, floorFigures]) => ({
  ratio_to_floor: pairedRatio(subjectFigures, floorFigures, "rps"),
  throughput_ratio: ratio(subjectFigures.rps, floorFigures.rps),
  cpu_ratio_to_floor: pairedRatio(floorFigures, subjectFigures, "cpu_ms_per_request"),
  subject: subjectFigures,
  floor: floorFigures,
});

const [personalizeSubject, personalizeFloor, personalize1k] = await alternate("POST /v1/personalize (+ 1k-lead database)", [
  load(subject, "personalize", ids.visitors, 0.7),
  load(floor, "personalize", ids.visitors, 0.7),
  load(subject1k, "personalize", ids.visitors1k, 0.7),
]);
const events = versusFloor(
  await alternate("POST /v1/events", [load(subject, "events", ids.visitors, 0.7), load(floor, "events", ids.visitors, 0.7)]),
);
const personalizeGet = versusFloor(
  await alternate("GET /v1/personalize", [load(subject, "personalize-get", ids.visitors, 1), load(floor, "personalize-get", ids.visitors, 1)]),
);
const emailContent = hasEmailContent
  ? versusFloor(
      await alternate("GET /v1/email/content", [load(subject, "email-content", ids.emails, 1), load(floor, "email-content", ids.emails, 1)]),
    )
  : null;
if (!hasEmailContent) step("GET /v1/email/content: not in /openapi.json on this branch, skipped");
// Every request from a lead of a 5,000-employee healthcare account in its finance department,
// in German: three layers match (language-de, which supplies every slot, vertical-healthcare
// and role-finance; checked in preflight), and the account and its 20-contact rollup are read
// in the lead's SELECT, by Leadflare and by the floor alike.
const personalizeAccountLayers = versusFloor(
  await alternate("POST /v1/personalize, account lead with three layers (German)", [
    load(subject, "personalize-de", ids.accountLayers, 1),
    load(floor, "personalize-de", ids.accountLayers, 1),
  ]),
);
const [history10, history10000] = await alternate("personalize, lead with 10 vs 10,000 events", [
  load(subject, "personalize", ids.history10, 1),
  load(subject, "personalize", ids.history10000, 1),
]);

await Promise.all([subject.stop(), subject1k.stop(), floor.stop()]);
const dailyCap = { cap: DAILY_CAP, leadflare: dailyPoints(dirs.big), leadflare_1k: dailyPoints(dirs.small), floor: dailyPoints(dirs.floor) };
step(`daily points per bench visitor: at most ${dailyCap.leadflare.max_points} (cap ${DAILY_CAP})`);

// --- D1's own accounting, through the store's own methods -----------------------------------
step("reading D1 meta (rows read/written) for one request of each kind");
const probe = await startWorker("probe", { config: "bench/probe/wrangler.toml", persist: dirs.big, logFile: log("probe") });
const meta = async (kind, query) => {
  const res = await fetch(`${probe.url}/meta/${kind}?${new URLSearchParams(query)}`);
  if (!res.ok) throw new Error(`probe ${kind}: ${res.status} ${await res.text()}`);
  return res.json();
};
const visitor = big.samples.visitors[1];
const d1Personalize = await meta("personalize", { visitorId: visitor });
const d1Events = await meta("events", { visitorId: visitor });
const d1Get = await meta("personalize-get", { visitorId: visitor });
const d1Email = hasEmailContent ? await meta("email-content", { email: big.samples.emails[1] }) : null;
const d1AccountLayers = await meta("personalize", { visitorId: big.samples.accountVisitors[1] });
const d1History10 = await meta("personalize", { visitorId: big.samples.smallVisitors[1] });
const d1History10000 = await meta("personalize", { visitorId: big.samples.bigVisitors[1] });
// The segment report, exact from the ledger against the sampled one it replaced (2,000 leads
// re-evaluated in JS), over the last 30 days of the 100k database; each run three times, the median.
step("segment report over the 100k database: exact (ledger) vs sampled (2,000 leads), 30 days");
const reportRuns = async (kind) => {
  const query = new URLSearchParams({ from: String(now - 30 * 86_400_000), to: String(now + 86_400_000) });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${probe.url}/${kind}?${query}`);
    if (!res.ok) throw new Error(`probe ${kind}: ${res.status} ${await res.text()}`);
    runs.push(await res.json());
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[1];
};
const reportExact = await reportRuns("report-exact");
const reportSampled = await reportRuns("report-sampled");
// The holdout lift report and the segment health report over the same database and period.
step("lift and health reports over the 100k database, 30 days (13 baseline weeks for health)");
const liftRun = await reportRuns("lift");
const healthRun = await reportRuns("health");
// A configuration change (Enterprise from 500 employees instead of 1,000) re-evaluates every
// lead, chunk after chunk as the queue runs them: the time the 100k database takes.
step("configuration change: re-evaluating every lead of the 100k database (at most 10 min)");
const reevaluated = await fetch(`${probe.url}/reevaluate?budgetMs=600000`);
if (!reevaluated.ok) throw new Error(`probe reevaluate: ${reevaluated.status} ${await reevaluated.text()}`);
const reevaluation = await reevaluated.json();
step(`re-evaluated ${reevaluation.leads} leads in ${reevaluation.ms} ms (${reevaluation.leads_per_second}/s), ${reevaluation.changed} changed segment`);
// Last, as it deletes: the sweep 60 days after the seed, when its oldest events and many idle
// anonymous leads are past the shipped bounds (180 and 90 days).
step("retention sweep over the 100k database, as of 60 days after the seed (at most 20 s)");
const sweep = await fetch(`${probe.url}/retention?${new URLSearchParams({ now: String(now + 60 * 86_400_000), budgetMs: "20000" })}`);
if (!sweep.ok) throw new Error(`probe retention: ${sweep.status} ${await sweep.text()}`);
const retention = await sweep.json();
// Events (old ones, and those of the idle leads) and leads; their visitors and aggregate rows go too, uncounted.
const retentionRows = retention.events_deleted + retention.lead_events_deleted + retention.leads_deleted;
await probe.stop();

// --- Routing: through the queue to a local receiver (bench/routing.mjs) ---------------------
step("routing: 200 paced moves, then 1,000 at once with every first attempt answered 500");
const routing = await benchRouting({ workDir: WORK, logFile: log("routing") });
step(`routing: first byte p50 ${routing.first_byte_ms.p50} ms, p99 ${routing.first_byte_ms.p99} ms; ${routing.deliveries_per_second} deliveries/s; lost ${routing.lost}, duplicated ${routing.duplicated}`);

// --- Sizes ------------------------------------------------------------------------------------
await bundleBuilt;
const bundleFiles = readdirSync(dirs.bundle, { recursive: true })
  .map((f) => join(dirs.bundle, String(f)))
  .filter((f) => statSync(f).isFile() && !f.endsWith(".map") && !f.endsWith("README.md"));
const gzipBytes = (bytes) => gzipSync(bytes, { level: 9 }).length;
const worker = bundleFiles.map((f) => readFileSync(f));

const results = {
  generated_at: new Date().toISOString(),
  commit: gitCommit(),
  machine: { cpus: cpus().length, node: process.version, wrk: wrkVersion, load_average_before: loadBefore, load_average_after: loadavg()[0] },
  settings: { connections: CONNECTIONS, wrk_threads: 1, round_seconds: SECONDS, rounds: ROUNDS, warmup_seconds: WARMUP_SECONDS },
  seed: {
    big: { ...big.counts, seconds: big.ms / 1000, db_bytes: statSync(d1File(dirs.big)).size },
    history_pools: {
      leads_with_10_events: 5_000,
      leads_with_10000_events: 20,
      visitors_per_lead_with_10000_events: BIG_HISTORY_VISITORS,
      activity_keys_per_lead: HISTORY_KEYS.length,
    },
    account_pool: {
      accounts: ACCOUNTS,
      leads: big.samples.accountVisitors.length,
      contacts_per_account: CONTACTS_PER_ACCOUNT,
      account: ACCOUNT_FIELDS,
      person: { department: "finance" },
      accept_language: "de-DE,de;q=0.9",
      layers: ACCOUNT_LAYERS,
    },
    small: { ...small.counts, seconds: small.ms / 1000 },
  },
  storage,
  personalize: versusFloor([personalizeSubject, personalizeFloor]),
  personalize_account_layers: personalizeAccountLayers,
  events,
  personalize_get: personalizeGet,
  email_content: emailContent,
  scaling: {
    history_ratio: pairedRatio(history10000, history10, "p50_ms"),
    history_cpu_ratio: pairedRatio(history10000, history10, "cpu_ms_per_request"),
    leads_ratio: pairedRatio(personalizeSubject, personalize1k, "p50_ms"),
    leads_cpu_ratio: pairedRatio(personalizeSubject, personalize1k, "cpu_ms_per_request"),
    history: { small: history10, big: history10000 },
    leads: { small_db: personalize1k, big_db: personalizeSubject },
  },
  d1: {
    personalize_rows_read: d1Personalize.rows_read,
    personalize_rows_written: d1Personalize.rows_written,
    personalize_account_layers_rows_read: d1AccountLayers.rows_read,
    personalize_rows_read_by_history: { 10: d1History10.rows_read, 10000: d1History10000.rows_read },
    events_rows_read: d1Events.rows_read,
    events_rows_written: d1Events.rows_written,
    personalize_get_rows_read: d1Get.rows_read,
    email_content_rows_read: d1Email?.rows_read ?? null,
    statements: {
      personalize: d1Personalize.per_statement,
      personalize_account_layers: d1AccountLayers.per_statement,
      personalize_history_10: d1History10.per_statement,
      personalize_history_10000: d1History10000.per_statement,
      events: d1Events.per_statement,
      personalize_get: d1Get.per_statement,
      email_content: d1Email?.per_statement ?? null,
    },
  },
  daily_cap: { ...dailyCap, never_reached: [dailyCap.leadflare, dailyCap.leadflare_1k, dailyCap.floor].every((d) => d.max_points + MAX_EVENT_POINTS <= DAILY_CAP) },
  segment_ledger: {
    sweep: ledgerSweep,
    sweep_1k: ledgerSweeps[1],
    leads_per_second_per_run: ledgerSweep.leads_per_second,
    full_review_seconds_100k: ledgerSweep.ms / 1000,
    reevaluation_100k: reevaluation,
    report: {
      exact_ms: reportExact.ms,
      sampled_ms: reportSampled.ms,
      exact_to_sampled_time_ratio: ratio(reportExact.ms, reportSampled.ms),
      exact_leads: reportExact.leads,
      lift_ms: liftRun.ms,
      lift_assignments: liftRun.leads.assignments,
      lift_to_segment_report_time_ratio: ratio(liftRun.ms, reportExact.ms),
      health_ms: healthRun.ms,
      health_weeks: healthRun.leads.weeks,
      health_to_segment_report_time_ratio: ratio(healthRun.ms, reportExact.ms),
      sampled_leads: reportSampled.leads,
    },
  },
  routing,
  retention: { ...retention, rows_deleted: retentionRows, rows_deleted_per_second: Math.round(retentionRows / (retention.ms / 1000)) },
  sizes: {
    worker_bytes: worker.reduce((n, b) => n + b.length, 0),
    worker_gzip_bytes: worker.reduce((n, b) => n + gzipBytes(b), 0),
    script_bytes: scriptBody?.length ?? null,
    script_gzip_bytes: scriptBody ? gzipBytes(scriptBody) : null,
    // The console's JavaScript (static assets, not the worker bundle), as `npm run build` measures it.
    console_js_gzip_bytes: consoleJsSize()?.gzipBytes ?? null,
  },
};
results.targets = targets(results);
results.duration_seconds = Number(elapsed());
writeFileSync(join(ROOT, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log("");
printReport(results);
process.exit(0);

/** One request of each kind against each worker: the load must be accepted and recorded. */
async function preflight() {
  const visitorId = big.samples.visitors[0];
  const ask = async (worker, method, path, body, headers = {}) => {
    const res = await fetch(`${worker.url}${path}`, { method, headers: { ...BROWSER, ...headers }, body: body && JSON.stringify(body) });
    const json = await res.json().catch(() => null);
    return { status: res.status, json };
  };
  const expect = (what, ok, got) => {
    if (!ok) throw new Error(`preflight: ${what} failed: ${JSON.stringify(got)}`);
  };
  const page = () => ({ visitorId, page: { url: "/pricing" }, eventId: crypto.randomUUID() });
  const batch = () => ({ visitorId, events: Array.from({ length: 10 }, () => ({ id: crypto.randomUUID(), type: "page_view", url: "/docs/api" })) });
  for (const worker of [subject, floor]) {
    let r = await ask(worker, "POST", "/v1/personalize", page());
    expect(`${worker.name} POST /v1/personalize`, r.status === 200 && (worker === floor || r.json.recorded === true), r);
    r = await ask(worker, "POST", "/v1/events", batch());
    expect(`${worker.name} POST /v1/events`, r.status === 202 && r.json.accepted === 10, r);
    r = await ask(worker, "GET", `/v1/personalize?visitorId=${visitorId}`);
    expect(`${worker.name} GET /v1/personalize`, r.status === 200, r);
    if (hasEmailContent) {
      r = await ask(worker, "GET", `/v1/email/content?email=${encodeURIComponent(big.samples.emails[0])}`, undefined, {
        authorization: `Bearer ${SECRETS.LF_API_KEY}`,
      });
      expect(`${worker.name} GET /v1/email/content`, r.status === 200, r);
    }
  }
  // The account scenario's lead: in an enterprise segment through its account, with German
  // content from language-de on every slot; and the other two layers match it too: with the
  // shipped layers in reverse order (a draft, through the what-if evaluation, nothing stored),
  // each of the three supplies a slot of its answer.
  const accountVisitor = { visitorId: big.samples.accountVisitors[0], page: { url: "/pricing" }, eventId: crypto.randomUUID() };
  const german = { "accept-language": "de-DE,de;q=0.9" };
  let r = await ask(subject, "POST", "/v1/personalize", accountVisitor, german);
  const slotLayers = (json) => Object.values(json?.slots ?? {}).map((slot) => slot.layer);
  expect(
    "account lead's German POST /v1/personalize (enterprise, language-de on every slot)",
    r.status === 200 && r.json.segment.path.includes("enterprise") && slotLayers(r.json).length > 0 && slotLayers(r.json).every((l) => l === "language-de"),
    r,
  );
  r = await ask(floor, "POST", "/v1/personalize", { ...accountVisitor, eventId: crypto.randomUUID() }, german);
  expect("floor POST /v1/personalize reads the account", r.status === 200 && r.json.account === true, r);
  const shipped = JSON.parse(readFileSync(join(ROOT, "src", "config", "default.json"), "utf8"));
  r = await ask(subject, "POST", "/v1/admin/evaluate", {
    email: big.samples.accountEmails[0],
    facts: { context: { language: "de" } },
    config: { ...shipped, layers: [...shipped.layers].reverse() },
  }, { authorization: `Bearer ${SECRETS.LF_ADMIN_TOKEN}` });
  expect(
    `account lead matches ${ACCOUNT_LAYERS.join(", ")} (each supplies a slot with the layers reversed)`,
    r.status === 200 && r.json.segment.path.includes("enterprise") && ACCOUNT_LAYERS.every((l) => slotLayers(r.json).includes(l)),
    r,
  );
}

/** What the load earned per visitor and day (visitor_daily_points, read once the worker has stopped). */
function dailyPoints(persistDir) {
  // A stopped worker's process may hold its lock a moment longer: wait for it (busy timeout).
  const db = new DatabaseSync(d1File(persistDir), { readOnly: true, timeout: 10_000 });
  const row = db.prepare("SELECT count(*) AS visitor_days, coalesce(max(points), 0) AS max_points, coalesce(avg(points), 0) AS mean_points FROM visitor_daily_points").get();
  db.close();
  return { visitor_days: row.visitor_days, max_points: row.max_points, mean_points: Math.round(row.mean_points * 10) / 10 };
}

function gitCommit() {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "src", "migrations", "wrangler.toml"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  return dirty ? `${head}+uncommitted` : head;
}
