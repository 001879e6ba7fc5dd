import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A person. Anonymous leads (no email yet) are created for every new visitor so that
 * activity has somewhere to live before `identify`, which merges an anonymous lead into
 * the lead with the email. `mergedInto` marks an anonymous lead during that merge (the
 * same batch then deletes it). Known leads (with an email) are merged only by the server
 * API, never by a browser's identify (see `leadMerges`).
 */
export const leads = sqliteTable(
  "leads",
  {
    id: text("id").primaryKey(),
    email: text("email").unique(),
    /** JSON object `{ company: {...}, person: {...} }`, merged with json_patch. */
    traits: text("traits").notNull().default("{}"),
    mergedInto: text("merged_into"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("leads_merged_into").on(t.mergedInto)],
);

/**
 * Known leads merged by the server API (`POST /v1/leads/{email}/merge`): the merged lead's
 * row is gone, but email links minted for its id keep working by following this to the
 * survivor (re-pointed when the survivor is merged in turn, so it is always one step).
 */
export const leadMerges = sqliteTable(
  "lead_merges",
  {
    fromId: text("from_id").primaryKey(),
    intoId: text("into_id").notNull(),
    mergedAt: integer("merged_at").notNull(),
  },
  (t) => [index("lead_merges_into").on(t.intoId)],
);

/** A browser (client-generated UUID v4) and the lead it currently belongs to. */
export const visitors = sqliteTable(
  "visitors",
  {
    id: text("id").primaryKey(),
    leadId: text("lead_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("visitors_lead").on(t.leadId)],
);

/**
 * Every accepted event, keyed by its lead and the client's event id so a retry is ignored
 * (INSERT OR IGNORE). The id is unique per lead only: anyone can send any id, and a
 * global key would let one visitor who learns another lead's event id pre-insert it and
 * silence that event. Inserting a row is what counts it: the `events_aggregate` trigger
 * (custom migrations 0003, recreated by 0006's table rebuild) folds it into
 * `lead_activity` in the same statement.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").notNull(),
    leadId: text("lead_id").notNull(),
    visitorId: text("visitor_id"),
    type: text("type").notNull(),
    category: text("category").notNull(),
    /** Event time, epoch ms (clamped by the server). */
    ts: integer("ts").notNull(),
    /** Path only: query strings can carry personal data and are not kept. */
    path: text("path"),
    props: text("props"),
    receivedAt: integer("received_at").notNull(),
  },
  // The key's index (lead_id first) also finds a lead's events, so no other per-lead index.
  // events_type_ts: finding the leads seen in a period (the segment conversion report).
  (t) => [primaryKey({ columns: [t.leadId, t.id] }), index("events_type_ts").on(t.type, t.ts)],
);

/**
 * Compact per-lead aggregate, one row per `type:category` key. `recent` holds the
 * timestamps (epoch ms) of the most recent events of that key, capped (see
 * RECENT_CAP in the trigger), so windowed counts are exact and reading a lead costs
 * one row per key however long its history is.
 */
export const leadActivity = sqliteTable(
  "lead_activity",
  {
    leadId: text("lead_id").notNull(),
    key: text("key").notNull(),
    total: integer("total").notNull().default(0),
    recent: text("recent").notNull().default(sql`'[]'`),
  },
  (t) => [primaryKey({ columns: [t.leadId, t.key] })],
);

/**
 * Every accepted configuration document, immutable once written. The active version is
 * the newest one: every activation (an edit or a rollback) inserts a new row, so "exactly
 * one active" holds by construction and the version number doubles as the optimistic
 * lock (the insert of `expected + 1` only happens while `expected` is still the newest).
 */
export const configVersions = sqliteTable(
  "config_versions",
  {
    version: integer("version").primaryKey(),
    /** The whole configuration document (JSON), as validated when it was accepted. */
    document: text("document").notNull(),
    /** Who activated it: the admin token's name, or the email signed in with Cloudflare Access. */
    author: text("author").notNull(),
    /** What the change's `X-Leadflare-Author` header said: a note beside the author, never the author. */
    authorNote: text("author_note"),
    message: text("message"),
    /** `activate` (an edit, or the shipped default on a fresh database) or `rollback`. */
    action: text("action").notNull(),
    /** For a rollback: the version whose document this one copies. */
    rolledBackFrom: integer("rolled_back_from"),
    /** JSON array of what changed against the version before (`segments.enterprise-hot`, `slots.hero`, ...). */
    changes: text("changes").notNull().default("[]"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("config_versions_action", sql`${t.action} IN ('activate', 'rollback')`),
    check("config_versions_rollback_source", sql`(${t.action} = 'rollback') = (${t.rolledBackFrom} IS NOT NULL)`),
  ],
);

/**
 * Admin console sessions (`POST /v1/admin/session`). The cookie carries the id signed with
 * LF_SESSION_SECRET; the row is what makes it valid, so signing out (deleting the row)
 * ends it at once. Expired rows are deleted when someone signs in.
 */
export const adminSessions = sqliteTable(
  "admin_sessions",
  {
    id: text("id").primaryKey(),
    /** The admin token's name it was opened with: the author of what is changed in it. */
    author: text("author").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("admin_sessions_expires").on(t.expiresAt)],
);
