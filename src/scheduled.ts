import { runRetention } from "./app/retention";
import { reviewDue } from "./app/segment-ledger";
import { LedgerStore } from "./db/ledger-store";
import { RetentionStore } from "./db/retention-store";
import { retentionPolicy } from "./domain/retention";
import { createServices } from "./services";

/**
 * The cron (`[triggers] crons` in wrangler.toml, every minute): the segment ledger's review
 * sweep (leads whose segment time changes, or whose review after a write never ran; see
 * src/app/segment-ledger.ts), then the retention sweep, both with the configuration active at
 * the scheduled time. Retention rests for an hour once it finds nothing left, and runs every
 * minute while there is a backlog.
 */
export async function scheduled(controller: ScheduledController, env: Cloudflare.Env, ctx: ExecutionContext): Promise<void> {
  const { config, configVersion, now } = await createServices(env, controller.scheduledTime, (work) => ctx.waitUntil(work));
  const reviews = await reviewDue({ ledger: new LedgerStore(env.DB), config, configVersion }, now);
  if (reviews.recorded > 0) console.log(`segment ledger: ${JSON.stringify(reviews)}`);
  const run = await runRetention(new RetentionStore(env.DB), retentionPolicy(config.doc), now);
  if (run.eventsDeleted + run.leadsDeleted > 0) console.log(`retention: ${JSON.stringify(run)}`);
}
