import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/app";

/**
 * Runs one request through the app with a D1 binding that counts round trips: every
 * `batch`, `exec` and every statement run on its own (`first`, `all`, `run`, `raw`).
 * `overrides` replace bindings (e.g. LF_SITE_ORIGIN) for this request only.
 */
export async function fetchCountingD1(request: Request, overrides: Partial<Cloudflare.Env> = {}) {
  let roundTrips = 0;
  const REAL = Symbol("real statement");
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === REAL) return target;
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            roundTrips++;
            return (target[prop] as (...a: unknown[]) => unknown)(...args);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          roundTrips++;
          return target.batch(statements.map((s) => (s as unknown as Record<symbol, D1PreparedStatement>)[REAL] ?? s));
        };
      }
      if (prop === "exec") {
        return (query: string) => {
          roundTrips++;
          return target.exec(query);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const ctx = createExecutionContext();
  const response = await createApp().fetch(request, { ...env, ...overrides, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  return { response, roundTrips };
}
