import type { Services } from "./services";

/** Per-request services (src/services.ts), built once in middleware and read from `c.var`. */
export type AppVariables = Services;

export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: AppVariables;
}
