import { compileDocument } from "../config/active";
import type { ConfigStore } from "../db/config-store";
import type { LedgerStore } from "../db/ledger-store";
import type { ReevaluationProgress, ReevaluationStore } from "../db/reevaluation-store";
import type { CompiledConfig } from "../domain/compile";
import type { RoutingContext } from "./routing";
import { reviewRead, type LedgerContext } from "./segment-ledger";

/**
 * Configuration changes in the segment ledger: activating a version (or a rollback) starts a
 * job in the activation's own batch (src/db/reevaluation-store.ts), and runners re-evaluate
 * every lead against that version, one bounded chunk at a time: the queue (each chunk sends
 * the message for the next) and the cron (which picks up a chain whose message was lost).
 * Until a lead's turn comes, it keeps its recorded segment. Each review records a change with
 * cause `config` and the new version (src/app/segment-ledger.ts).
 */

/**
 * Leads per chunk: one read and one write round trip for the chunk (a few statements each), well
 * inside one invocation's limits (the Workers Paid plan allows 1,000 queries per invocation).
 */
export const CHUNK_SIZE = 200;
/** How long a claimed chunk is a runner's; after that (the runner died) another one takes it. */
export const CHUNK_LEASE_MS = 60_000;

/**
 * Reviews the given leads against one configuration and answers how many changed segment.
 * The seam the batched review (many leads per D1 round trip) replaces.
 */
export type ReviewLeads = (context: LedgerContext, leadIds: string[], now: number) => Promise<number>;

/** The batched review: one read and one write round trip for the whole chunk. */
export const reviewInBulk: ReviewLeads = async (context, leadIds, now) => {
  const written = await reviewRead(context, await context.ledger.readIds(leadIds), now);
  return [...written.values()].filter((transitions) => transitions.length > 0).length;
};

export interface ReevaluationContext {
  jobs: ReevaluationStore;
  ledger: LedgerStore;
  configs: ConfigStore;
  /** The configuration the runner already has (used when it is the job's version). */
  active: { config: CompiledConfig; configVersion: number };
  review?: ReviewLeads;
  chunkSize?: number;
  /**
   * Routing: a re-evaluation records the lead's own changes still pending when its turn comes
   * (a write whose review it got to first), and those route like any (its `config` ones never do).
   */
  routing?: RoutingContext;
}

/** The job's configuration, compiled once per isolate when it is not the one at hand. */
let compiled: { version: number; config: CompiledConfig } | undefined;

/** Null when the version is gone or does not compile with this code (then it is not served either). */
async function configOf(context: ReevaluationContext, version: number): Promise<CompiledConfig | null> {
  if (context.active.configVersion === version) return context.active.config;
  if (compiled?.version !== version) {
    const { found } = await context.configs.version(version);
    try {
      compiled = { version, config: compileDocument(JSON.parse(found!.document)) };
    } catch (error) {
      console.error(`ledger re-evaluation: version ${version} cannot be compiled; the job ends`, error);
      return null;
    }
  }
  return compiled.config;
}

/**
 * One chunk of the active version's unfinished job at `now`: claims it, reviews its leads (those
 * already at the job's version, re-evaluated by a write meanwhile, are only counted), and
 * advances the cursor. Null when there is nothing to do (no open job, or another runner holds
 * the chunk); otherwise the progress after it (`finishedAt` set on the last chunk).
 */
export async function reevaluateChunk(context: ReevaluationContext, now: number): Promise<ReevaluationProgress | null> {
  const size = context.chunkSize ?? CHUNK_SIZE;
  const chunk = await context.jobs.claim(now, CHUNK_LEASE_MS, size);
  if (!chunk) return null;
  const config = await configOf(context, chunk.configVersion);
  if (!config) {
    await context.jobs.abandon(chunk, now);
    return null;
  }
  const stale = chunk.leads.filter((l) => !l.current).map((l) => l.id);
  const review = context.review ?? reviewInBulk;
  const changed = stale.length ? await review({ ledger: context.ledger, config, configVersion: chunk.configVersion, routing: context.routing }, stale, now) : 0;
  return context.jobs.advance(chunk, changed, chunk.leads.length < size, now);
}

/**
 * Runs up to `chunks` chunks (the cron's share): answers the progress after the last one, or
 * null when there was nothing to do.
 */
export async function reevaluateChunks(context: ReevaluationContext, now: number, chunks: number): Promise<ReevaluationProgress | null> {
  let progress: ReevaluationProgress | null = null;
  for (let i = 0; i < chunks; i++) {
    const next = await reevaluateChunk(context, now);
    if (!next) break;
    progress = next;
    if (next.finishedAt !== null) break;
  }
  return progress;
}
