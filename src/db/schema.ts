import { sql } from "drizzle-orm";
import { blob, check, index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
    /**
     * Traits the visitor stated in a form (`forms.fields`, src/domain/claimed-traits.ts): used
     * only where neither a trusted trait nor the lead's account says otherwise.
     */
    claimedTraits: text("claimed_traits").notNull().default("{}"),
    /** The account whose network (`request.cf.asOrganization`) an anonymous lead was seen on. */
    networkDomain: text("network_domain"),
    /**
     * The domain of the lead's account (src/db/schema-accounts.ts): its `company.domain` trait,
     * else its email's domain, else, while it has no email, the network it was seen on. Virtual,
     * indexed: an account's leads are found without a scan.
     */
    accountDomain: text("account_domain").generatedAlwaysAs(
      sql`coalesce(json_extract(traits, '$.company.domain'), CASE WHEN email IS NOT NULL THEN substr(email, instr(email, '@') + 1) ELSE network_domain END)`,
      { mode: "virtual" },
    ),
  },
  (t) => [
    index("leads_merged_into").on(t.mergedInto),
    index("leads_account_domain").on(t.accountDomain),
    // Anonymous leads only, oldest first: the retention sweep walks them from a cursor
    // (src/db/retention-store.ts). Identified leads, never deleted by it, are not in it.
    index("leads_anonymous_created").on(t.createdAt, t.id).where(sql`${t.email} IS NULL`),
  ],
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
 * (custom SQL in migration 0010, which rebuilt the table) folds it into `lead_activity` in
 * the same statement.
 *
 * The one table with a row per event, so every byte of a row is paid a million times a day
 * (`npm run bench` measures it: bench/README.md). Hence, by hand in migration 0010 (drizzle
 * cannot declare it; a drizzle-kit rebuild of this table must keep it):
 * - `WITHOUT ROWID`: the key's B-tree is the table, not a second copy of lead_id and id.
 * - `lead_id` and `id` are UUIDs (lead ids are generated, event ids validated as UUIDs and
 *   lower-cased), stored as their 16 bytes, not 36 characters: `uuidBytes` / `uuidText` in
 *   ./uuid.ts convert, a bijection on lower-case UUIDs, so the dedupe key means what it did.
 * - Only what a query reads: no visitor id and no receive time (nothing read them; the
 *   export shows what is stored).
 */
export const events = sqliteTable(
  "events",
  {
    leadId: blob("lead_id", { mode: "buffer" }).notNull(),
    id: blob("id", { mode: "buffer" }).notNull(),
    type: text("type").notNull(),
    category: text("category").notNull(),
    /** Event time, epoch ms (clamped by the server). */
    ts: integer("ts").notNull(),
    /** Path only: query strings can carry personal data and are not kept. */
    path: text("path"),
    props: text("props"),
  },
  // The key (lead_id first) also finds a lead's events, so no other per-lead index.
  // events_ts: the events of a period, for the retention sweep (older than the bound) and the
  // segment conversion report (its page views: the type is read from the row). Being an
  // index of a WITHOUT ROWID table, it holds the key too, which is all the report needs.
  (t) => [primaryKey({ columns: [t.leadId, t.id] }), index("events_ts").on(t.ts)],
);

/**
 * Compact per-lead aggregate, one row per `type:category` key. `recent` holds the
 * timestamps (epoch ms) of the most recent events of that key, capped (see
 * RECENT_CAP in the trigger), so windowed counts are exact and reading a lead costs
 * one row per key however long its history is. `WITHOUT ROWID` (by hand in migration 0010):
 * the key's B-tree is the table, with no second copy of (lead_id, key) in an index.
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
 * The audit trail of erase and export requests (`DELETE /v1/leads/{email}`,
 * `GET /v1/leads/{email}/export`), written in the same batch as the request's work. It is
 * the proof that an erase happened, so an erase never deletes from it, and it holds nothing
 * that leads back to the person: the email only as an HMAC-SHA256 under LF_LINK_SECRET (a
 * plain hash of an email is reversed by hashing candidate addresses), no lead id.
 */
