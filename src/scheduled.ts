import { sweepDeliveries } from "./app/delivery";
import { reevaluateChunks } from "./app/ledger-reevaluation";
import { runRetention } from "./app/retention";
import { reviewDue } from "./app/segment-ledger";
import { LedgerStore } from "./db/ledger-store";
import { RetentionStore } from "./db/retention-store";
import { retentionPolicy } from "./domain/retention";
import { continueReevaluation, deliveryContext, reevaluationContext } from "./queue";
import { createServices } from "./services";

/**
 * Chunks of a configuration change's re-evaluation a cron run does itself (a lost message's
 * work) before handing the rest back to the queue: one, beside the review sweep's queries.
 */
const CRON_REEVALUATION_CHUNKS = 1;

/**
 * The cron (`[triggers] crons` in wrangler.toml, every minute): the segment ledger's review
 * sweep (leads whose segment time changes, or whose review after a write never ran; see
 * src/app/segment-ledger.ts), routing's sweep (held flaps, deliveries a crash left unsent;
 * src/app/delivery.ts), a few chunks of an unfinished configuration change's
 * re-evaluation (src/app/ledger-reevaluation.ts), then the retention sweep, with the
 * configuration active at the scheduled time. Retention rests for an hour once it finds nothing left, and runs every
 * minute while there is a backlog.
 */
export async function scheduled(controller: ScheduledController, env: Cloudflare.Env, ctx: ExecutionContext): Promise<void> {
  const services = await createServices(env, controller.scheduledTime, (work) => ctx.waitUntil(work));
  const { config, configVersion, now } = services;
  const reviews = await reviewDue({ ledger: new LedgerStore(env.DB), config, configVersion, routing: services.routing }, now);
  if (reviews.recorded > 0) console.log(`segment ledger: ${JSON.stringify(reviews)}`);
  const deliveries = await sweepDeliveries(deliveryContext(env, services), services.routing.live, now);
  if (deliveries.enqueued + deliveries.dropped > 0) console.log(`routing: ${JSON.stringify(deliveries)}`);
  const reevaluation = await reevaluateChunks(reevaluationContext(env, services), now, CRON_REEVALUATION_CHUNKS);
  // Still unfinished: the queue's chain starts again from here.
  if (reevaluation && reevaluation.finishedAt === null) await continueReevaluation(env);
  const run = await runRetention(new RetentionStore(env.DB), retentionPolicy(config.doc), now);
  if (run.eventsDeleted + run.transitionsDeleted + run.deliveriesDeleted + run.leadsDeleted > 0) console.log(`retention: ${JSON.stringify(run)}`);
}
