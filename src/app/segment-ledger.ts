import { sql, type SQL } from "drizzle-orm";
import type { LedgerStore } from "../db/ledger-store";
import type { CompiledConfig } from "../domain/compile";
import { planReview, type Transition } from "../domain/review-at";

/**
 * The segment ledger's use cases, shared by the write paths (after the response) and the
 * cron: review one lead, and review every lead that is due.
 */

export interface LedgerContext {
  ledger: LedgerStore;
  config: CompiledConfig;
  configVersion: number;
}

/**
 * Reviews one lead at `now`: the changes since its last review, each at its instant, written
 * with compare-and-set. Answers the transitions recorded (none when another review or a
 * newer write got there first: that one, or the sweep, records them); null when there is no such lead.
 */
export async function reviewLead({ ledger, config, configVersion }: LedgerContext, lead: SQL, now: number): Promise<Transition[] | null> {
  const read = await ledger.read(lead);
  if (!read) return null;
  const { state } = read;
  const changedConfig = state.configVersion !== null && state.configVersion !== configVersion;
  const cause = state.pendingCause ?? (changedConfig ? "config" : null);
  const plan = planReview(config, read.lead, { ...state, pendingCause: cause }, now);
  const took = await ledger.write(read.leadId, read.revision, plan, configVersion);
  return took ? plan.transitions : [];
}

/** At most this many leads per batch, and batches per run: a run stays well inside a cron's limits. */
export const SWEEP_BATCH = 50;
export const SWEEP_BATCHES = 10;

/**
 * The review sweep (every cron run): leads due at `now` (their computed `reviewAt`, or a
 * write's mark whose review after the response never ran), soonest first, in bounded
 * batches. Each review records time's changes at the exact instants computed, not at `now`.
 */
export async function reviewDue(context: LedgerContext, now: number): Promise<{ reviewed: number; recorded: number }> {
  let [reviewed, recorded] = [0, 0];
  for (let batch = 0; batch < SWEEP_BATCHES; batch++) {
    const due = await context.ledger.due(now, SWEEP_BATCH);
    for (const leadId of due) {
      const transitions = await reviewLead(context, sql`${leadId}`, now);
      if (transitions === null) await context.ledger.forget(leadId);
      else recorded += transitions.length;
      reviewed++;
    }
    if (due.length < SWEEP_BATCH) break;
  }
  return { reviewed, recorded };
}