export const privacyRequests = sqliteTable(
  "privacy_requests",
  {
    id: text("id").primaryKey(),
    /** `erase` or `export`. */
    action: text("action").notNull(),
    /** Hex HMAC-SHA256(LF_LINK_SECRET, "privacy|" + the normalized email): see src/domain/privacy.ts. */
    emailHash: text("email_hash").notNull(),
    /** Whether a lead had the email when the request ran (a retried erase finds none). */
    found: integer("found", { mode: "boolean" }).notNull(),
    /** The credential that authorized the request (`LF_API_KEY`). */
    actor: text("actor").notNull(),
    /** Epoch ms. */
    at: integer("at").notNull(),
  },
  (t) => [
    check("privacy_requests_action", sql`${t.action} IN ('erase', 'export')`),
    index("privacy_requests_email_hash").on(t.emailHash),
  ],
);

/**
 * Where each periodic sweep stands (one row per sweep, by name): the retention sweep's
 * cursor over anonymous leads, the last `(created_at, id)` it examined (NULL: the walk starts
 * from the oldest), so a run resumes where the previous one stopped; and `resume_at`, before
 * which a run has nothing to do (set an hour ahead once a run found nothing left).
 */
export const sweepState = sqliteTable("sweep_state", {
  name: text("name").primaryKey(),
  cursorCreatedAt: integer("cursor_created_at"),
  cursorId: text("cursor_id"),
  resumeAt: integer("resume_at").notNull().default(0),
});

/**
 * Scratch space of one retention batch: the anonymous leads it examined and whether each
 * was idle. The batch (one D1 transaction) fills it, deletes the idle leads' rows and empties
 * it again, so outside a batch it is always empty.
 */
