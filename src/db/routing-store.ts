import { sql, type SQL } from "drizzle-orm";
import { rows, run, runBatch, step } from "./batch";

/** The first row a step returned, or null. */
const first = <T>(query: SQL) => step(query, (r) => ((r.results ?? [])[0] as T | undefined) ?? null);

/**
 * Routing's outbox and log (`routing_deliveries`, `routing_attempts`; written with the
 * ledger's transitions by src/db/ledger-store.ts). An attempt is held by a lease
 * (compare-and-set on `lease`), so two messages for one delivery never send it twice at once,
 * and an attempt's outcome is written only by the lease that made it.
 */

export interface DeliveryRow {
  id: string;
  lead_id: string;
  destination: string;
  from_segment: string | null;
  to_segment: string;
  cause: string;
  at: number;
  config_version: number;
  rule: number;
  pool: string | null;
  owner: string | null;
  status: string;
  attempts: number;
  next_at: number;
  enqueued_at: number | null;
  last_status: number | null;
  last_error: string | null;
  external_id: string | null;
  created_at: number;
  sent_at: number | null;
  finished_at: number | null;
}

export interface ClaimedDelivery extends DeliveryRow {
  /** The lead's email; null when the lead no longer has one. */
  email: string | null;
  /** Set when the destination answered 410 and was not re-enabled since. */
  disabled_at: number | null;
}

/** One attempt, for the log (numbered there: after a replay, on from the attempts before it). */
export interface AttemptRecord {
  at: number;
  status: number | null;
  latencyMs: number;
  error: string | null;
}

export type DeliveryOutcome =
  | { status: "delivered" }
  | { status: "pending"; nextAt: number; enqueuedUntil: number | null }
  | { status: "dead" | "disabled" | "cancelled" };

/** How long an attempt is its consumer's: past it (the consumer died), the sweep sends it again. */
export const LEASE_MS = 60_000;
/** How long after a message was sent the sweep waits before it sends another for a pending delivery. */
export const ENQUEUE_GRACE_MS = 120_000;

const COLUMNS = sql.raw(`d.id, d.lead_id, d.destination, d.from_segment, d.to_segment, d.cause, d.at, d.config_version, d.rule, d.pool, d.owner,
  d.status, d.attempts, d.next_at, d.enqueued_at, d.last_status, d.last_error, d.external_id, d.created_at, d.sent_at, d.finished_at`);

export class RoutingStore {
  constructor(private readonly d1: D1Database) {}

  /**
   * Takes the next attempt of a due, pending delivery (one round trip): the lease, the attempt
   * count, and on its first attempt an owner from its pool, in turn (an atomic counter per
   * pool, so two deliveries never get the same turn). Null when it is not due, not pending,
   * or another consumer holds it.
   */
  async claim(id: string, lease: string, now: number): Promise<ClaimedDelivery | null> {
    const held = sql`id = ${id} AND lease = ${lease}`;
    const { claimed } = await runBatch(this.d1, {
      take: run(sql`UPDATE routing_deliveries SET lease = ${lease}, lease_until = ${now + LEASE_MS}, attempts = attempts + 1
        WHERE id = ${id} AND status = 'pending' AND next_at <= ${now + 1000} AND coalesce(lease_until, 0) < ${now}`),
      turn: run(sql`INSERT INTO routing_turns (pool, turn) SELECT pool, 1 FROM routing_deliveries WHERE ${held} AND owner IS NULL AND pool IS NOT NULL
        ON CONFLICT (pool) DO UPDATE SET turn = turn + 1`),
      owner: run(sql`UPDATE routing_deliveries SET owner = (
          SELECT json_extract(routing_deliveries.pool, '$[' || ((t.turn - 1) % json_array_length(routing_deliveries.pool)) || ']')
          FROM routing_turns t WHERE t.pool = routing_deliveries.pool)
        WHERE ${held} AND owner IS NULL AND pool IS NOT NULL`),
      claimed: first<ClaimedDelivery>(sql`SELECT ${COLUMNS}, l.email, x.disabled_at FROM routing_deliveries d
        LEFT JOIN leads l ON l.id = d.lead_id LEFT JOIN routing_disabled x ON x.destination = d.destination
        WHERE d.id = ${id} AND d.lease = ${lease}`),
    });
    return claimed;
  }

