import { sql } from "drizzle-orm";
import { d1Batch, d1BatchResults } from "./batch";

/**
 * The re-evaluation of every lead after an activation (`ledger_reevaluations`, see ./schema.ts;
 * src/app/ledger-reevaluation.ts runs it). Chunks go in lead id order from a persisted cursor;
 * a runner claims the chunk after the cursor with a lease, and advances the cursor only while
 * it still holds that lease, so two runners never both do a chunk and a retry counts once.
 * The cursor (a lead id) is kept only while the job runs: a finished job names no lead.
 */

/**
 * The activation's own statements (ConfigStore.activate's batch): `version` supersedes any
 * unfinished older job and gets its own, both only if `version` is now the newest one.
 */
export function startReevaluation(version: number, now: number) {
  const activated = sql`(SELECT max(version) FROM config_versions) = ${version}`;
  return [
    sql`UPDATE ledger_reevaluations SET finished_at = ${now}, superseded_by = ${version}, cursor = '', lease = NULL, lease_until = NULL
      WHERE finished_at IS NULL AND config_version < ${version} AND ${activated}`,
    sql`INSERT OR IGNORE INTO ledger_reevaluations (config_version, started_at, total)
      SELECT ${version}, ${now}, (SELECT count(*) FROM leads) WHERE ${activated}`,
  ];
}

export interface ReevaluationProgress {
  configVersion: number;
  startedAt: number;
  done: number;
  total: number;
  /** Leads whose segment changed (a `config` transition recorded). */
  changed: number;
  finishedAt: number | null;
  supersededBy: number | null;
}

/** A claimed chunk: the lead ids after the cursor, and whether each is already at the job's version. */
export interface Chunk {
  configVersion: number;
  lease: string;
  leads: { id: string; current: boolean }[];
}

interface JobRow {
  config_version: number;
  started_at: number;
  done: number;
  total: number;
  changed: number;
  finished_at: number | null;
  superseded_by: number | null;
}

const toProgress = (row: JobRow): ReevaluationProgress => ({
  configVersion: row.config_version,
  startedAt: row.started_at,
  done: row.done,
  total: row.total,
  changed: row.changed,
  finishedAt: row.finished_at,
  supersededBy: row.superseded_by,
});

export class ReevaluationStore {
  constructor(private readonly d1: D1Database) {}

  /** The newest job (the active version's, unless it was activated before this table existed). */
  async latest(): Promise<ReevaluationProgress | null> {
    const [rows] = await d1Batch(this.d1, [
      sql`SELECT config_version, started_at, done, total, changed, finished_at, superseded_by
        FROM ledger_reevaluations ORDER BY config_version DESC LIMIT 1`,
    ]);
    const row = (rows as JobRow[])[0];
    return row ? toProgress(row) : null;
  }

  /**
   * Claims the next chunk of the active version's job until `now + leaseMs`, in one batch:
   * null when it is finished (or there is none: a version activated before this table, or a
   * restored database), or another runner holds an unexpired lease on it.
   */
  async claim(now: number, leaseMs: number, size: number): Promise<Chunk | null> {
    const lease = crypto.randomUUID();
    const [claimed, leads] = await d1Batch(this.d1, [
      sql`UPDATE ledger_reevaluations SET lease = ${lease}, lease_until = ${now + leaseMs}
        WHERE config_version = (SELECT max(version) FROM config_versions)
          AND finished_at IS NULL AND (lease_until IS NULL OR lease_until <= ${now})
        RETURNING config_version`,
      // The cursor as a scalar subquery, so this is a range search on the leads' key (a join
      // on it made SQLite scan the keys from the start: every chunk read all those before it).
      sql`SELECT l.id, s.config_version IS (SELECT config_version FROM ledger_reevaluations WHERE lease = ${lease}) AS current
        FROM leads l LEFT JOIN lead_segments s ON s.lead_id = l.id
        WHERE l.id > (SELECT cursor FROM ledger_reevaluations WHERE lease = ${lease}) ORDER BY l.id LIMIT ${size}`,
    ]);
    const job = (claimed as { config_version: number }[])[0];
    if (!job) return null;
    const rows = leads as { id: string; current: number }[];
    return { configVersion: job.config_version, lease, leads: rows.map((r) => ({ id: r.id, current: r.current === 1 })) };
  }

  /**
   * Advances the cursor past a done chunk if `lease` is still held (answers whether it was):
   * `last` finishes the job, and its total becomes the leads it went through (leads created
   * or erased since the activation change the count taken then).
   */
  async advance(chunk: Chunk, changed: number, last: boolean, now: number): Promise<ReevaluationProgress | null> {
    const cursor = chunk.leads.at(-1)?.id;
    const [result] = await d1BatchResults(this.d1, [
      sql`UPDATE ledger_reevaluations SET ${last || cursor === undefined ? sql`cursor = ''` : sql`cursor = ${cursor}`},
          done = done + ${chunk.leads.length}, changed = changed + ${changed}, lease = NULL, lease_until = NULL,
          finished_at = ${last ? now : null}, total = ${last ? sql`done + ${chunk.leads.length}` : sql`total`}
        WHERE config_version = ${chunk.configVersion} AND lease = ${chunk.lease}
        RETURNING config_version, started_at, done, total, changed, finished_at, superseded_by`,
    ]);
    const row = (result!.results as JobRow[])[0];
    return row ? toProgress(row) : null;
  }

  /** Ends a job that cannot run (its version no longer compiles with this code), if `lease` is still held. */
  async abandon(chunk: Chunk, now: number): Promise<void> {
    await d1Batch(this.d1, [
      sql`UPDATE ledger_reevaluations SET finished_at = ${now}, cursor = '', lease = NULL, lease_until = NULL
        WHERE config_version = ${chunk.configVersion} AND lease = ${chunk.lease}`,
    ]);
  }
}
