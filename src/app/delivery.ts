import type { ClaimedDelivery, DeliveryOutcome, DeliveryRow, RoutingStore } from "../db/routing-store";
import type { CompiledConfig } from "../domain/compile";
import { destinationUrlProblem } from "../domain/destination-url";
import { afterAttempt, MAX_QUEUE_DELAY_MS, resolveReference, routesFor } from "../domain/routing";
import { buildRequest, type LinkSigning } from "../domain/routing-payload";

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
  /** Sends queue messages for deliveries, delayed by `delaySeconds`. */
  enqueue(ids: string[], delaySeconds?: number): Promise<void>;
  /** The wall clock: an attempt's latency, and the time after it. */
  clock(): number;
}

/** How long one attempt may take, as Standard Webhooks recommends. */
export const ATTEMPT_TIMEOUT_MS = 15_000;

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
  let status: number | null = null;
  let retryAfter: string | null = null;
  let error: string | null = null;
  try {
    const res = await context.fetch(prepared.url, {
      method: "POST",
      headers: prepared.headers,
      body: prepared.body,
      // A redirect is an answer, never followed: it could lead anywhere, 127.0.0.1 included.
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    status = res.status;
    retryAfter = res.headers.get("retry-after");
    if (status < 200 || status >= 300) error = `answered ${status}`;
    await res.body?.cancel();
  } catch (e) {
    error = e instanceof Error && e.name === "TimeoutError" ? `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : `request failed: ${String(e)}`.slice(0, 300);
  }
  const now = context.clock();
  const next = afterAttempt(claimed.attempts, status, retryAfter, now);
  const outcome: DeliveryOutcome =
    next.kind === "retry"
      ? { status: "pending", nextAt: next.at, enqueuedUntil: next.at - now <= MAX_QUEUE_DELAY_MS ? next.at : null }
      : { status: next.kind };
  const written = await store.finish(id, lease, { at: startedAt, status, latencyMs: now - startedAt, error }, outcome, claimed.destination, now);
  if (written && outcome.status === "pending" && outcome.enqueuedUntil !== null) {
    await context.enqueue([id], Math.ceil((outcome.nextAt - now) / 1000));
  }
  return outcome.status;
}

type Prepared = { url: string; headers: Record<string, string>; body: string } | { outcome: DeliveryOutcome; error: string };

/** The request of an attempt, or why none is sent (and what becomes of the delivery). */
async function prepare(context: DeliveryContext, claimed: ClaimedDelivery, now: number): Promise<Prepared> {
  const destination = context.config.doc.routing?.destinations[claimed.destination];
  if (claimed.disabled_at !== null) return { outcome: { status: "disabled" }, error: "the destination answered 410 Gone earlier: replay to re-enable it" };
  if (!destination) return { outcome: { status: "dead" }, error: `destination "${claimed.destination}" is no longer configured` };
  if (claimed.email === null) return { outcome: { status: "cancelled" }, error: "the lead no longer exists or is no longer known" };
  const url = resolveReference(destination.url, context.secrets);
  const secret = destination.type === "webhook" ? resolveReference(destination.secret, context.secrets) : "";
  if (url === undefined || secret === undefined) return { outcome: { status: "dead" }, error: "a secret this destination names is not set" };
  const problem = destinationUrlProblem(url, context.allowLoopback);
  if (problem) return { outcome: { status: "dead" }, error: `the destination URL ${problem}` };
  const request = await buildRequest(context.config, destination.type, { ...claimed, email: claimed.email }, secret, context.links, now);
  return { url, ...request };
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
  return { released: released.length, dropped: decisions.filter((d) => !d.send).length, enqueued: ids.length };
}

/** Whether a held delivery's net change (from the last delivered segment to the latest) is one its destination is sent. */
function sendsNetChange(config: CompiledConfig, row: DeliveryRow, live: ReadonlySet<string>): boolean {
  if (row.from_segment === row.to_segment) return false;
  return routesFor(config, row.from_segment, row.to_segment, {}, live).some((m) => m.destination === row.destination);
}
