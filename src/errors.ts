import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { formatPath } from "./domain/json-path";

/** The one error type. Everything a client did wrong becomes one of these. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static validation(error: z.ZodError, where = "request"): ApiError {
    return new ApiError(422, "validation_failed", `The ${where} is not valid.`, issuesToDetails(error.issues));
  }

  /** The same 422 for problems the domain found (paths as arrays, like zod's). */
  static problems(problems: readonly { path: readonly PropertyKey[]; message: string }[], where = "body"): ApiError {
    return new ApiError(422, "validation_failed", `The ${where} is not valid.`, issuesToDetails(problems));
  }
}

export function issuesToDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

const HTTP_CODES: Record<number, string> = {
  400: "malformed_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** `app.onError`: the envelope for ApiError, Hono's own HTTP errors, and (500) the rest. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = /malformed json/i.test(err.message) ? "The body is not valid JSON." : err.message || "Request failed.";
    return c.json(errorBody(HTTP_CODES[status] ?? "http_error", message), status);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal", "Something went wrong on our side."), 500);
}

/** The zod-openapi validation hook: schema failures become the same 422 envelope. */
export function validationHook(result: { success: boolean; error?: z.ZodError; target?: string }): void {
  if (!result.success && result.error) throw ApiError.validation(result.error, result.target === "json" ? "body" : result.target);
}
