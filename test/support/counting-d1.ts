/**
 * Wraps a D1 binding and counts every call that reaches it (batch, exec, dump, and a
 * prepared statement's run/all/first/raw). Statements are proxied so `bind` keeps
 * counting; `batch` unwraps them before handing them to the real binding.
 */
export function countingD1(real: D1Database) {
  const counts = { batch: 0, statement: 0, exec: 0 };
  const targets = new WeakMap<object, D1PreparedStatement>();

  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrapStatement(target.bind(...args));
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw") {
          return (...args: unknown[]) => {
            counts.statement++;
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    targets.set(proxy, statement);
    return proxy;
  };

  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrapStatement(target.prepare(query));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counts.batch++;
          return target.batch(statements.map((s) => targets.get(s) ?? s));
        };
      }
      if (prop === "exec" || prop === "dump") {
        return (...args: unknown[]) => {
          counts.exec++;
          return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, counts, total: () => counts.batch + counts.statement + counts.exec };
}

/**
 * Runs one request through the worker with a counting D1 binding. `overrides` replace
 * bindings (e.g. LF_SITE_ORIGIN) for this request only. `counts`: the calls made before the
 * response (the hot path); `roundTrips`: every call, the work after the response included.
 */
export async function fetchCountingD1(request: Request, overrides: Partial<Cloudflare.Env> = {}) {
  const { createExecutionContext, env, waitOnExecutionContext } = await import("cloudflare:test");
  const { default: worker } = await import("../../src/index");
  const counting = countingD1(env.DB);
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as never, { ...env, ...overrides, DB: counting.db }, ctx);
  const beforeResponse = { ...counting.counts };
  await waitOnExecutionContext(ctx);
  return { response, roundTrips: counting.total(), counts: beforeResponse };
}
