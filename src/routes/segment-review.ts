import type { SQL } from "drizzle-orm";
import type { Context } from "hono";
import { ledgerContext } from "../app/recording";
import { reviewLead, type AfterResponse } from "../app/segment-ledger";
import type { AppEnv } from "../env";

/**
 * The segment ledger's work after a write's response (waitUntil). The write's own batch
 * marked the lead, so if this never runs, the cron's sweep records the same changes.
 * Call these last, just before answering.
 */

/** Runs a use case's `afterResponse` work, if any, after the response. */
export function afterResponse(c: Context<AppEnv>, work: AfterResponse | null, served?: string): void {
  const run = work?.(served);
  if (!run) return;
  // Started on the next turn of the event loop: after the response, not competing with it.
  const turn = new Promise((resolve) => setTimeout(resolve, 0));
  c.executionCtx.waitUntil(turn.then(run).catch((error: unknown) => console.error("segment review failed (the sweep retries)", error)));
}

/** A write that did not read the lead back (identify, import, merge): read and review it after the response. */
export function reviewAfterResponse(c: Context<AppEnv>, lead: SQL): void {
  afterResponse(c, () => () => reviewLead(ledgerContext(c.var), lead, c.var.now));
}
