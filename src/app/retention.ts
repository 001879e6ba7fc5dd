import { DAY_MS } from "../domain/activity";
import type { RetentionStore } from "../db/retention-store";
import { retentionCutoffs, type RetentionPolicy } from "../domain/retention";

/**
 * How much one run may do. Every batch is one D1 transaction deleting at most this many
 * rows (events) or examining this many leads, so a batch holds D1's writer for milliseconds,
 * never long enough to delay requests; a run is a bounded number of batches, a small share
 * of a cron invocation's limits. A run that stops at its bound leaves the rest to the next
 * run (every minute), which resumes where it stopped.
 */
export interface RetentionLimits {
  eventsPerBatch: number;
  eventBatches: number;
  leadsPerBatch: number;
  leadBatches: number;
  /** Once a run found nothing left, runs within this long do nothing. */
  restMs: number;
}

export const RETENTION_LIMITS: RetentionLimits = {
  eventsPerBatch: 1_000,
  eventBatches: 20,
  leadsPerBatch: 200,
  leadBatches: 10,
  restMs: 60 * 60 * 1000,
};

export interface RetentionRun {
  /** True when an earlier run found nothing left less than `restMs` ago. */
  rested: boolean;
  /** Events older than `eventsDays` deleted. */
  eventsDeleted: number;
  /** Segment transitions older than `eventsDays` deleted (the ledger's history, same bound). */
  transitionsDeleted: number;
  /** Finished routing deliveries created before the same bound, with their attempts. */
  deliveriesDeleted: number;
  /** Anonymous leads examined and deleted (idle for `anonymousDays`), and their events. */
  leadsExamined: number;
  leadsDeleted: number;
  leadEventsDeleted: number;
  batches: number;
  /** Nothing left to delete: the next runs rest for `restMs`. */
  finished: boolean;
}

/**
 * One retention run as of `now`: deletes events, segment transitions and finished routing
 * deliveries older than the policy's `eventsDays`, then walks anonymous leads (from where the last run stopped)
 * deleting those idle for `anonymousDays`, each in bounded batches. Why no score changes: src/domain/retention.ts.
 */
export async function runRetention(
  store: RetentionStore,
  policy: RetentionPolicy,
  now: number,
  limits: RetentionLimits = RETENTION_LIMITS,
): Promise<RetentionRun> {
  const run: RetentionRun = {
    rested: false,
    eventsDeleted: 0,
    transitionsDeleted: 0,
    deliveriesDeleted: 0,
    leadsExamined: 0,
    leadsDeleted: 0,
    leadEventsDeleted: 0,
    batches: 0,
    finished: false,
  };
  if (now < (await store.resumeAt())) return { ...run, rested: true };
  const { eventsBefore, idleBefore } = retentionCutoffs(policy, now);

  /** Up to `eventBatches` batches of `deleteBatch`; answers whether rows may be left. */
  const deleteInBatches = async (deleteBatch: (limit: number) => Promise<number>, counted: "eventsDeleted" | "transitionsDeleted" | "deliveriesDeleted") => {
    for (let i = 0; i < limits.eventBatches; i++) {
      const deleted = await deleteBatch(limits.eventsPerBatch);
      run[counted] += deleted;
      run.batches++;
      if (deleted < limits.eventsPerBatch) return false;
    }
    return true;
  };
  const eventsLeft = await deleteInBatches((limit) => store.deleteEventsBefore(eventsBefore, limit), "eventsDeleted");
  const transitionsLeft = await deleteInBatches((limit) => store.deleteTransitionsBefore(eventsBefore, limit), "transitionsDeleted");
  const deliveriesLeft = await deleteInBatches((limit) => store.deleteDeliveriesBefore(eventsBefore, limit), "deliveriesDeleted");

  let leadsLeft = true;
  for (let i = 0; i < limits.leadBatches && leadsLeft; i++) {
    const swept = await store.sweepAnonymousLeads(idleBefore, limits.leadsPerBatch);
    run.leadsExamined += swept.examined;
    run.leadsDeleted += swept.leadsDeleted;
    run.leadEventsDeleted += swept.eventsDeleted;
    run.batches++;
    leadsLeft = swept.examined === limits.leadsPerBatch;
  }

  // The daily points cap reads today's row only: earlier days go (one bounded batch a run).
  const pointsLeft = (await store.deleteDailyPointsBefore(Math.floor(now / DAY_MS) - 1, limits.eventsPerBatch, now)) === limits.eventsPerBatch;
  run.batches++;

  run.finished = !eventsLeft && !transitionsLeft && !deliveriesLeft && !leadsLeft && !pointsLeft;
  if (run.finished) await store.rest(now + limits.restMs);
  return run;
}
