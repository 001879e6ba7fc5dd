import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/** A configuration version as an entity tag: `"7"`. */
export const versionTag = (version: number) => `"${version}"`;

/** The version an `If-Match` header names (`"7"`, or a bare 7); null when absent. */
export function ifMatchVersion(header: string | undefined): number | null {
  if (header === undefined || header.trim() === "") return null;
  const match = /^\s*"?([1-9]\d{0,9})"?\s*$/.exec(header);
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
