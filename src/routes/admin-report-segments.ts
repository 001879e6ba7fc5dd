import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { DAY_MS } from "../domain/activity";
import { segmentConversions } from "../domain/report";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { validationError } from "./schemas";
import { TimestampQuery } from "./timestamp";

const MAX_PERIOD_DAYS = 365;

const Report = z
  .object({
    from: z.string(),
    to: z.string(),
    leads: z.object({
      seen: z.number().int().openapi({ description: "Leads with a page view in the period" }),
      evaluated: z.number().int().openapi({ description: "Leads in the figures: all of them, or an unbiased sample of `limit`" }),
    }),
    segments: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        path: z.array(z.string()),
        leads: z.number().int(),
        converted: z.number().int(),
        conversionRate: z.number().nullable(),
      }),
    ),
  })
  .openapi("SegmentConversionReport");

export const adminReportSegmentsRoute = createRoute({
  method: "get",
  path: "/v1/admin/reports/segments",
  tags: ["admin"],
  security: adminSecurity,
  summary: "Do the segments convert differently? Leads seen in a period, by segment, and how many converted",
  description:
    "Each lead with a page view in [from, to) counts in the segment it was in at its first view of the period " +
    "(evaluated as of that moment from its stored activity, with today's traits and the active configuration), " +
    "and as converted if a `conversion` event followed before `to`. Defaults: the last 30 days.",
  middleware: [requireAdmin] as const,
  request: {
    query: z.object({
      from: TimestampQuery.optional().openapi({ description: "ISO 8601 with an offset or Z, or epoch ms; default: 30 days before `to`" }),
      to: TimestampQuery.optional().openapi({ description: "ISO 8601 with an offset or Z, or epoch ms; exclusive; default: now" }),
      limit: z.coerce.number().int().min(1).max(5000).default(2000).openapi({ description: "At most this many leads are evaluated" }),
    }),
  },
  responses: { 200: { content: { "application/json": { schema: Report } }, description: "The report" }, ...adminErrors, ...validationError },
});

export const adminReportSegmentsHandler: RouteHandler<typeof adminReportSegmentsRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const to = query.to ?? c.var.now;
  const from = query.from ?? to - 30 * DAY_MS;
  if (!(from < to) || to - from > MAX_PERIOD_DAYS * DAY_MS) {
    throw new ApiError(422, "validation_failed", "The period is not valid.", [
      { path: "from", message: `must be before \`to\`, at most ${MAX_PERIOD_DAYS} days earlier` },
    ]);
  }
  const { seen, leads } = await c.var.store.loadLeadsSeen(from, to, query.limit);
  return c.json(
    {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      leads: { seen, evaluated: leads.length },
      segments: segmentConversions(c.var.config, leads, from, to),
    },
    200,
  );
};
