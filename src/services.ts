import { configCache, type Defer } from "./config/active";
import { ConfigStore } from "./db/config-store";
import { LeadDirectory } from "./db/lead-directory";
import { LedgerStore } from "./db/ledger-store";
import { PrivacyStore } from "./db/privacy-store";
import { LeadStore } from "./db/store";
import type { CompiledConfig } from "./domain/compile";

/** What every entry point works with: the stores, the active configuration and the clock. */
export interface Services {
  store: LeadStore;
  /** Finding known leads by email (the console's search). */
  directory: LeadDirectory;
  /** Erase and export of one lead (GDPR). */
  privacy: PrivacyStore;
  /** The segment ledger: each lead's recorded segment and its changes. */
  ledger: LedgerStore;
  /** Configuration versions (admin routes). */
  configs: ConfigStore;
  config: CompiledConfig;
  /** The version `config` was compiled from (cached per isolate, see src/config/active.ts). */
  configVersion: number;
  /** The time this work happens at (epoch ms): the domain takes time as an argument, never from a clock. */
  now: number;
}

/**
 * Builds the services for one invocation of any handler (a request, a cron run) at `now`;
 * `defer` keeps work alive after the invocation answers (its `waitUntil`).
 */
export async function createServices(env: Cloudflare.Env, now: number, defer: Defer): Promise<Services> {
  const configs = new ConfigStore(env.DB);
  // Cached per isolate: the periodic check for a newer version runs after the response.
  const active = await configCache.get(configs, now, defer);
  return { store: new LeadStore(env.DB), directory: new LeadDirectory(env.DB), privacy: new PrivacyStore(env.DB), ledger: new LedgerStore(env.DB), configs, config: active.config, configVersion: active.version, now };
}
