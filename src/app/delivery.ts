import type { ErasureOutcome, ErasureStore } from "../db/erasure-store";
import type { ClaimedDelivery, DeliveryOutcome, DeliveryRow, RoutingStore } from "../db/routing-store";
import type { CompiledConfig } from "../domain/compile";
import { destinationUrlProblem } from "../domain/destination-url";
import { afterAttempt, MAX_QUEUE_DELAY_MS, resolveReference, routesFor } from "../domain/routing";
import type { DestinationDef } from "../domain/routing-config";
import { buildRequest, webhookHeaders, type LinkSigning } from "../domain/routing-payload";
import { deliverToCrm, HUBSPOT_API } from "./crm-delivery";
import { send, type Answer } from "./http-attempt";

/**
 * One attempt of one delivery (a queue message), and the cron's sweep of what a crash, a
 * lost message or a held flap left. Transport-neutral: the queue handler and the cron call
 * these with their services.
 */

export interface DeliveryContext {
  store: RoutingStore;
  config: CompiledConfig;
  /** The Worker's env, where `env:NAME` references resolve. */
  secrets: Record<string, unknown>;
  allowLoopback: boolean;
  links: LinkSigning | null;
  fetch: typeof fetch;
  /** `lead.erased` notices. */
  erasures: ErasureStore;
  /** Sends queue messages for deliveries (or notices), delayed by `delaySeconds`. */
  enqueue(ids: string[], delaySeconds?: number, kind?: "deliver" | "erasure"): Promise<void>;
  /** The wall clock: an attempt's latency, and the time after it. */
  clock(): number;
}


export type AttemptResult = "skipped" | DeliveryOutcome["status"];

/** Makes the next attempt of delivery `id` if it is due and nobody else holds it. */
export async function attemptDelivery(context: DeliveryContext, id: string): Promise<AttemptResult> {
  const { store } = context;
  const lease = crypto.randomUUID();
  const startedAt = context.clock();
  const claimed = await store.claim(id, lease, startedAt);
  if (!claimed) return "skipped";
  const prepared = await prepare(context, claimed, startedAt);
  if ("outcome" in prepared) {
    await store.finish(id, lease, { at: startedAt, status: null, latencyMs: 0, error: prepared.error }, prepared.outcome, claimed.destination, startedAt);
    return prepared.outcome.status;
  }
  const { destination } = prepared;
  const answer =
    destination.type === "hubspot" || destination.type === "salesforce"
      ? await deliverToCrm({ fetch: context.fetch, config: context.config, recordTask: (task) => store.recordTask(id, lease, task) }, destination, prepared, { ...claimed, email: claimed.email! }, startedAt)
      : await send(context.fetch, { url: prepared.url, ...(await buildRequest(context.config, destination.type, { ...claimed, email: claimed.email! }, prepared.secret, context.links, startedAt)) });
  const now = context.clock();
  const outcome = nextStep(claimed.attempts, answer, now);
  const written = await store.finish(id, lease, { at: startedAt, status: answer.status, latencyMs: now - startedAt, error: answer.error }, outcome, claimed.destination, now);
  if (written && outcome.status === "pending" && outcome.enqueuedUntil !== null) {
    await context.enqueue([id], Math.ceil((outcome.nextAt - now) / 1000));
  }
  return outcome.status;
}

type Prepared = { destination: DestinationDef; url: string; secret: string } | { outcome: DeliveryOutcome; error: string };

/** What follows attempt number `attempts`: the schedule's next time (and whether a delayed message can carry it), or the end. */
function nextStep(attempts: number, answer: Answer, now: number): DeliveryOutcome {
  const next = afterAttempt(attempts, answer.status, answer.retryAfter, now);
  return next.kind === "retry"
    ? { status: "pending", nextAt: next.at, enqueuedUntil: next.at - now <= MAX_QUEUE_DELAY_MS ? next.at : null }
    : { status: next.kind };
}

/**
 * One attempt of a `lead.erased` notice: `{type, timestamp, data: {lead: {id}}}`, signed like
 * every webhook. Delivered, the notice is deleted; a 410 or the last attempt ends it (dead).
 */
