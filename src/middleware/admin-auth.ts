import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AdminSessions } from "../db/admin-sessions";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { ACCESS_HEADER, accessIdentity, accessSettings } from "./access";
import { adminTokens, bearerToken, espKeyForbidden, keyList, matchingKey } from "./keys";
import { sessionIdOf } from "./session-cookie";

/** Who is calling an admin route, and how they signed in (`c.var.admin`). */
export interface AdminIdentity {
  /** The audit trail's author: the admin token's name, or the email signed in with Access. */
  author: string;
  via: "bearer" | "session" | "access";
  /** Epoch ms: the session's or the Access token's end; null for a Bearer token. */
  expiresAt: number | null;
  /** The session, for signing out. */
  sessionId?: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every admin route, one of three ways, the first that the request carries:
 * 1. `Authorization: Bearer <admin token>` (scripts): LF_ADMIN_TOKENS, or the deprecated
 *    LF_ADMIN_TOKEN named `admin`. The server key is not an admin token.
 * 2. Cloudflare Access's `Cf-Access-Jwt-Assertion`, when Access is configured.
 * 3. The console's session cookie (POST /v1/admin/session).
 * The browser sends 2 and 3 by itself, so a change made with them must come from this
 * worker's own pages: its `Origin` must be the request's own origin (CSRF).
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const authorization = c.req.header("authorization");
  const access = accessSettings(c.env);
  const jwt = c.req.header(ACCESS_HEADER);
  let admin: AdminIdentity;
  if (authorization !== undefined) {
    admin = { author: await tokenName(c.env, bearerToken(authorization)), via: "bearer", expiresAt: null };
  } else if (access && jwt) {
    refuseCrossOrigin(c);
    const { email, expiresAt } = await accessIdentity(access, jwt);
    admin = { author: email, via: "access", expiresAt };
  } else {
    admin = await sessionAdmin(c);
  }
  c.set("admin", admin);
  await next();
});

/** The name of the admin token presented; 401 for anything else (403 for the ESP key). */
export async function tokenName(env: Cloudflare.Env, presented: string | null): Promise<string> {
  if (!presented) throw new ApiError(401, "unauthorized", "Missing Authorization: Bearer <admin token>, or sign in (POST /v1/admin/session).");
  const tokens = adminTokens(env);
  const found = await matchingKey(presented, [...tokens.map((t) => t.token), ...keyList(env.LF_ESP_KEY)]);
  if (found >= tokens.length) throw espKeyForbidden();
  if (found < 0) throw new ApiError(401, "unauthorized", "The token is not an admin token (LF_ADMIN_TOKENS).");
  return tokens[found]!.name;
}

async function sessionAdmin(c: Context<AppEnv>): Promise<AdminIdentity> {
  const id = await sessionIdOf(c, c.env.LF_SESSION_SECRET, c.var.now);
  if (id === undefined) throw new ApiError(401, "unauthorized", "Not signed in: send an admin token as Authorization: Bearer, or sign in (POST /v1/admin/session).");
  if (id === null) throw signedOut();
  refuseCrossOrigin(c);
  const session = await new AdminSessions(c.env.DB).find(id, c.var.now);
  // A session lasts only while its token's name is configured: removing a person's token
  // signs them out too (a rotated token keeps its name, and the session).
  if (!session || !adminTokens(c.env).some((t) => t.name === session.author)) throw signedOut();
  return { author: session.author, via: "session", expiresAt: session.expiresAt, sessionId: session.id };
}

const signedOut = () => new ApiError(401, "unauthorized", "The session has ended (signed out, expired or not genuine): sign in again.");

function refuseCrossOrigin(c: Context<AppEnv>): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const origin = c.req.header("origin");
  if (origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, "csrf", `A change signed in by cookie or Cloudflare Access must come from this worker's own pages (Origin ${new URL(c.req.url).origin}).`);
  }
}
