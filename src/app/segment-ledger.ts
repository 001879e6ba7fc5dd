import type { SQL } from "drizzle-orm";
import type { LedgerMark, LedgerRead, LedgerStore, PlannedHoldout, PlannedReview } from "../db/ledger-store";
import { DEFAULT_SEGMENT_ID } from "../domain/config";
import { assignHoldout } from "../domain/holdout";
import type { CompiledConfig } from "../domain/compile";
import { buildFacts, type LeadInput } from "../domain/facts";
import type { PlannedContact } from "../db/account-rollup-sql";
import { ledgerSegment, readsAccount, readsRequestContext, reviewUnder, writeNeedsReview, type Transition } from "../domain/review-at";
import { quietPeriodMs } from "../domain/routing";
import { planDeliveries, type RoutingContext } from "./routing";

/**
 * The segment ledger's use cases, shared by the write paths (after the response), the cron
 * and the configuration's re-evaluation: review leads, and review every lead that is due.
 */

export interface LedgerContext {
  ledger: LedgerStore;
  config: CompiledConfig;
  configVersion: number;
  /** Where recorded changes are routed (absent: nowhere). */
  routing?: RoutingContext;
}

function plan({ config, configVersion, routing }: LedgerContext, read: LedgerRead, now: number): PlannedReview {
  const review = reviewUnder(config, configVersion, read.lead, read.state, now);
  const deliveries = routing ? planDeliveries(config, read.lead, review.transitions, routing.live, now) : [];
  return {
    leadId: read.leadId, revision: read.revision, plan: review, deliveries, holdouts: planHoldouts(config, read.leadId, review),
    contact: planContact(config, read.lead, now),
  };
}

/**
 * The lead as one of its account's contacts (identified leads only: an anonymous visitor on
 * the account's network may be one of them in another browser): its engagement as of the review.
 */
function planContact(config: CompiledConfig, lead: LeadInput & { identified?: boolean }, now: number): PlannedContact | null {
  if (!lead.account || !lead.identified) return null;
  const { facts } = buildFacts(config.doc, lead, {}, now);
  return {
    domain: lead.account.domain,
    score: facts.engagement.score,
    engaged: facts.engagement.level !== "low",
    role: facts.person.role ?? null,
    seniority: facts.person.seniority ?? null,
  };
}

/**
 * The holdout arms to record: for each segment the review saw the lead enter, at the instant
 * it entered, and for the segment it holds (a member since before its holdout began, seen
 * by a configuration's re-evaluation) as of the review. The store keeps a lead's first arm.
 */
function planHoldouts(config: CompiledConfig, leadId: string, review: PlannedReview["plan"]): PlannedHoldout[] {
  const entries = [...review.transitions.map((t) => ({ segment: t.to, at: t.at })), { segment: review.segmentId, at: review.evaluatedAt }];
  return entries.flatMap(({ segment, at }) => {
    const assigned = assignHoldout(config.doc.experiments, leadId, segment, DEFAULT_SEGMENT_ID);
    return assigned ? [{ ...assigned, at }] : [];
  });
}

/**
 * Reviews leads already read at `now`, in one write: for each, the changes since its last
 * review, each at its instant, written with compare-and-set. Answers the transitions
 * recorded per lead written (a lead another review or a newer write got to first is left
 * out: that one, or the sweep, records its changes).
 */
export async function reviewRead(context: LedgerContext, reads: LedgerRead[], now: number, gone: string[] = []): Promise<Map<string, Transition[]>> {
  const plans = reads.map((read) => plan(context, read, now));
  const written = await context.ledger.writeReviews(plans, context.configVersion, {
    gone, now, quietMs: quietPeriodMs(context.config.doc.routing), marksAccountLeads: readsAccount(context.config),
  });
  const sent = plans.filter((p) => written.has(p.leadId)).flatMap((p) => p.deliveries ?? []);
  if (sent.length > 0) await context.routing!.enqueue(sent.map((d) => d.id));
  return new Map(plans.filter((p) => written.has(p.leadId)).map((p) => [p.leadId, p.plan.transitions]));
}

/** Reads and reviews one lead (by an SQL expression for its id); null when there is no such lead. */
export async function reviewLead(context: LedgerContext, lead: SQL, now: number): Promise<Transition[] | null> {
  const read = await context.ledger.read(lead);
  if (!read) return null;
  return (await reviewRead(context, [read], now)).get(read.leadId) ?? [];
}

/**
 * Work after a write's response, given the segment the response served: the review to run
 * then, or null when it is already known that there is nothing to do (nothing is scheduled).
 */
export type AfterResponse = (served?: string) => (() => Promise<unknown>) | null;

/**
 * After a write that read the lead back with its ledger row (in the write's own batch): the
 * work to run after the response, which reviews the lead only when its ledger segment now
 * differs from the recorded one, or was recorded under another configuration; when nothing
 * changed it does nothing (the mark stays, and the sweep confirms the next review time in
 * bulk). No read: the write's own round trip loaded everything the review needs. Null for no lead.
 */
export function reviewIfChanged(
  context: LedgerContext,
  lead: LeadInput & { leadId: string | null },
  mark: LedgerMark | null,
  now: number,
): AfterResponse | null {
  const { leadId } = lead;
  if (!mark || leadId === null) return null;
  const review = () => reviewRead(context, [{ leadId, lead, ...mark }], now);
  return (served?: string) => {
    const { config, configVersion } = context;
    // `served` is the ledger's segment when no condition reads the request context: decided
    // now, and most writes, which move no segment, schedule nothing at all.
    if (served !== undefined && !readsRequestContext(config)) return writeNeedsReview(configVersion, mark.state, served) ? review : null;
    // Otherwise the lead is evaluated without the request's context, after the response.
    return async () => {
      if (writeNeedsReview(configVersion, mark.state, ledgerSegment(config, lead, now))) await review();
    };
  };
}

/** Leads per sweep batch (one read and one write round trip each), and batches per run at most. */
export const SWEEP_BATCH = 200;
export const SWEEP_BATCHES = 20;

/**
 * The review sweep (every cron run): leads due at `now` (their computed `reviewAt`, or a
 * write's mark), soonest first, in bounded batches. Each review records time's changes at
 * the exact instants computed, not at `now`.
 */
export async function reviewDue(context: LedgerContext, now: number, batches = SWEEP_BATCHES): Promise<{ reviewed: number; recorded: number }> {
  let [reviewed, recorded] = [0, 0];
  for (let batch = 0; batch < batches; batch++) {
    const { due, reads } = await context.ledger.readDue(now, SWEEP_BATCH);
    const found = new Set(reads.map((r) => r.leadId));
    const written = await reviewRead(context, reads, now, due.filter((id) => !found.has(id)));
    for (const transitions of written.values()) recorded += transitions.length;
    reviewed += due.length;
    if (due.length < SWEEP_BATCH) break;
  }
  return { reviewed, recorded };
}
