import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { HistoryQuery, SegmentHistory, segmentHistoryOf } from "./leads-segments";
import { Email, json, notFound, validationError } from "./schemas";

/** GET /v1/leads/{email}/segments for the console (its "Show more" pages through the history). */
export const adminLeadSegmentsRoute = createRoute({
  method: "get",
  path: "/v1/admin/leads/{email}/segments",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "GET /v1/leads/{email}/segments for the console: the recorded segment and its changes, newest first" : "",
  middleware: [requireAdmin] as const,
  request: { params: z.object({ email: Email }), query: HistoryQuery },
  responses: { 200: json(SegmentHistory, LF_OPENAPI_DOCS ? "The recorded segment and its history" : ""), ...adminErrors, ...notFound, ...validationError },
});

export const adminLeadSegmentsHandler: RouteHandler<typeof adminLeadSegmentsRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const { limit, before } = c.req.valid("query");
  const found = await segmentHistoryOf(c.env.DB, c.var.config, email, limit, before ?? null);
  if (!found) throw new ApiError(404, "not_found", "No lead has this email.");
  c.header("Cache-Control", "no-store");
  return c.json(found, 200);
};
