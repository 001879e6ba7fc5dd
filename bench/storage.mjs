// What the stored data costs on disk, from SQLite's own page accounting (the `dbstat` virtual
// table, compiled into Node's SQLite): every table and index of the seeded database, its pages,
// payload and free space, per stored event; and each `events` column's share of a row.
// `npm run bench` reports it as `storage` in bench/results.json. On its own (about a minute,
// no workers, no wrk): `node --disable-warning=ExperimentalWarning bench/storage.mjs`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";

const round1 = (n) => Math.round(n * 10) / 10;

/** Bytes a value takes in a record's body, plus its serial type in the header (SQLite's record format). */
const storedBytes = (column) => `CASE typeof("${column}")
    WHEN 'null' THEN 0
    WHEN 'integer' THEN CASE WHEN "${column}" IN (0, 1) THEN 0 WHEN abs("${column}") < 128 THEN 1 WHEN abs("${column}") < 32768 THEN 2
      WHEN abs("${column}") < 8388608 THEN 3 WHEN abs("${column}") < 2147483648 THEN 4 WHEN abs("${column}") < 140737488355328 THEN 6 ELSE 8 END
    WHEN 'real' THEN 8
    ELSE length(CAST("${column}" AS BLOB)) END
  + CASE WHEN length(CAST("${column}" AS BLOB)) > 57 THEN 2 ELSE 1 END`;

/**
 * The database's size per stored event, whole and by table and index. `bytes_per_event` is the
 * whole file (page_count × page_size) over the events it holds: what fills D1's 10 GB. Every
 * index is listed under its table (`sqlite_autoindex_*` are the indexes of primary keys and
 * UNIQUE constraints; a WITHOUT ROWID table has none for its key, the key's B-tree is the table).
 */
export function measureStorage(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const { page_size: pageSize } = db.prepare("PRAGMA page_size").get();
    const { page_count: pageCount } = db.prepare("PRAGMA page_count").get();
    const { n: events } = db.prepare("SELECT count(*) AS n FROM events").get();
    const perEvent = (bytes) => round1(bytes / events);
    const owners = new Map(db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')").all().map((r) => [r.name, r.tbl_name]));
    const objects = db
      .prepare(
        `SELECT name, count(*) AS pages, sum(pgsize) AS bytes, sum(payload) AS payload, sum(unused) AS unused
         FROM dbstat GROUP BY name ORDER BY bytes DESC`,
      )
      .all();
    const byTable = {};
    for (const o of objects) {
      const table = owners.get(o.name) ?? o.name;
      const entry = (byTable[table] ??= { bytes_per_event: 0, objects: {} });
      entry.bytes_per_event = round1(entry.bytes_per_event + o.bytes / events);
      entry.objects[o.name] = {
        bytes: o.bytes,
        bytes_per_event: perEvent(o.bytes),
        payload_per_event: perEvent(o.payload),
        unused_percent: Math.round((100 * o.unused) / o.bytes),
      };
    }
    // Tables of a few pages (configuration, sessions, sweep state) only blur the table.
    const tables = Object.fromEntries(Object.entries(byTable).filter(([, t]) => t.bytes_per_event >= 0.1));
    const columns = db.prepare("SELECT name FROM pragma_table_info('events')").all().map((c) => c.name);
    const columnBytes = db.prepare(`SELECT ${columns.map((c) => `avg(${storedBytes(c)}) AS "${c}"`).join(", ")} FROM events`).get();
    return {
      events,
      page_size: pageSize,
      database_bytes: pageCount * pageSize,
      bytes_per_event: perEvent(pageCount * pageSize),
      events_bytes_per_event: byTable.events.bytes_per_event,
      events_schema: db.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL ORDER BY type DESC, name").all().map((r) => r.sql),
      events_column_bytes: Object.fromEntries(columns.map((c) => [c, round1(columnBytes[c])])),
      tables,
    };
  } finally {
    db.close();
  }
}

/** The measurement as lines for the terminal: per event, each table with its indexes, then the events columns. */
export function storageLines(storage) {
  const lines = [
    `Storage: ${storage.bytes_per_event} B per event (${(storage.database_bytes / 1e6).toFixed(1)} MB for ${storage.events} events), ` +
      `of which events and their indexes ${storage.events_bytes_per_event} B`,
  ];
  for (const [table, t] of Object.entries(storage.tables)) {
    const parts = Object.entries(t.objects).map(([name, o]) => `${name === table ? "rows" : name} ${o.bytes_per_event} (${o.unused_percent}% free)`);
    lines.push(`  ${table.padEnd(14)} ${String(t.bytes_per_event).padStart(6)} B: ${parts.join(", ")}`);
  }
  const cols = Object.entries(storage.events_column_bytes).map(([c, b]) => `${c} ${b}`);
  lines.push(`  events columns, B per row (each index repeats its own and the key's): ${cols.join(", ")}`);
  return lines;
}

// Standalone: migrations by wrangler into a scratch persist dir, the benchmark's 100k-lead seed, the measurement.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { wrangler } = await import("./processes.mjs");
  const { d1File, seedDatabase } = await import("./seed.mjs");
  const dir = mkdtempSync(join(tmpdir(), "leadflare-storage-"));
  try {
    await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", dir]);
    const seeded = seedDatabase(d1File(dir), { leads: 100_000, events: 1_000_000, historySmall: 5_000, historyBig: 20, now: Date.now() });
    const storage = measureStorage(d1File(dir));
    console.log(`seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
    console.log(storageLines(storage).join("\n"));
    if (process.argv.includes("--json")) console.log(JSON.stringify(storage, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
