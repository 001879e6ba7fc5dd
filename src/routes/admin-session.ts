import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AdminSessions } from "../db/admin-sessions";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { tokenName } from "../middleware/admin-auth";
import { jsonBody } from "../middleware/body";
import { limitSignIn } from "../middleware/rate-limit";
import { clearSessionCookie, SESSION_COOKIE, SESSION_LIFETIME_MS, setSessionCookie } from "../middleware/session-cookie";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { bodyErrors, errorResponse, json } from "./schemas";

/** The console's sign-in: an admin token exchanged for a session cookie, and sign-out. */

const cookieHeader = {
  "Set-Cookie": {
    schema: { type: "string" as const },
    description: LF_OPENAPI_DOCS ? `\`${SESSION_COOKIE}=…; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${SESSION_LIFETIME_MS / 1000}\`` : "",
  },
};

export const adminSessionPostRoute = createRoute({
  method: "post",
  path: "/v1/admin/session",
  tags: ["admin"],
  security: [],
  summary: LF_OPENAPI_DOCS ? "Sign in with an admin token: a session cookie for 8 hours" : "",
  description: LF_OPENAPI_DOCS
    ? "The session's author is the token's name. A change made with the cookie must carry this worker's own `Origin` (403 `csrf` otherwise). " +
      "Sessions are stored: DELETE ends one at once, and one ends when its token's name leaves LF_ADMIN_TOKENS."
    : "",
  // Guessing tokens: 10 attempts a minute per IP (LIMIT_SIGN_IN_IP), before the body is read.
  middleware: [limitSignIn, jsonBody()] as const,
  request: { body: { content: { "application/json": { schema: z.strictObject({ token: z.string().min(1).max(1024) }) } }, required: true } },
  responses: {
    204: { headers: cookieHeader, description: LF_OPENAPI_DOCS ? "Signed in" : "" },
    401: errorResponse(LF_OPENAPI_DOCS ? "Not an admin token" : ""),
    403: errorResponse(LF_OPENAPI_DOCS ? "`forbidden`: the ESP key LF_ESP_KEY, which may only read email content" : ""),
    ...bodyErrors,
    503: errorResponse(LF_OPENAPI_DOCS ? "`not_configured`: LF_SESSION_SECRET is not set" : ""),
  },
});

export const adminSessionPostHandler: RouteHandler<typeof adminSessionPostRoute, AppEnv> = async (c) => {
  const secret = c.env.LF_SESSION_SECRET;
  if (!secret) throw new ApiError(503, "not_configured", "Signing in needs LF_SESSION_SECRET; admin tokens work as Authorization: Bearer meanwhile.");
  const author = await tokenName(c.env, c.req.valid("json").token);
  const session = await new AdminSessions(c.env.DB).open(author, c.var.now, SESSION_LIFETIME_MS);
  await setSessionCookie(c, secret, session);
  return c.body(null, 204);
};

const SessionOut = z
  .object({
    author: z.string().openapi(LF_OPENAPI_DOCS ? { description: "Who changes are recorded as: the admin token's name, or the Access email" } : {}),
    via: z.enum(["access", "session", "bearer"]),
    expiresAt: z.string().nullable().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601: when the session or the Access token ends; null for a Bearer token" } : {}),
  })
  .openapi("AdminSession");

export const adminSessionGetRoute = createRoute({
  method: "get",
  path: "/v1/admin/session",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Who is signed in, and how (the console asks this to know whether it is)" : "",
  middleware: [requireAdmin] as const,
  responses: { 200: json(SessionOut, LF_OPENAPI_DOCS ? "Signed in" : ""), ...adminErrors },
});

export const adminSessionGetHandler: RouteHandler<typeof adminSessionGetRoute, AppEnv> = async (c) => {
  const { author, via, expiresAt } = c.var.admin!;
  return c.json({ author, via, expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() }, 200);
};

export const adminSessionDeleteRoute = createRoute({
  method: "delete",
  path: "/v1/admin/session",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Sign out: the session ends, and the API refuses its cookie from then on" : "",
  description: LF_OPENAPI_DOCS ? "Signed in with Cloudflare Access, sign out of Access too (`/cdn-cgi/access/logout`); a Bearer token has no session to end." : "",
  middleware: [requireAdmin] as const,
  responses: { 204: { headers: cookieHeader, description: LF_OPENAPI_DOCS ? "Signed out; the cookie is cleared" : "" }, ...adminErrors },
});

export const adminSessionDeleteHandler: RouteHandler<typeof adminSessionDeleteRoute, AppEnv> = async (c) => {
  const { sessionId } = c.var.admin!;
  if (sessionId) await new AdminSessions(c.env.DB).close(sessionId);
  clearSessionCookie(c);
  return c.body(null, 204);
};
