import { sql, type SQL } from "drizzle-orm";
import { rows, run, runBatch, step } from "./batch";
import { ENQUEUE_GRACE_MS, LEASE_MS, type AttemptRecord } from "./routing-store";

/**
 * `lead.erased` notices (`routing_erasures`, written by the erase's own batch in
 * ./privacy-store.ts): leased and retried like deliveries (./routing-store.ts). A delivered
 * notice is deleted, a dead one forgets the lead's id: nothing of the lead stays longer than
 * it takes to tell the destinations.
 */

export interface ErasureRow {
  id: string;
  destination: string;
  erased_lead: string;
  erased_at: number;
  attempts: number;
}

export type ErasureOutcome = { status: "delivered" | "dead" } | { status: "pending"; nextAt: number; enqueuedUntil: number | null };

export class ErasureStore {
  constructor(private readonly d1: D1Database) {}

  /** Takes the next attempt of a due, pending notice; null when it is not due or someone holds it. */
  async claim(id: string, lease: string, now: number): Promise<ErasureRow | null> {
    const { claimed } = await runBatch(this.d1, {
      take: run(sql`UPDATE routing_erasures SET lease = ${lease}, lease_until = ${now + LEASE_MS}, attempts = attempts + 1
        WHERE id = ${id} AND status = 'pending' AND next_at <= ${now + 1000} AND coalesce(lease_until, 0) < ${now}`),
      claimed: step(sql`SELECT id, destination, erased_lead, erased_at, attempts FROM routing_erasures WHERE id = ${id} AND lease = ${lease}`,
        (r) => ((r.results ?? [])[0] as ErasureRow | undefined) ?? null),
    });
    return claimed;
  }

  /** What follows an attempt, only while `lease` holds the notice. */
  async finish(id: string, lease: string, attempt: AttemptRecord, outcome: ErasureOutcome): Promise<boolean> {
    const held = sql`id = ${id} AND lease = ${lease}`;
    const write: SQL =
      outcome.status === "delivered"
        ? sql`DELETE FROM routing_erasures WHERE ${held} RETURNING id`
        : outcome.status !== "pending"
          ? sql`UPDATE routing_erasures SET status = 'dead', erased_lead = NULL, lease = NULL, lease_until = NULL,
              last_status = ${attempt.status}, last_error = ${attempt.error} WHERE ${held} RETURNING id`
          : sql`UPDATE routing_erasures SET next_at = ${outcome.nextAt}, enqueued_at = ${outcome.enqueuedUntil}, lease = NULL, lease_until = NULL,
              last_status = ${attempt.status}, last_error = ${attempt.error} WHERE ${held} RETURNING id`;
    const { written } = await runBatch(this.d1, { written: rows<{ id: string }>(write) });
    return written.length > 0;
  }

  /** Due pending notices without a live message (a crash, a lost message, a retry past 12 h), marked as sent now. */
  async takeUnsent(now: number, limit: number): Promise<string[]> {
    const { ids } = await runBatch(this.d1, {
      ids: rows<{ id: string }>(sql`UPDATE routing_erasures SET enqueued_at = ${now}
        WHERE id IN (SELECT id FROM routing_erasures WHERE status = 'pending' AND next_at <= ${now}
          AND coalesce(enqueued_at, 0) <= ${now - ENQUEUE_GRACE_MS} AND coalesce(lease_until, 0) < ${now}
          ORDER BY next_at LIMIT ${limit})
        RETURNING id`),
    });
    return ids.map((r) => r.id);
  }
}
