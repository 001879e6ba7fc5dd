import { call } from "./harness";

/** The admin console's sign-in: the session cookie, and the origin its pages are on. */

export const SAME_ORIGIN = "https://leadflare.test";
export const SESSION_COOKIE = "lf_admin_session";

/** Signs in with an admin token: the `Cookie` header value a browser would send back. */
export async function signIn(token: string): Promise<string> {
  const res = await call("POST", "/v1/admin/session", { body: { token }, headers: { origin: SAME_ORIGIN } });
  if (res.status !== 204) throw new Error(`sign-in ${res.status}: ${await res.text()}`);
  return cookieOf(res);
}

/** `name=value` of the response's session cookie. */
export function cookieOf(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!header) throw new Error(`no ${SESSION_COOKIE} cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return header.split(";")[0]!;
}

/** The session id a cookie carries: a signed token (`base64url(payload).mac`) whose payload names it. */
export function sessionIdOf(cookie: string): string {
  const body = decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1)).split(".")[0]!;
  return JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))).sid;
}

/** A call carrying the cookie (and, for a change, the Origin a browser sends). */
export function withCookie(method: string, path: string, cookie: string, options: { body?: Record<string, unknown>; origin?: string | null; headers?: Record<string, string> } = {}) {
  const origin = options.origin === undefined ? SAME_ORIGIN : options.origin;
  return call(method, path, { body: options.body, headers: { cookie, ...(origin ? { origin } : {}), ...options.headers } });
}
