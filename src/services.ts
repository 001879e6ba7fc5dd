import { configCache, shippedFromAssets, type Defer } from "./config/active";
import { AccountStore } from "./db/account-store";
import { ConfigStore } from "./db/config-store";
import { LeadDirectory } from "./db/lead-directory";
import { LeadSyncStore } from "./db/lead-sync-store";
import { LedgerStore } from "./db/ledger-store";
import { PrivacyStore } from "./db/privacy-store";
import { RoutingStore } from "./db/routing-store";
import { LeadStore } from "./db/store";
import type { CompiledConfig } from "./domain/compile";
import type { RoutingContext } from "./app/routing";
import { liveDestinations } from "./domain/routing";

/** What every entry point works with: the stores, the active configuration and the clock. */
export interface Services {
  store: LeadStore;
  /** Bulk traits writes (POST /v1/leads:batch). */
  leadSync: LeadSyncStore;
  /** Finding known leads by email (the console's search). */
  directory: LeadDirectory;
  /** Erase and export of one lead (GDPR). */
  privacy: PrivacyStore;
  /** Target accounts (README "Accounts"). */
  accounts: AccountStore;
  /** The segment ledger: each lead's recorded segment and its changes. */
  ledger: LedgerStore;
  /** Configuration versions (admin routes). */
  configs: ConfigStore;
  config: CompiledConfig;
  /** The version `config` was compiled from (cached per isolate, see src/config/active.ts). */
  configVersion: number;
  /** Routing's outbox and log (the deliveries API). */
  deliveries: RoutingStore;
  /** Where the ledger's recorded changes are sent (README "Routing"). */
  routing: RoutingContext;
  /** The time this work happens at (epoch ms): the domain takes time as an argument, never from a clock. */
  now: number;
}

/**
 * Builds the services for one invocation of any handler (a request, a cron run) at `now`;
 * `defer` keeps work alive after the invocation answers (its `waitUntil`).
 */
export async function createServices(env: Cloudflare.Env, now: number, defer: Defer): Promise<Services> {
  const configs = new ConfigStore(env.DB, shippedFromAssets(env.ASSETS));
  // Cached per isolate: the periodic check for a newer version runs after the response.
  const active = await configCache.get(configs, now, defer);
  return {
    store: new LeadStore(env.DB), leadSync: new LeadSyncStore(env.DB), directory: new LeadDirectory(env.DB), privacy: new PrivacyStore(env.DB), ledger: new LedgerStore(env.DB),
    accounts: new AccountStore(env.DB),
    configs, config: active.config, configVersion: active.version, deliveries: new RoutingStore(env.DB), routing: routingContext(env, active.config), now,
  };
}

/** Routing's live destinations under `config`, and the queue its deliveries go to. */
export function routingContext(env: Cloudflare.Env, config: CompiledConfig): RoutingContext {
  return {
    live: liveDestinations(config.doc.routing, env as unknown as Record<string, unknown>),
    enqueue: (ids) => enqueueDeliveries(env, ids),
  };
}

/** One message per delivery (or `lead.erased` notice); a failure here is logged, and the cron's sweep sends them instead. */
export async function enqueueDeliveries(env: Cloudflare.Env, ids: string[], delaySeconds = 0, kind: "deliver" | "erasure" = "deliver"): Promise<void> {
  try {
    for (let i = 0; i < ids.length; i += 100) {
      await env.ROUTING_QUEUE.sendBatch(ids.slice(i, i + 100).map((id) => ({ body: { kind, id }, delaySeconds })));
    }
  } catch (error) {
    console.error("routing: enqueue failed, the sweep sends these", ids, error);
  }
}
