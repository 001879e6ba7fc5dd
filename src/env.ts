import type { AdminIdentity } from "./middleware/admin-auth";
import type { Services } from "./services";

/** Per-request services (src/services.ts), built once in middleware and read from `c.var`. */
export interface AppVariables extends Services {
  /**
   * Public endpoints: the request carried the right server key (a site's server, which may
   * forward its visitor's context). Set by `optionalServerKey`.
   */
  serverCall?: boolean;
  /** Admin routes: who signed in, and how. Set by `requireAdmin`. */
  admin?: AdminIdentity;
  /** A `text/csv` body, read (within its size limit) by `jsonBody({ csv: true })`. */
  csvBody?: string;
}

export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: AppVariables;
}