  /** Records the CRM task an attempt created, at once, while `lease` holds the delivery: a later attempt skips creating it. */
  async recordTask(id: string, lease: string, taskId: string): Promise<void> {
    await runBatch(this.d1, { task: run(sql`UPDATE routing_deliveries SET external_id = ${taskId} WHERE id = ${id} AND lease = ${lease}`) });
  }

  /** Writes an attempt and what follows it, only while `lease` still holds the delivery. A 410 disables the destination. */
  async finish(id: string, lease: string, attempt: AttemptRecord, outcome: DeliveryOutcome, destination: string, now: number): Promise<boolean> {
    const held = sql`id = ${id} AND lease = ${lease}`;
    const next = outcome.status === "pending" ? outcome : { nextAt: null, enqueuedUntil: null };
    const finished = outcome.status === "pending" ? null : now;
    const steps = {
      // Numbered on from the log's last (a replay restarts the schedule, not the log).
      attempt: run(sql`INSERT INTO routing_attempts (delivery_id, attempt, at, status, latency_ms, error)
        SELECT id, (SELECT coalesce(max(attempt), 0) + 1 FROM routing_attempts WHERE delivery_id = ${id}), ${attempt.at}, ${attempt.status},
          ${attempt.latencyMs}, ${attempt.error} FROM routing_deliveries WHERE ${held}`),
      ...(outcome.status === "disabled"
        ? {
            disable: run(sql`INSERT INTO routing_disabled (destination, disabled_at, reason)
              SELECT destination, ${now}, 'answered 410 Gone' FROM routing_deliveries WHERE ${held}
              ON CONFLICT (destination) DO NOTHING`),
            others: run(sql`UPDATE routing_deliveries SET status = 'disabled', finished_at = ${now}
              WHERE destination = ${destination} AND status IN ('pending', 'held') AND id <> ${id}`),
          }
        : {}),
      written: rows<{ id: string }>(sql`UPDATE routing_deliveries SET status = ${outcome.status},
          next_at = coalesce(${next.nextAt}, next_at), enqueued_at = ${next.enqueuedUntil}, lease = NULL, lease_until = NULL,
          last_status = ${attempt.status}, last_error = ${attempt.error}, finished_at = ${finished}
        WHERE ${held} RETURNING id`),
    };
    const { written } = await runBatch(this.d1, steps);
    return written.length > 0;
  }

  /**
   * The sweep's pending deliveries that are due and have no live message (none sent, or the
   * last one sent longer than ENQUEUE_GRACE_MS ago and not taken: a crash or a lost message),
   * marked as sent now, soonest first.
   */
  async takeUnsent(now: number, limit: number): Promise<string[]> {
    const found = await runBatch(this.d1, {
      ids: rows<{ id: string }>(sql`UPDATE routing_deliveries SET enqueued_at = ${now}
        WHERE id IN (SELECT id FROM routing_deliveries WHERE status = 'pending' AND next_at <= ${now}
          AND coalesce(enqueued_at, 0) <= ${now - ENQUEUE_GRACE_MS} AND coalesce(lease_until, 0) < ${now}
          ORDER BY next_at LIMIT ${limit})
        RETURNING id`),
    });
    return found.ids.map((r) => r.id);
  }

  /** Held deliveries whose quiet period has ended. */
  async dueHeld(now: number, limit: number): Promise<DeliveryRow[]> {
    const found = await runBatch(this.d1, {
      held: rows<DeliveryRow>(sql`SELECT ${COLUMNS} FROM routing_deliveries d WHERE d.status = 'held' AND d.next_at <= ${now} ORDER BY d.next_at LIMIT ${limit}`),
    });
    return found.held;
  }

