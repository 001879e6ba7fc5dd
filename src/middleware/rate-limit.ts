import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { basicPassword, bearerToken } from "./keys";

/**
 * Rate limits with Cloudflare's Rate Limiting binding (one binding per kind, wrangler.toml
 * `[[ratelimits]]`, where each limit is set). The binding answers from counters kept in the
 * Cloudflare location, not D1: a check never adds a D1 round trip, and the checks one request
 * needs run in parallel. Refused: 429 `rate_limited` with `Retry-After`, before anything is
 * recorded.
 */
export const RATE_LIMITS = {
  publicIp: "LIMIT_PUBLIC_IP",
  publicVisitor: "LIMIT_PUBLIC_VISITOR",
  newLeadsIp: "LIMIT_NEW_LEADS_IP",
  serverKey: "LIMIT_SERVER_KEY",
  adminIp: "LIMIT_ADMIN_IP",
  signInIp: "LIMIT_SIGN_IN_IP",
} as const satisfies Record<string, keyof Cloudflare.Env>;
export type RateLimitKind = keyof typeof RATE_LIMITS;

/**
 * The binding does not say when its window ends; 60 s is its longest period (10 or 60 are
 * allowed), so a client that waits this long finds a new window whichever period is set.
 */
export const RETRY_AFTER_SECONDS = 60;

export function rateLimited(c: Context, retryAfterSeconds = RETRY_AFTER_SECONDS): ApiError {
  c.header("Retry-After", String(retryAfterSeconds));
  return new ApiError(429, "rate_limited", `Too many requests; nothing was recorded. Retry after ${retryAfterSeconds} seconds.`);
}

/** Counts one request against `key` in the `kind` binding: false when that key is over its limit. */
export async function countRequest(env: Cloudflare.Env, kind: RateLimitKind, key: string): Promise<boolean> {
  return (await env[RATE_LIMITS[kind]].limit({ key })).success;
}

/** Counts one request against each `[kind, key]` (in parallel) and throws 429 if any is over. */
export async function enforceRateLimits(c: Context<AppEnv>, checks: readonly (readonly [RateLimitKind, string])[]): Promise<void> {
  const allowed = await Promise.all(checks.map(([kind, key]) => countRequest(c.env, kind, key)));
  if (allowed.includes(false)) throw rateLimited(c);
}

/**
 * Middleware for a route that one key limits (per IP, per credential), checked before the
 * body is read. `keyOf` returning null (no such key on this request) skips the check.
 */
export function rateLimit(kind: RateLimitKind, keyOf: (c: Context<AppEnv>) => string | null | Promise<string | null>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = await keyOf(c);
    if (key !== null) await enforceRateLimits(c, [[kind, key]]);
    await next();
  });
}

/** For the admin sign-in route: attempts per client IP (a stricter limit than the admin API's). */
export const limitSignIn = rateLimit("signInIp", clientIp);

/**
 * The client's IP address as Cloudflare reports it (CF-Connecting-IP, which Cloudflare
 * always sets and overwrites), as a rate-limit key; null without one (a request that did not
 * come through Cloudflare's edge: tests). See `ipKey`.
 */
export function clientIp(c: Context): string | null {
  const ip = c.req.header("cf-connecting-ip")?.trim();
  return ip ? ipKey(ip) : null;
}

/**
 * An IPv4 address as it is; an IPv6 address as its /64, the block one subscriber or host
 * usually holds whole (counting single addresses would let a client rotate through 2^64 of
 * them). IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) count as the IPv4 address.
 */
export function ipKey(ip: string): string {
  const address = ip.toLowerCase();
  if (!address.includes(":")) return address;
  if (address.includes(".")) return address.slice(address.lastIndexOf(":") + 1);
  const prefix = ipv6Groups(address).slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16));
  return `${prefix.join(":")}::/64`;
}

/** The eight groups of an IPv6 address, `::` expanded to the zero groups it stands for. */
function ipv6Groups(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const first = head ? head.split(":") : [];
  if (tail === undefined) return first;
  const last = tail ? tail.split(":") : [];
  return [...first, ...Array<string>(Math.max(0, 8 - first.length - last.length)).fill("0"), ...last];
}

/**
 * A credential as a rate-limit key: the SHA-256 of the presented key (Bearer, or the Basic
 * password), never the key itself; null without an Authorization header.
 */
export async function credentialKey(c: Context): Promise<string | null> {
  const header = c.req.header("authorization");
  if (header === undefined) return null;
  const presented = bearerToken(header) ?? basicPassword(header) ?? header;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(presented));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
