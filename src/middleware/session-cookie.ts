import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { signToken, verifyToken, type TokenPayload } from "../domain/tokens";
import type { AdminSession } from "../db/admin-sessions";

/**
 * The admin console's session cookie: the session's id in a token signed with
 * LF_SESSION_SECRET (src/domain/tokens.ts, its own purpose), so a cookie names a session
 * only if this worker made it; the D1 row is what keeps it valid (see AdminSessions).
 * Replacing LF_SESSION_SECRET signs everybody out.
 */
export const SESSION_COOKIE = "lf_admin_session";
export const SESSION_LIFETIME_MS = 8 * 3_600_000;

interface SessionPayload extends TokenPayload {
  sid: string;
}

export async function setSessionCookie(c: Context, secret: string, session: AdminSession): Promise<void> {
  const value = await signToken(secret, "admin-session", { exp: Math.floor(session.expiresAt / 1000), sid: session.id });
  setCookie(c, SESSION_COOKIE, value, { httpOnly: true, secure: true, sameSite: "Strict", path: "/", maxAge: SESSION_LIFETIME_MS / 1000 });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
}

/** The cookie, if there is one: the session id it names when it is genuine, else null. */
export async function sessionIdOf(c: Context, secret: string | undefined, now: number): Promise<string | null | undefined> {
  const value = getCookie(c, SESSION_COOKIE);
  if (value === undefined) return undefined;
  if (!secret) return null;
  const payload = await verifyToken<SessionPayload>(secret, "admin-session", value, now);
  return typeof payload?.sid === "string" ? payload.sid : null;
}
