import { configuredOrigin, siteOrigin } from "../domain/email-content";
import { ApiError } from "../errors";

/**
 * The origins email content and email links are built from. Both come from configuration:
 * a request's Host is whatever its sender wrote, so a worker that trusted it would mint
 * (or redirect readers to) links on any host. A missing or invalid value is the operator's
 * to fix: a 503 for the caller and a log line for the operator.
 */

function notConfigured(message: string): ApiError {
  console.error(`not_configured: ${message}`);
  return new ApiError(503, "not_configured", message);
}

/** `LF_SITE_ORIGIN`: where CTAs and images point, and where `/r/` and `/i/` redirect. */
export function requireSiteOrigin(env: Cloudflare.Env): string {
  const origin = siteOrigin(env.LF_SITE_ORIGIN);
  if (!origin) {
    throw notConfigured("LF_SITE_ORIGIN is not set to an http(s) origin (e.g. https://www.example.com): email links can be neither made nor followed without it.");
  }
  return origin;
}

/**
 * Where the `/r/` and `/i/` links of an email point: `LF_PUBLIC_ORIGIN` (e.g. a branded
 * link domain) when set, else the origin the email content API was called on. That one is
 * safe to use because the content API is authenticated: only the key's holder (the ESP)
 * chooses the Host, and the links only lead back to this worker, which then redirects to
 * `LF_SITE_ORIGIN`. A value that is set but not an http(s) URL is an error, never ignored.
 */
export function linkOrigin(env: Cloudflare.Env, requestUrl: string): string {
  if (!env.LF_PUBLIC_ORIGIN?.trim()) return new URL(requestUrl).origin;
  const origin = configuredOrigin(env.LF_PUBLIC_ORIGIN);
  if (!origin) throw notConfigured("LF_PUBLIC_ORIGIN is set but is not an http(s) URL: email links cannot point at it.");
  return origin;
}