export const retentionBatch = sqliteTable(
  "retention_batch",
  {
    leadId: text("lead_id").notNull(),
    createdAt: integer("created_at").notNull(),
    idle: integer("idle").notNull(),
  },
  // The walk's order, so the batch's last lead (the next cursor) is read from the key, not sorted.
  (t) => [primaryKey({ columns: [t.createdAt, t.leadId] })],
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

/**
 * A browser's unverified identify (issue 12): "this visitor says it is `email`". A claim is
 * never merged and never makes the browser see the known lead; it is kept (the newest per
 * visitor) until the visitor is verified for that lead, which deletes it, or the lead or
 * visitor is erased. Verification: the site's server (`POST /v1/leads/{email}/visitors`, a
 * server-key identify), a signed email link, or `identity.trustBrowserIdentify`.
 */
export const identityClaims = sqliteTable(
  "identity_claims",
  {
    visitorId: text("visitor_id").primaryKey(),
    email: text("email").notNull(),
    claimedAt: integer("claimed_at").notNull(),
  },
  (t) => [index("identity_claims_email").on(t.email)],
);

/**
 * Engagement points a visitor earned from public (browser) events per UTC day, bounded by
 * `scoring.engagement.publicDailyCap`. `admitted` lists the events the latest request
 * admitted under the cap: the event insert that follows in the same batch stores only those,
 * so an event past the cap is neither stored nor counted (see LeadStore.eventInserts).
 */
export const visitorDailyPoints = sqliteTable(
  "visitor_daily_points",
  {
    visitorId: text("visitor_id").notNull(),
    /** Days since the epoch (UTC). */
    day: integer("day").notNull(),
    points: real("points").notNull(),
    /** JSON array: the ids of the events the day's latest request admitted under the cap. */
    admitted: text("admitted").notNull(),
  },
  (t) => [primaryKey({ columns: [t.visitorId, t.day] }), index("visitor_daily_points_day").on(t.day)],
);

/**
 * Single use of email-link verifications (`lf_verify`, src/domain/verify-links.ts): the first
 * visitor to present a token id takes it; the row lets nobody else use it before the token
 * expires, after which the retention sweep may forget it.
 */
export const identityVerifications = sqliteTable(
  "identity_verifications",
  {
    id: text("id").primaryKey(),
    visitorId: text("visitor_id").notNull(),
    /** Epoch ms. */
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("identity_verifications_expires_at").on(t.expiresAt), index("identity_verifications_visitor").on(t.visitorId)],
);

/**
 * The segment ledger (issue 13): each lead's recorded segment, evaluated from its stored
 * traits and activity alone (no request context, see src/domain/review-at.ts). `evaluatedAt`:
 * the instant up to which the recorded segment is known right; `reviewAt`: when the lead
 * must be looked at again, the earliest of the next instant time alone can change its
 * segment and a write's mark (a write path sets it to the write's time, with `pendingCause`,
 * in its own batch). `revision` changes with every mark and every review: a review writes
 * only if it still holds the revision it read (compare-and-set), so concurrent reviews
 * record a change once. `segmentId` is null until the lead's first review.
 */
export const leadSegments = sqliteTable(
  "lead_segments",
  {
    leadId: text("lead_id").primaryKey(),
    segmentId: text("segment_id"),
    since: integer("since"),
    configVersion: integer("config_version"),
    evaluatedAt: integer("evaluated_at"),
    reviewAt: integer("review_at"),
    pendingCause: text("pending_cause"),
    /** When the write that set `pendingCause` happened: the instant of a change without a time of its own (traits, identity, import). */
    pendingAt: integer("pending_at"),
    /**
     * The lead's traits (JSON) before a traits write that marked it, when that write was the
     * first change without a time since the last review: the review walks time's changes
     * under them up to the write (src/domain/review-at.ts), so none is folded into the write's.
     */
    priorTraits: text("prior_traits"),
    revision: text("revision").notNull().default(""),
  },
  (t) => [
    index("lead_segments_review_at").on(t.reviewAt),
    // GET /v1/segments counts by segment; GET /v1/segments/{id}/leads pages by (since, lead).
    index("lead_segments_segment_since").on(t.segmentId, t.since, t.leadId),
  ],
);

/** Every recorded change of a lead's segment, append-only. `fromSegment` is null for the first. */
export const segmentTransitions = sqliteTable(
  "segment_transitions",
  {
    id: integer("id").primaryKey(),
    leadId: text("lead_id").notNull(),
    fromSegment: text("from_segment"),
    toSegment: text("to_segment").notNull(),
    /** Epoch ms: the instant the change happened (an event's time, or the computed boundary). */
    at: integer("at").notNull(),
    cause: text("cause").notNull(),
    configVersion: integer("config_version").notNull(),
  },
  (t) => [
    index("segment_transitions_lead_at").on(t.leadId, t.at),
    // A range on `at`: the reports' transitions of a period (src/db/ledger-reports.ts), and GET /v1/segments'
    // entries and exits in the last 7 days, which it covers (from and to are in the index).
    index("segment_transitions_at").on(t.at, t.fromSegment, t.toSegment),
  ],
);

/**
 * The re-evaluation of every lead after a configuration version is activated (one row per
 * activated version, inserted in the activation's own batch). Chunks of leads in id order:
 * `cursor` is the last lead id done ('' before the first chunk and once finished), advanced with compare-and-set;
 * a runner holds `lease` until `leaseUntil` while it works on the chunk after `cursor`.
 * `total` is the number of leads when the version was activated; `finishedAt` is set when the
 * last chunk is done, or when a newer activation supersedes the job (`supersededBy`).
 */
export const ledgerReevaluations = sqliteTable("ledger_reevaluations", {
  configVersion: integer("config_version").primaryKey(),
  startedAt: integer("started_at").notNull(),
  cursor: text("cursor").notNull().default(""),
  done: integer("done").notNull().default(0),
  total: integer("total").notNull(),
  changed: integer("changed").notNull().default(0),
  lease: text("lease"),
  leaseUntil: integer("lease_until"),
  finishedAt: integer("finished_at"),
  supersededBy: integer("superseded_by"),
});
