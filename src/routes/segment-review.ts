import type { SQL } from "drizzle-orm";
import type { Context } from "hono";
import { reviewLead } from "../app/segment-ledger";
import { LedgerStore } from "../db/ledger-store";
import type { AppEnv } from "../env";

/**
 * After the response (waitUntil): reviews the lead a write path just changed and records its
 * segment's changes. The write's own batch marked the lead, so if this never runs, the cron's
 * sweep records the same changes. Call it last, just before answering.
 */
export function reviewAfterResponse(c: Context<AppEnv>, lead: SQL): void {
  // Started on the next turn of the event loop: after the response, not competing with it.
  const turn = new Promise((resolve) => setTimeout(resolve, 0));
  const work = turn.then(() => reviewLead({ ledger: new LedgerStore(c.env.DB), config: c.var.config, configVersion: c.var.configVersion }, lead, c.var.now));
  c.executionCtx.waitUntil(work.catch((error: unknown) => console.error("segment review failed (the sweep retries)", error)));
}
