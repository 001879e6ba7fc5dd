import { runRetention } from "./app/retention";
import { RetentionStore } from "./db/retention-store";
import { retentionPolicy } from "./domain/retention";
import { createServices } from "./services";

/**
 * The cron (`[triggers] crons` in wrangler.toml, every minute): the retention sweep, with
 * the configuration active at the scheduled time. It rests for an hour once it finds
 * nothing left, and runs every minute while there is a backlog.
 */
export async function scheduled(controller: ScheduledController, env: Cloudflare.Env, ctx: ExecutionContext): Promise<void> {
  const { config, now } = await createServices(env, controller.scheduledTime, (work) => ctx.waitUntil(work));
  const run = await runRetention(new RetentionStore(env.DB), retentionPolicy(config.doc), now);
  if (run.eventsDeleted + run.leadsDeleted > 0) console.log(`retention: ${JSON.stringify(run)}`);
}
