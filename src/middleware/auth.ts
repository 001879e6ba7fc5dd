import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { basicPassword, bearerToken, espKeyForbidden, keyList, matchingKey } from "./keys";

/**
 * What a route takes: `LF_API_KEY`, the server API (traits, imports, merges, and the
 * public endpoints' server calls); `LF_ESP_KEY`, the email content routes, which also take
 * the server key (it can do everything the ESP key can). The ESP key anywhere else is a
 * 403, so an ESP that was given it hears that it has the wrong kind of key.
 */
type Scope = "LF_API_KEY" | "LF_ESP_KEY";

/**
 * `Authorization: Bearer <key>`. With `basic`, HTTP Basic with the key as the password
 * (any user name) is accepted too: some ESPs can only send Basic.
 */
export function requireKey(scope: Scope, options: { basic?: boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const presented = bearerToken(header) ?? (options.basic ? basicPassword(header) : null);
    await checkKey(c.env, presented, scope, options.basic ? "Bearer <key>, or Basic with the key as password" : "Bearer <key>");
    await next();
  });
}

/**
 * The public endpoints: no `Authorization` is a public call; the server key makes it a
 * server call (`c.var.serverCall`). Any other Authorization is a 401, never silently
 * public: a server with a wrong or stale key must hear about it.
 */
export const optionalServerKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (header !== undefined) await checkKey(c.env, bearerToken(header), "LF_API_KEY", "Bearer <key>");
  c.set("serverCall", header !== undefined);
  await next();
});

async function checkKey(env: Cloudflare.Env, presented: string | null, scope: Scope, accepted: string): Promise<void> {
  if (!presented) throw new ApiError(401, "unauthorized", `Missing Authorization: ${accepted}.`);
  // Every configured key is compared (see matchingKey), the ESP keys too, whatever the scope.
  const server = keyList(env.LF_API_KEY);
  const found = await matchingKey(presented, [...server, ...keyList(env.LF_ESP_KEY)]);
  if (found >= server.length && scope !== "LF_ESP_KEY") throw espKeyForbidden();
  if (found < 0) throw new ApiError(401, "unauthorized", "The key is not valid for this endpoint.");
}
