import { sql } from "drizzle-orm";
import { d1Batch } from "./batch";
import { startReevaluation } from "./reevaluation-store";

/**
 * Configuration versions in D1 (table `config_versions`, see ./schema.ts). Versions are
 * immutable; the newest one is the active one. Every method is one batch.
 */

export type ConfigAction = "activate" | "rollback";

export interface VersionInfo {
  version: number;
  author: string;
  /** The `X-Leadflare-Author` note beside the author. */
  authorNote: string | null;
  message: string | null;
  action: ConfigAction;
  rolledBackFrom: number | null;
  /** What changed against the version before it (see describeChanges). */
  changes: string[];
  /** Epoch ms. */
  createdAt: number;
}

export interface StoredVersion extends VersionInfo {
  /** The document as JSON text; parsed and validated by the caller. */
  document: string;
}

export interface NewVersion {
  document: string;
  author: string;
  authorNote: string | null;
  message: string | null;
  action: ConfigAction;
  rolledBackFrom: number | null;
  changes: string[];
}

/** Who the shipped default is attributed to on a fresh database. */
export const SEED_AUTHOR = "leadflare (shipped default)";

interface VersionRow {
  version: number;
  document?: string | null;
  author: string;
  author_note: string | null;
  message: string | null;
  action: ConfigAction;
  rolled_back_from: number | null;
  changes: string;
  created_at: number;
}

const INFO_COLUMNS = sql`version, author, author_note, message, action, rolled_back_from, changes, created_at`;

export class ConfigStore {
  /** `shipped`: the default configuration's JSON, which an empty table is seeded with (src/config/active.ts). */
  constructor(
    private readonly d1: D1Database,
    private readonly shipped?: () => Promise<string>,
  ) {}

  /** The shipped default's JSON; throws when this store was given none. */
  shippedDocument(): Promise<string> {
    if (!this.shipped) throw new Error("ConfigStore: no shipped default configuration");
    return this.shipped();
  }

  /**
   * The active version; on an empty table (a fresh database) the shipped default is activated
   * as version 1 first (insert-or-ignore: concurrent first requests activate it once). One
   * round trip, two on the very first request.
   */
  async activeOrSeed(now: number): Promise<StoredVersion> {
    const found = await this.active();
    if (found) return found;
    return (await this.active({ document: await this.shippedDocument(), now }))!;
  }

  /**
   * The active version. With `seed`, on a fresh database the shipped default becomes
   * version 1 first, in the same batch; `INSERT OR IGNORE` on the version key means
   * concurrent first requests cannot create it twice. Null only without a seed.
   */
  async active(seed?: { document: string; now: number }): Promise<StoredVersion | null> {
    const results = await d1Batch(this.d1, [
      ...(seed
        ? [
            sql`INSERT OR IGNORE INTO config_versions (version, document, author, message, action, changes, created_at)
              SELECT 1, ${seed.document}, ${SEED_AUTHOR}, 'The shipped default configuration', 'activate', '[]', ${seed.now}
              WHERE NOT EXISTS (SELECT 1 FROM config_versions)`,
          ]
        : []),
      sql`SELECT ${INFO_COLUMNS}, document FROM config_versions ORDER BY version DESC LIMIT 1`,
    ]);
    const row = (results.at(-1) as VersionRow[])[0];
    return row ? toStored(row) : null;
  }

  /**
   * The active version if it is not `known`: `{ version }` alone when nothing changed, so a
   * periodic check moves a few bytes; null on an empty table.
   */
  async activeUnless(known: number): Promise<{ version: number; document: string | null } | null> {
    const [rows] = await d1Batch(this.d1, [
      sql`SELECT version, CASE WHEN version = ${known} THEN NULL ELSE document END AS document
        FROM config_versions ORDER BY version DESC LIMIT 1`,
    ]);
    const row = (rows as { version: number; document: string | null }[])[0];
    return row ? { version: row.version, document: row.document } : null;
  }

  /**
   * Activates a new version, `expected + 1`, only while `expected` is still the active
   * one (the If-Match check, done in SQL so two concurrent edits cannot both win), and
   * starts re-evaluating every lead against it (./reevaluation-store.ts).
   */
  async activate(expected: number, next: NewVersion, now: number): Promise<{ activated: number } | { conflict: number | null }> {
    const [inserted, current] = await d1Batch(this.d1, [
      sql`INSERT OR IGNORE INTO config_versions (version, document, author, author_note, message, action, rolled_back_from, changes, created_at)
        SELECT ${expected + 1}, ${next.document}, ${next.author}, ${next.authorNote}, ${next.message}, ${next.action}, ${next.rolledBackFrom},
          ${JSON.stringify(next.changes)}, ${now}
        WHERE (SELECT max(version) FROM config_versions) = ${expected}
        RETURNING version`,
      sql`SELECT max(version) AS version FROM config_versions`,
      // In the same transaction, so an activation never exists without its re-evaluation.
      ...startReevaluation(expected + 1, now),
    ]);
    if (inserted!.length === 1) return { activated: expected + 1 };
    return { conflict: (current as { version: number | null }[])[0]?.version ?? null };
  }

  /** One version and the active one, both with their documents. */
  async version(version: number): Promise<{ found: StoredVersion | null; active: StoredVersion | null }> {
    const [rows, active] = await d1Batch(this.d1, [
      sql`SELECT ${INFO_COLUMNS}, document FROM config_versions WHERE version = ${version}`,
      sql`SELECT ${INFO_COLUMNS}, document FROM config_versions ORDER BY version DESC LIMIT 1`,
    ]);
    const [found, newest] = [(rows as VersionRow[])[0], (active as VersionRow[])[0]];
    return { found: found ? toStored(found) : null, active: newest ? toStored(newest) : null };
  }

  /** The audit trail, newest first: `limit` versions older than `before` (all when absent). */
  async list(limit: number, before?: number): Promise<{ versions: VersionInfo[]; active: number | null }> {
    const [rows, active] = await d1Batch(this.d1, [
      sql`SELECT ${INFO_COLUMNS} FROM config_versions
        WHERE ${before === undefined ? sql`1 = 1` : sql`version < ${before}`}
        ORDER BY version DESC LIMIT ${limit}`,
      sql`SELECT max(version) AS version FROM config_versions`,
    ]);
    return {
      versions: (rows as VersionRow[]).map(toInfo),
      active: (active as { version: number | null }[])[0]?.version ?? null,
    };
  }
}

function toInfo(row: VersionRow): VersionInfo {
  return {
    version: row.version,
    author: row.author,
    authorNote: row.author_note,
    message: row.message,
    action: row.action,
    rolledBackFrom: row.rolled_back_from,
    changes: JSON.parse(row.changes) as string[],
    createdAt: row.created_at,
  };
}

function toStored(row: VersionRow): StoredVersion {
  return { ...toInfo(row), document: row.document! };
}
