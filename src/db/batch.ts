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
  const statements = items.map((item) => {
    const query = dialect.sqlToQuery(item);
    return d1.prepare(query.sql).bind(...query.params);
  });
  const results = await d1.batch(statements);
  return results.map((r) => r.results ?? []);
}
