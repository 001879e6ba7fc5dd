import { sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { uuidText } from "../../src/db/uuid";

/** SQL for the text UUID of 16 stored bytes in `column` (an SQL expression), as src/db/uuid.ts writes it. */
export const asText = (column: string) => new SQLiteAsyncDialect().sqlToQuery(uuidText(sql.raw(column))).sql;

/**
 * `events` as tests read it: the table stores lead_id and id as a UUID's 16 bytes
 * (src/db/schema.ts), and a test compares them with the text ids the API and leads.id use.
 * A subquery to put where the table's name would go (`SELECT … FROM ${EVENTS} AS events`).
 */
export const EVENTS = `(SELECT ${asText("lead_id")} AS lead_id, ${asText("id")} AS id, type, category, ts, path, props FROM events)`;

/** The events of the lead a visitor belongs to (events keep no visitor id): `countRows("events", EVENTS_OF_VISITOR, visitorId)`. */
export const EVENTS_OF_VISITOR = "lead_id = (SELECT lead_id FROM visitors WHERE id = ?)";
