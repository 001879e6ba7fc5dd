import type { CompiledConfig } from "./domain/compile";
import type { ConfigStore } from "./db/config-store";
import type { LeadStore } from "./db/store";
import type { AdminIdentity } from "./middleware/admin-auth";

/** Per-request services, built once in middleware and read from `c.var`. */
export interface AppVariables {
  store: LeadStore;
  config: CompiledConfig;
  /** The version `config` was compiled from (cached per isolate, see src/config/active.ts). */
  configVersion: number;
  /** Configuration versions (admin routes). */
  configs: ConfigStore;
  /**
   * Public endpoints: the request carried the right server key (a site's server, which may
   * forward its visitor's context). Set by `optionalServerKey`.
   */
  serverCall?: boolean;
  /** Admin routes: who signed in, and how. Set by `requireAdmin`. */
  admin?: AdminIdentity;
  /** Request time (epoch ms): the domain takes time as an argument, never from a clock. */
  now: number;
}

export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: AppVariables;
}