export async function attemptErasure(context: DeliveryContext, id: string): Promise<AttemptResult> {
  const lease = crypto.randomUUID();
  const startedAt = context.clock();
  const claimed = await context.erasures.claim(id, lease, startedAt);
  if (!claimed) return "skipped";
  const destination = context.config.doc.routing?.destinations[claimed.destination];
  const url = destination?.type === "webhook" ? resolveReference(destination.url, context.secrets) : undefined;
  const secret = destination?.type === "webhook" ? resolveReference(destination.secret, context.secrets) : undefined;
  const problem = url === undefined || secret === undefined ? "the destination or its secrets are no longer configured" : destinationUrlProblem(url, context.allowLoopback);
  if (problem) {
    await context.erasures.finish(id, lease, { at: startedAt, status: null, latencyMs: 0, error: problem }, { status: "dead" });
    return "dead";
  }
  const body = JSON.stringify({ type: "lead.erased", timestamp: new Date(claimed.erased_at).toISOString(), data: { lead: { id: claimed.erased_lead } } });
  const answer = await send(context.fetch, { url: url!, body, headers: await webhookHeaders(secret!, id, startedAt, body) });
  const now = context.clock();
  const step = nextStep(claimed.attempts, answer, now);
  const outcome: ErasureOutcome = step.status === "pending" || step.status === "delivered" ? step : { status: "dead" };
  const written = await context.erasures.finish(id, lease, { at: startedAt, status: answer.status, latencyMs: now - startedAt, error: answer.error }, outcome);
  if (written && outcome.status === "pending" && outcome.enqueuedUntil !== null) {
    await context.enqueue([id], Math.ceil((outcome.nextAt - now) / 1000), "erasure");
  }
  return outcome.status;
}

/** The request of an attempt, or why none is sent (and what becomes of the delivery). */
async function prepare(context: DeliveryContext, claimed: ClaimedDelivery, now: number): Promise<Prepared> {
  const destination = context.config.doc.routing?.destinations[claimed.destination];
  if (claimed.disabled_at !== null) return { outcome: { status: "disabled" }, error: "the destination answered 410 Gone earlier: replay to re-enable it" };
  if (!destination) return { outcome: { status: "dead" }, error: `destination "${claimed.destination}" is no longer configured` };
  if (claimed.email === null) return { outcome: { status: "cancelled" }, error: "the lead no longer exists or is no longer known" };
  // The URL requests go to, and the secret that signs or authorizes them.
  const [urlRef, secretRef] =
    destination.type === "webhook" ? [destination.url, destination.secret]
    : destination.type === "slack" ? [destination.url, ""]
    : destination.type === "hubspot" ? [destination.baseUrl ?? HUBSPOT_API, destination.token]
    : [destination.instanceUrl, destination.token];
  const url = resolveReference(urlRef, context.secrets);
  const secret = secretRef === "" ? "" : resolveReference(secretRef, context.secrets);
  if (url === undefined || secret === undefined) return { outcome: { status: "dead" }, error: "a secret this destination names is not set" };
  const problem = destinationUrlProblem(url, context.allowLoopback);
  if (problem) return { outcome: { status: "dead" }, error: `the destination URL ${problem}` };
  void now;
  return { destination, url, secret };
}

/** Deliveries the sweep handles per cron run at most. */
export const SWEEP_DELIVERIES = 500;

/**
 * The cron's part: held deliveries whose quiet period ended are sent as their net change
 * (or dropped when there is none, or no rule sends it), and pending ones without a live
 * message (a crash between commit and enqueue, a lost message, a retry beyond Queues' 12 h)
 * are enqueued again.
 */
export async function sweepDeliveries(context: DeliveryContext, live: ReadonlySet<string>, now: number): Promise<{ released: number; dropped: number; enqueued: number }> {
  const held = await context.store.dueHeld(now, SWEEP_DELIVERIES);
  const decisions = held.map((row) => ({ row, send: sendsNetChange(context.config, row, live) }));
  const released = await context.store.release(decisions, now);
  const unsent = await context.store.takeUnsent(now, SWEEP_DELIVERIES);
  const ids = [...new Set([...released, ...unsent])];
  if (ids.length > 0) await context.enqueue(ids);
  const notices = await context.erasures.takeUnsent(now, SWEEP_DELIVERIES);
  if (notices.length > 0) await context.enqueue(notices, 0, "erasure");
  return { released: released.length, dropped: decisions.filter((d) => !d.send).length, enqueued: ids.length + notices.length };
}

/** Whether a held delivery's net change (from the last delivered segment to the latest) is one its destination is sent. */
function sendsNetChange(config: CompiledConfig, row: DeliveryRow, live: ReadonlySet<string>): boolean {
  if (row.from_segment === row.to_segment) return false;
  return routesFor(config, row.from_segment, row.to_segment, {}, live).some((m) => m.destination === row.destination);
}
