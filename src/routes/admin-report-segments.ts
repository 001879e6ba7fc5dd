import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { LedgerReports } from "../db/ledger-reports";
import { segmentReport } from "../domain/report";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { PeriodQuery, reportPeriod } from "./report-period";
import { validationError } from "./schemas";

const Report = z
  .object({
    from: z.string(),
    to: z.string(),
    leads: z.object({
      seen: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads with a page view in the period" } : {}),
      evaluated: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads in the figures: every lead that was in a segment during the period (exact; no longer a sample)" } : {}),
    }),
    segments: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        path: z.array(z.string()),
        leads: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads in the segment at any time during the period: a lead that moved counts in each segment it was in" } : {}),
        entered: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Transitions into the segment in the period (a lead's first recorded segment included)" } : {}),
        exited: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Transitions out of the segment in the period" } : {}),
        converted: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads with a `conversion` event in the period while in this segment" } : {}),
        conversionRate: z.number().nullable().openapi(LF_OPENAPI_DOCS ? { description: "converted / leads; null without leads" } : {}),
        convertedFromFirstSegment: z.number().int().openapi(LF_OPENAPI_DOCS ? {
          description: "Leads that converted in the period and whose first segment of the period (held at `from`, or else first entered) is this one",
        } : {}),
      }),
    ),
  })
  .openapi("SegmentConversionReport");

export const adminReportSegmentsRoute = createRoute({
  method: "get",
  path: "/v1/admin/reports/segments",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Do the segments convert differently? Exact counts from the segment ledger for a period" : "",
  description: LF_OPENAPI_DOCS
    ? "Counted in SQL from the recorded segment transitions, over every lead (no sample). A lead is in a segment during " +
      "[from, to) when its membership (from a transition into the segment until its next transition) overlaps the period, " +
      "so a lead that moved counts in each segment it was in. `entered` and `exited` count the transitions of the period. " +
      "A `conversion` event in the period counts in `converted` for the segment the lead was in at that moment, and in " +
      "`convertedFromFirstSegment` for the first segment the lead was in during the period. Changed from the sampled report: " +
      "a lead no longer needs a page view in the period to count, its segment is the recorded one (not re-evaluated with " +
      "today's traits), `leads.evaluated` is every lead, and `limit` is gone. Defaults: the last 30 days."
    : "",
  middleware: [requireAdmin] as const,
  request: { query: z.object(PeriodQuery) },
  responses: { 200: { content: { "application/json": { schema: Report } }, description: LF_OPENAPI_DOCS ? "The report" : "" }, ...adminErrors, ...validationError },
});

export const adminReportSegmentsHandler: RouteHandler<typeof adminReportSegmentsRoute, AppEnv> = async (c) => {
  const { from, to } = reportPeriod(c.req.valid("query"), c.var.now);
  const counts = await new LedgerReports(c.env.DB).segments(from, to);
  return c.json(
    {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      leads: { seen: counts.seen, evaluated: counts.members },
      segments: segmentReport(c.var.config, counts.segments),
    },
    200,
  );
};
