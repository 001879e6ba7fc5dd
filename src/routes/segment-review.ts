import type { SQL } from "drizzle-orm";
import type { Context } from "hono";
import { reviewIfChanged, reviewLead, type LedgerContext } from "../app/segment-ledger";
import { LedgerStore, type LedgerMark } from "../db/ledger-store";
import type { LeadInput } from "../domain/facts";
import type { AppEnv } from "../env";

/**
 * The segment ledger's work after a write's response (waitUntil). The write's own batch
 * marked the lead, so if this never runs, the cron's sweep records the same changes.
 * Call these last, just before answering.
 */

function ledgerContext(c: Context<AppEnv>): LedgerContext {
  return { ledger: new LedgerStore(c.env.DB), config: c.var.config, configVersion: c.var.configVersion };
}

function afterResponse(c: Context<AppEnv>, work: () => Promise<unknown>): void {
  // Started on the next turn of the event loop: after the response, not competing with it.
  const turn = new Promise((resolve) => setTimeout(resolve, 0));
  c.executionCtx.waitUntil(turn.then(work).catch((error: unknown) => console.error("segment review failed (the sweep retries)", error)));
}

/**
 * A write that read the lead back with its ledger row: only when the lead's segment differs
 * from the recorded one is anything done after the response (one write, no read).
 */
export function recordIfChanged(c: Context<AppEnv>, lead: LeadInput & { leadId: string | null }, mark: LedgerMark | null): void {
  const work = reviewIfChanged(ledgerContext(c), lead, mark, c.var.now);
  if (work) afterResponse(c, work);
}

/** A write that did not read the lead back (identify, import, merge): read and review it after the response. */
export function reviewAfterResponse(c: Context<AppEnv>, lead: SQL): void {
  afterResponse(c, () => reviewLead(ledgerContext(c), lead, c.var.now));
}
