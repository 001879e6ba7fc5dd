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
