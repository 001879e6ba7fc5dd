import { attemptDelivery, attemptErasure, type DeliveryContext } from "./app/delivery";
import { ErasureStore } from "./db/erasure-store";
import { reevaluateChunk, type ReevaluationContext } from "./app/ledger-reevaluation";
import { LedgerStore } from "./db/ledger-store";
import { ReevaluationStore } from "./db/reevaluation-store";
import { RoutingStore } from "./db/routing-store";
import { configuredOrigin } from "./domain/email-content";
import { createServices, enqueueDeliveries, type Services } from "./services";

/**
 * The queue (`[[queues.consumers]]` in wrangler.toml, this worker's own LEDGER_QUEUE): the
 * messages the worker sends itself for background work. Today one kind: the next chunk of a
 * configuration change's re-evaluation (src/app/ledger-reevaluation.ts).
 */
export type QueueMessage = { kind: "ledger-reevaluation" } | { kind: "deliver" | "erasure"; id: string };

/** Asks for the next chunk of the running re-evaluation (any runner may take it). */
export async function continueReevaluation(env: Cloudflare.Env): Promise<void> {
  await env.LEDGER_QUEUE.send({ kind: "ledger-reevaluation" } satisfies QueueMessage);
}

/** What a re-evaluation runner works with, from an invocation's services. */
export function reevaluationContext(env: Cloudflare.Env, services: Services): ReevaluationContext {
  return {
    jobs: new ReevaluationStore(env.DB),
    ledger: new LedgerStore(env.DB),
    configs: services.configs,
    active: { config: services.config, configVersion: services.configVersion },
    chunkSize: Number(env.LF_REEVALUATION_CHUNK) || undefined,
    routing: services.routing,
  };
}

/**
 * One chunk per message, then the message for the next one while the job is unfinished. A
 * message that finds nothing to do (the job finished, or another runner holds the chunk) ends
 * its chain: the runner holding the chunk continues it, and the cron takes over a dead one.
 */
export async function queue(batch: MessageBatch<unknown>, env: Cloudflare.Env, ctx: ExecutionContext): Promise<void> {
  if (batch.queue.startsWith("leadflare-routing")) return deliverBatch(batch, env, ctx);
  for (const message of batch.messages) {
    if ((message.body as QueueMessage | null)?.kind !== "ledger-reevaluation") {
      console.error(`queue: dropping an unknown message ${JSON.stringify(message.body)}`);
      message.ack();
      continue;
    }
    const services = await createServices(env, Date.now(), (work) => ctx.waitUntil(work));
    try {
      const progress = await reevaluateChunk(reevaluationContext(env, services), services.now);
      if (progress && progress.finishedAt === null) await continueReevaluation(env);
      message.ack();
    } catch (error) {
      console.error("ledger re-evaluation chunk failed", error);
      message.retry();
    }
  }
}

/** What a delivery attempt works with, from an invocation's services. */
export function deliveryContext(env: Cloudflare.Env, services: Services): DeliveryContext {
  const linkOrigin = configuredOrigin(env.LF_PUBLIC_ORIGIN) ?? configuredOrigin(env.LF_SITE_ORIGIN);
  const siteOrigin = configuredOrigin(env.LF_SITE_ORIGIN);
  return {
    store: new RoutingStore(env.DB),
    erasures: new ErasureStore(env.DB),
    config: services.config,
    secrets: env as unknown as Record<string, unknown>,
    allowLoopback: env.LF_DEV_ALLOW_LOOPBACK === "true",
    links: env.LF_LINK_SECRET && linkOrigin && siteOrigin ? { secret: env.LF_LINK_SECRET, linkOrigin, siteOrigin } : null,
    fetch: (input, init) => fetch(input, init),
    enqueue: (ids, delaySeconds, kind) => enqueueDeliveries(env, ids, delaySeconds, kind),
    clock: () => Date.now(),
  };
}

/**
 * Routing's queue: one attempt per message, all of a batch at once. A message is always
 * acknowledged: what follows an attempt is in D1 (a retry is a new, delayed message, and the
 * sweep re-sends what a crash lost), so Queues' own redelivery would only send it twice.
 */
async function deliverBatch(batch: MessageBatch<unknown>, env: Cloudflare.Env, ctx: ExecutionContext): Promise<void> {
  const services = await createServices(env, Date.now(), (work) => ctx.waitUntil(work));
  const context = deliveryContext(env, services);
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = message.body as QueueMessage | null;
      if ((body?.kind === "deliver" || body?.kind === "erasure") && typeof body.id === "string") {
        const attempt = body.kind === "deliver" ? attemptDelivery : attemptErasure;
        await attempt(context, body.id).catch((error) => console.error(`routing: ${body.kind} ${body.id} failed`, error));
      } else {
        console.error(`queue: dropping an unknown message ${JSON.stringify(message.body)}`);
      }
      message.ack();
    }),
  );
}
