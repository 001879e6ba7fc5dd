import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

let cachedOrigins: { raw: string; set: Set<string> } | undefined;

/** LF_ALLOWED_ORIGINS as a set, parsed once per value. */
function allowedOrigins(raw: string | undefined): Set<string> {
  if (cachedOrigins?.raw !== (raw ?? "")) {
    cachedOrigins = { raw: raw ?? "", set: new Set((raw ?? "").split(",").map((o) => o.trim()).filter(Boolean)) };
  }
  return cachedOrigins.set;
}

/** CORS for the endpoints a browser calls directly: LF_ALLOWED_ORIGINS only. */
export const publicCors = cors({
  origin: (origin, c) => (allowedOrigins(c.env.LF_ALLOWED_ORIGINS).has(origin) ? origin : null),
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["Content-Type"],
  maxAge: 86400,
});

/**
 * CORS alone only stops a page from reading the answer: a text/plain POST (what the script
 * and sendBeacon send, to avoid a preflight) would still be recorded. So a request that
 * names an Origin must be one of LF_ALLOWED_ORIGINS or the worker's own (the demo site);
 * anything else is refused before its body is read, and nothing is written. Requests with
 * no Origin (servers, curl) are not browsers' cross-site requests and pass.
 */
export const allowedOriginOnly = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header("origin");
  if (origin !== undefined && c.req.method !== "OPTIONS" && origin !== new URL(c.req.url).origin && !allowedOrigins(c.env.LF_ALLOWED_ORIGINS).has(origin)) {
    throw new ApiError(403, "origin_not_allowed", "This page's origin is not in LF_ALLOWED_ORIGINS; nothing was recorded.");
  }
  await next();
});