  /**
   * Ends held deliveries: `send` become pending now (and count as sent for the next quiet
   * period), the rest `dropped` (the lead is back where the last delivery left it, or the net
   * change is one no rule sends). Each only if no review changed it since it was read.
   * Answers the ids now pending.
   */
  async release(decisions: { row: DeliveryRow; send: boolean }[], now: number): Promise<string[]> {
    if (decisions.length === 0) return [];
    const steps: Record<string, ReturnType<typeof rows<{ id: string }>>> = {};
    decisions.forEach(({ row, send }, i) => {
      const status = send ? "pending" : "dropped";
      steps[`d${i}`] = rows<{ id: string }>(sql`UPDATE routing_deliveries SET status = ${status}, next_at = ${now}, sent_at = ${send ? now : null},
          enqueued_at = ${send ? now : null}, finished_at = ${send ? null : now}
        WHERE id = ${row.id} AND status = 'held' AND to_segment = ${row.to_segment} AND at = ${row.at} RETURNING id`);
    });
    const written = await runBatch(this.d1, steps);
    return decisions.flatMap(({ send }, i) => (send ? written[`d${i}`]!.map((r) => r.id) : []));
  }

  /**
   * Sends a delivery again from its first attempt's schedule (same id: a receiver that keeps
   * ids sees the same message), re-enabling its destination. Null when there is no such delivery.
   */
  async replay(id: string, now: number): Promise<DeliveryRow | null> {
    const { row } = await runBatch(this.d1, {
      enable: run(sql`DELETE FROM routing_disabled WHERE destination = (SELECT destination FROM routing_deliveries WHERE id = ${id})`),
      reset: run(sql`UPDATE routing_deliveries SET status = 'pending', attempts = 0, next_at = ${now}, enqueued_at = ${now}, lease = NULL,
          lease_until = NULL, finished_at = NULL, sent_at = coalesce(sent_at, ${now})
        WHERE id = ${id} AND status <> 'held'`),
      row: first<DeliveryRow>(sql`SELECT ${COLUMNS} FROM routing_deliveries d WHERE d.id = ${id}`),
    });
    return row;
  }

  /** The log, newest first: deliveries with every attempt, filtered, paged by `before` (created_at). */
  async list(filter: { status?: string | undefined; destination?: string | undefined; email?: string | undefined; before?: number | undefined; limit: number }) {
    const where: SQL[] = [sql`d.created_at < ${filter.before ?? Number.MAX_SAFE_INTEGER}`];
    if (filter.status) where.push(sql`d.status = ${filter.status}`);
    if (filter.destination) where.push(sql`d.destination = ${filter.destination}`);
    if (filter.email) where.push(sql`d.lead_id = (SELECT id FROM leads WHERE email = ${filter.email})`);
    const page = sql`(SELECT ${COLUMNS} FROM routing_deliveries d WHERE ${sql.join(where, sql` AND `)} ORDER BY d.created_at DESC, d.id DESC LIMIT ${filter.limit})`;
    const { deliveries, attempts } = await runBatch(this.d1, {
      deliveries: rows<DeliveryRow & { email: string | null }>(sql`SELECT p.*, l.email FROM ${page} p LEFT JOIN leads l ON l.id = p.lead_id ORDER BY p.created_at DESC, p.id DESC`),
      attempts: rows<{ delivery_id: string; attempt: number; at: number; status: number | null; latency_ms: number; error: string | null }>(
        sql`SELECT a.* FROM routing_attempts a WHERE a.delivery_id IN (SELECT id FROM ${page}) ORDER BY a.delivery_id, a.attempt`,
      ),
    });
    return { deliveries, attempts };
  }

  /** Per destination over the last 24 hours: deliveries finished and delivered; and the disabled ones. */
  async destinationHealth(now: number) {
    const { counts, disabled } = await runBatch(this.d1, {
      counts: rows<{ destination: string; finished: number; delivered: number; waiting: number }>(sql`SELECT destination,
          sum(status IN ('delivered', 'dead', 'disabled')) AS finished, sum(status = 'delivered') AS delivered, sum(status IN ('pending', 'held')) AS waiting
        FROM routing_deliveries WHERE created_at > ${now - 86_400_000} GROUP BY destination`),
      disabled: rows<{ destination: string; disabled_at: number; reason: string }>(sql`SELECT destination, disabled_at, reason FROM routing_disabled`),
    });
    return { counts, disabled };
  }
}
