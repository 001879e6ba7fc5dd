import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";

/** Compiles drizzle `sql` to SQLite text and parameters (table shapes: ./schema.ts). */
const dialect = new SQLiteAsyncDialect();

/**
 * Sends drizzle `sql` statements as one D1 batch: one round trip, one transaction.
 * (drizzle's own `batch` cannot take raw statements with parameters.) Returns each
 * statement's result rows, in order.
 */
export async function d1Batch(d1: D1Database, items: SQL[]): Promise<unknown[][]> {
  const results = await d1BatchResults(d1, items);
  return results.map((r) => r.results ?? []);
}

/** The same batch, answering D1's whole result per statement (rows and `meta`, e.g. `changes`). */
export async function d1BatchResults(d1: D1Database, items: SQL[]): Promise<D1Result[]> {
  const statements = items.map((item) => {
    const query = dialect.sqlToQuery(item);
    return d1.prepare(query.sql).bind(...query.params);
  });
  return d1.batch(statements);
}

/**
 * Statements of a batch with their own decoder (usually one statement): a batch composed of
 * named steps answers each step's decoded value by name, not rows read back by position.
 */
export interface Step<T> {
  readonly statements: readonly SQL[];
  readonly decode: (results: D1Result[]) => T;
}

export function step<T>(query: SQL, decode: (result: D1Result) => T): Step<T> {
  return { statements: [query], decode: ([result]) => decode(result!) };
}

/** A step of several statements decoded together (e.g. a lead and its activity rows). */
export function compound<T>(queries: SQL[], decode: (results: D1Result[]) => T): Step<T> {
  return { statements: queries, decode };
}

/** A step whose result nobody reads (a write whose effect the following steps see). */
export function run(query: SQL): Step<void> {
  return step(query, () => undefined);
}

/** The rows a step returned. */
export function rows<T>(query: SQL): Step<T[]> {
  return step(query, (r) => (r.results ?? []) as T[]);
}

type Steps = Record<string, Step<unknown> | readonly Step<unknown>[]>;
type Decoded<S extends Steps> = { [K in keyof S]: S[K] extends readonly Step<infer T>[] ? T[] : S[K] extends Step<infer T> ? T : never };

/**
 * Sends named steps (or lists of steps) as one D1 batch, in the order they are listed: one
 * round trip, one transaction. Answers each name's decoded value (a list for a list).
 */
export async function runBatch<S extends Steps>(d1: D1Database, steps: S): Promise<Decoded<S>> {
  const entries = Object.entries(steps).map(([name, s]) => [name, Array.isArray(s) ? s : [s]] as [string, Step<unknown>[]]);
  const results = await d1BatchResults(d1, entries.flatMap(([, list]) => list.flatMap((s) => s.statements)));
  let at = 0;
  const out: Record<string, unknown> = {};
  for (const [name, list] of entries) {
    const decoded = list.map((s) => s.decode(results.slice(at, (at += s.statements.length))));
    out[name] = Array.isArray(steps[name]) ? decoded : decoded[0];
  }
  return out as Decoded<S>;
}
