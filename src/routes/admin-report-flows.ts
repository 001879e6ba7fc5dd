import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { LedgerReports } from "../db/ledger-reports";
import { segmentFlows } from "../domain/report";
import type { Cause } from "../domain/review-at";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { PeriodQuery, reportPeriod } from "./report-period";
import { validationError } from "./schemas";

const CAUSES = ["event", "time", "traits", "identity", "import", "config", "account"] as const satisfies readonly Cause[];

const Flows = z
  .object({
    from: z.string(),
    to: z.string(),
    cause: z.enum(CAUSES).nullable().openapi(LF_OPENAPI_DOCS ? { description: "The cause the transitions were filtered by; null: all" } : {}),
    flows: z.array(
      z.object({
        from: z.string().nullable().openapi(LF_OPENAPI_DOCS ? { description: "The segment left; null: the lead entered the ledger (its first recorded segment)" } : {}),
        fromName: z.string().nullable(),
        to: z.string(),
        toName: z.string(),
        transitions: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Transitions from → to in the period" } : {}),
        leads: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Distinct leads that made them" } : {}),
      }),
    ),
  })
  .openapi("SegmentFlowReport");

export const adminReportFlowsRoute = createRoute({
  method: "get",
  path: "/v1/admin/reports/flows",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Where did leads move? From→to counts of the segment transitions in a period" : "",
  description: LF_OPENAPI_DOCS
    ? "Every recorded segment transition with its time in [from, to), counted per (from, to) pair, most first, with the " +
      "segments' names in the active configuration (a segment it no longer has keeps its id as its name). " +
      "`cause` keeps only the transitions of one cause. Defaults: the last 30 days."
    : "",
  middleware: [requireAdmin] as const,
  request: {
    query: z.object({ ...PeriodQuery, cause: z.enum(CAUSES).optional().openapi(LF_OPENAPI_DOCS ? { description: "Only transitions of this cause" } : {}) }),
  },
  responses: { 200: { content: { "application/json": { schema: Flows } }, description: LF_OPENAPI_DOCS ? "The flows" : "" }, ...adminErrors, ...validationError },
});

export const adminReportFlowsHandler: RouteHandler<typeof adminReportFlowsRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { from, to } = reportPeriod(query, c.var.now);
  const cause = query.cause ?? null;
  const counts = await new LedgerReports(c.env.DB).flows(from, to, cause);
  return c.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), cause, flows: segmentFlows(c.var.config, counts) }, 200);
};
