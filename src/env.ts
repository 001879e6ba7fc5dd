import type { CompiledConfig } from "./domain/compile";
import type { LeadStore } from "./db/store";

/** Per-request services, built once in middleware and read from `c.var`. */
export interface AppVariables {
  store: LeadStore;
  config: CompiledConfig;
  /** Request time (epoch ms): the domain takes time as an argument, never from a clock. */
  now: number;
}

export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: AppVariables;
}
