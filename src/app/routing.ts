import type { PlannedDelivery } from "../db/ledger-store";
import type { CompiledConfig } from "../domain/compile";
import { buildFacts, type LeadInput } from "../domain/facts";
import type { Transition } from "../domain/review-at";
import { routesFor } from "../domain/routing";

/**
 * Routing's part of a ledger review: the deliveries its transitions ask for, written in the
 * review's own batch (src/db/ledger-store.ts), then handed to the queue. What the queue does
 * with them is src/app/delivery.ts.
 */

export interface RoutingContext {
  /** Destinations whose secrets are set (src/domain/routing.ts `liveDestinations`). */
  live: ReadonlySet<string>;
  /** Sends queue messages for deliveries just written (after the write: a crash before it is the sweep's). */
  enqueue(ids: string[]): Promise<void>;
}

/**
 * The deliveries of one review's transitions, ranked per destination (whether each is sent
 * now or held as a flap is SQL's decision, src/db/ledger-store.ts). A configuration change's re-evaluation is not routed: a rules edit is
 * not something a lead did (it would page a sales team for thousands of leads at once).
 */
export function planDeliveries(config: CompiledConfig, lead: LeadInput, transitions: Transition[], live: ReadonlySet<string>, now: number): PlannedDelivery[] {
  if (!config.doc.routing || live.size === 0 || transitions.length === 0) return [];
  const { facts } = buildFacts(config.doc, lead, {}, now);
  const seen = new Map<string, number>();
  const deliveries: PlannedDelivery[] = [];
  for (const t of transitions) {
    if (t.cause === "config") continue;
    for (const match of routesFor(config, t.from, t.to, facts, live)) {
      const rank = seen.get(match.destination) ?? 0;
      deliveries.push({ id: newDeliveryId(), ...match, from: t.from, to: t.to, cause: t.cause, at: t.at, rank });
      seen.set(match.destination, rank + 1);
    }
  }
  return deliveries;
}

/** A Standard Webhooks message id: `msg_` and 32 hex digits, the same for every attempt. */
export function newDeliveryId(): string {
  return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
}
