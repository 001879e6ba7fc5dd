import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/** A configuration version as an entity tag: `"7"`. */
export const versionTag = (version: number) => `"${version}"`;

/**
 * The version an `If-Match` header names (`"7"`, a bare 7, or `W/"7"`); null when absent.
 * The weak form is accepted because Cloudflare's edge weakens ETags on the responses it
 * compresses, so a client echoing what it received sends `W/"7"`; the number is the same.
 */
export function ifMatchVersion(header: string | undefined): number | null {
  if (header === undefined || header.trim() === "") return null;
  const match = /^\s*(?:W\/(?="))?"?([1-9]\d{0,9})"?\s*$/.exec(header);
  if (!match) {
    throw new ApiError(400, "invalid_if_match", 'If-Match must be the ETag of a configuration version, e.g. If-Match: "7".');
  }
  return Number(match[1]);
}

/**
 * Optimistic locking for edits: the request must say which version it was based on
 * (428 without it), checked before the body so a client learns it first.
 */
export const requireIfMatch = createMiddleware<AppEnv>(async (c, next) => {
  if (ifMatchVersion(c.req.header("if-match")) === null) {
    throw new ApiError(428, "precondition_required", 'Send If-Match with the ETag of the version this change is based on (GET /v1/admin/config), e.g. If-Match: "7".');
  }
  await next();
});
