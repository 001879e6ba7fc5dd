import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Routing's tables (README "Routing"; src/db/routing-store.ts). The rest of the schema: ./schema.ts. */

/**
 * Routing's outbox and log (src/app/routing.ts): one row per logical delivery of a lead's
 * change of segment to one destination, written in the review's own batch with the
 * transition it announces. `id` is the Standard Webhooks `webhook-id`, the same for every
 * attempt. `status`: `pending` (to send at `nextAt`), `held` (a flap within the quiet period:
 * at most one per lead and destination, sent at `nextAt` as the net change since the last
 * delivery, or `dropped`), `delivered`, `dead` (the last attempt failed), `disabled` (the
 * destination answered 410). `enqueuedAt`: when a queue message for it was last sent (the
 * sweep re-sends what a lost message or a crash left); `lease`/`leaseUntil`: the consumer
 * holding the attempt. `pool`: the owner ids to take in turn (JSON), `owner` the one taken.
 */
export const routingDeliveries = sqliteTable(
  "routing_deliveries",
  {
    id: text("id").primaryKey(),
    leadId: text("lead_id").notNull(),
    destination: text("destination").notNull(),
    fromSegment: text("from_segment"),
    toSegment: text("to_segment").notNull(),
    cause: text("cause").notNull(),
    /** Epoch ms of the change (the transition's instant). */
    at: integer("at").notNull(),
    configVersion: integer("config_version").notNull(),
    rule: integer("rule").notNull(),
    pool: text("pool"),
    owner: text("owner"),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAt: integer("next_at").notNull(),
    enqueuedAt: integer("enqueued_at"),
    lease: text("lease"),
    leaseUntil: integer("lease_until"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    /** The CRM task a delivery created (HubSpot, Salesforce): a retry never creates a second one. */
    externalId: text("external_id"),
    createdAt: integer("created_at").notNull(),
    /** When it was (or, held, will be) handed to the queue: the quiet period runs from the last one. */
    sentAt: integer("sent_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    // The sweep: what is due and not finished.
    index("routing_deliveries_due").on(t.status, t.nextAt).where(sql`${t.status} IN ('pending', 'held')`),
    // The last delivery of a lead to a destination (the quiet period), and a lead's log.
    index("routing_deliveries_lead").on(t.leadId, t.destination, t.sentAt),
    // One held delivery per lead and destination: later flaps update it.
    uniqueIndex("routing_deliveries_held").on(t.leadId, t.destination).where(sql`${t.status} = 'held'`),
    // The log, newest first, and per destination (its success rate).
    index("routing_deliveries_destination").on(t.destination, t.createdAt),
    index("routing_deliveries_created").on(t.createdAt),
  ],
);

/** Every attempt of a delivery: HTTP status (null: no answer), latency, error. */
export const routingAttempts = sqliteTable(
  "routing_attempts",
  {
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    at: integer("at").notNull(),
    status: integer("status"),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

/** Round-robin owner assignment: one counter per pool (its owner ids, JSON), advanced atomically. */
export const routingTurns = sqliteTable("routing_turns", {
  pool: text("pool").primaryKey(),
  turn: integer("turn").notNull(),
});

/** Destinations that answered 410 Gone: nothing more is sent there until a replay re-enables it. */
export const routingDisabled = sqliteTable("routing_disabled", {
  destination: text("destination").primaryKey(),
  disabledAt: integer("disabled_at").notNull(),
  reason: text("reason").notNull(),
});

/**
 * `lead.erased` notices to webhook destinations (README "Routing"), written in the erase's own
 * batch: the one place the erased lead's opaque id (`erasedLead`, never an email or traits)
 * outlives the erase, so that a destination can erase its copy. A notice is deleted once
 * delivered; a dead one forgets the id. Attempts as for deliveries (lease, schedule).
 */
export const routingErasures = sqliteTable(
  "routing_erasures",
  {
    id: text("id").primaryKey(),
    destination: text("destination").notNull(),
    erasedLead: text("erased_lead"),
    erasedAt: integer("erased_at").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAt: integer("next_at").notNull(),
    enqueuedAt: integer("enqueued_at"),
    lease: text("lease"),
    leaseUntil: integer("lease_until"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
  },
  (t) => [index("routing_erasures_due").on(t.status, t.nextAt).where(sql`${t.status} = 'pending'`)],
);
