import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminTokens, bearerToken, espKeyForbidden, keyList, matchingKey } from "./keys";

/** Who is calling an admin route, and how they signed in (`c.var.admin`). */
export interface AdminIdentity {
  /** The audit trail's author: the admin token's name. */
  author: string;
  via: "bearer";
}

/**
 * Every admin route: `Authorization: Bearer <admin token>`, one of LF_ADMIN_TOKENS (or the
 * deprecated LF_ADMIN_TOKEN, named `admin`). The server key is not an admin token.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const presented = bearerToken(c.req.header("authorization"));
  if (!presented) throw new ApiError(401, "unauthorized", "Missing Authorization: Bearer <admin token>.");
  const tokens = adminTokens(c.env);
  const found = await matchingKey(presented, [...tokens.map((t) => t.token), ...keyList(c.env.LF_ESP_KEY)]);
  if (found >= tokens.length) throw espKeyForbidden();
  if (found < 0) throw new ApiError(401, "unauthorized", "The token is not an admin token (LF_ADMIN_TOKENS).");
  c.set("admin", { author: tokens[found]!.name, via: "bearer" });
  await next();
});
