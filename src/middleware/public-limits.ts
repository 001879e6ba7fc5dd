import type { Context } from "hono";
import type { AppEnv } from "../env";
import { clientIp, countRequest, enforceRateLimits, ipKey, rateLimited, RETRY_AFTER_SECONDS, type RateLimitKind } from "./rate-limit";

/**
 * The rate limits of the public endpoints, checked in the handler once the visitor id is
 * known (the body is read and validated, nothing is recorded yet), in parallel: per visitor
 * id and per client IP. A server call (a site's server, one address for all its visitors)
 * counts as its visitor's own request: the forwarded `context.ip` is the client IP, and
 * without one only the visitor id is limited.
 */
export async function limitPublicRequest(c: Context<AppEnv>, visitorId: string, request: { writes: boolean; forwardedIp?: string | undefined }) {
  const ip = publicClientIp(c, request.forwardedIp);
  if (ip !== null && request.writes) {
    const seconds = secondsRefused(ip, c.var.now);
    if (seconds > 0) throw rateLimited(c, seconds);
  }
  const checks: [RateLimitKind, string][] = [["publicVisitor", visitorId]];
  if (ip !== null) checks.push(["publicIp", ip]);
  await enforceRateLimits(c, checks);
}

/**
 * After a write that created an anonymous lead: counts it against the client IP. Whether a
 * write creates a lead is known only once D1 has run it (the visitor id was new), so the
 * write that goes past the limit is still recorded; from then on that IP's public writes are
 * refused (429) for RETRY_AFTER_SECONDS, in this isolate. So an IP creates at most the limit
 * plus one lead per isolate and window.
 */
export async function countNewLead(c: Context<AppEnv>, createdLead: boolean, forwardedIp?: string | undefined): Promise<void> {
  const ip = createdLead ? publicClientIp(c, forwardedIp) : null;
  if (ip !== null && !(await countRequest(c.env, "newLeadsIp", ip))) refuse(ip, c.var.now + RETRY_AFTER_SECONDS * 1000);
}

function publicClientIp(c: Context<AppEnv>, forwardedIp: string | undefined): string | null {
  if (!c.var.serverCall) return clientIp(c);
  return forwardedIp ? ipKey(forwardedIp) : null;
}

/** IPs past the new-leads limit, until when (epoch ms). Oldest entries go first past the cap. */
const refusedUntil = new Map<string, number>();
const REFUSED_IPS_CAP = 10_000;

function refuse(ip: string, until: number): void {
  refusedUntil.delete(ip);
  refusedUntil.set(ip, until);
  if (refusedUntil.size > REFUSED_IPS_CAP) refusedUntil.delete(refusedUntil.keys().next().value!);
}

function secondsRefused(ip: string, now: number): number {
  const until = refusedUntil.get(ip);
  if (until === undefined) return 0;
  if (until <= now) refusedUntil.delete(ip);
  return Math.max(0, Math.ceil((until - now) / 1000));
}
