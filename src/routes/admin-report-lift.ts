import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { liftReport } from "../app/lift";
import { LiftReports } from "../db/lift-reports";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { PeriodQuery, reportPeriod } from "./report-period";
import { validationError } from "./schemas";

const ArmOut = z.object({
  leads: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads assigned to the arm in the period (entered the segment)" } : {}),
  converted: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Of them, leads with a `conversion` within the window after their assignment (seen up to `to`)" } : {}),
  rate: z.number().nullable(),
});
const Estimate = z.object({ estimate: z.number(), low: z.number(), high: z.number() });

const LiftOut = z
  .object({
    from: z.string(),
    to: z.string(),
    conversionWindowDays: z.number().int(),
    closedWindowsOnly: z.boolean(),
    adjust: z.enum(["holm", "bh"]),
    segments: z.array(
      z.object({
        segment: z.string(),
        name: z.string(),
        period: z.object({ share: z.number(), since: z.string().nullable() }).nullable()
          .openapi(LF_OPENAPI_DOCS ? { description: "The running holdout period (a share change starts a new one): its share and first assignment; null without a holdout" } : {}),
        control: ArmOut.nullable().openapi(LF_OPENAPI_DOCS ? { description: "The held-out leads; null for a segment without a holdout" } : {}),
        treatment: ArmOut.openapi(LF_OPENAPI_DOCS ? { description: "The personalized leads (without a holdout: every lead that entered the segment in the period)" } : {}),
        difference: Estimate.nullable().openapi(LF_OPENAPI_DOCS ? { description: "Treatment rate − control rate, with Newcombe's (hybrid score) 95 % interval" } : {}),
        lift: Estimate.nullable().openapi(LF_OPENAPI_DOCS ? { description: "Treatment rate / control rate − 1, with the log risk-ratio (Katz) 95 % interval; null without a conversion in an arm" } : {}),
        p: z.number().nullable().openapi(LF_OPENAPI_DOCS ? { description: "Two-sided p of the pooled two-proportion z test" } : {}),
        pAdjusted: z.number().nullable().openapi(LF_OPENAPI_DOCS ? { description: "p adjusted across the segments judged (Holm, or Benjamini–Hochberg with adjust=bh)" } : {}),
        srm: z.object({ p: z.number(), flagged: z.boolean() }).nullable()
          .openapi(LF_OPENAPI_DOCS ? { description: "Sample-ratio mismatch: chi-square test of the split against the configured share; flagged at p < 0.001 (no verdict then)" } : {}),
        verdict: z.enum(["positive", "negative", "inconclusive"]),
        leadsNeeded: z.number().int().nullable().openapi(LF_OPENAPI_DOCS ? { description: "More leads (both arms) needed to detect the relative `mde` with 80 % power; 0 when there are enough" } : {}),
      }),
    ),
  })
  .openapi("LiftReport");

const BooleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");

export const adminReportLiftRoute = createRoute({
  method: "get",
  path: "/v1/admin/reports/lift",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Did personalizing each segment change conversion? Holdout against treatment, per segment" : "",
  description: LF_OPENAPI_DOCS
    ? "By assignment (intention to treat): every lead assigned in [from, to) counts in its arm, converted when it has a `conversion` " +
      "within `experiments.holdout.conversionWindowDays` after its assignment, seen up to `to`; `closedWindowsOnly=true` keeps only leads " +
      "whose window has closed. Exact SQL counts over the ledger and events, no sample. Verdicts need 100 leads per arm and 10 conversions, " +
      "and no sample-ratio mismatch. Defaults: the last 30 days, Holm, mde 0.1."
    : "",
  middleware: [requireAdmin] as const,
  request: {
    query: z.object({
      ...PeriodQuery,
      closedWindowsOnly: BooleanQuery.optional(),
      adjust: z.enum(["holm", "bh"]).optional().openapi(LF_OPENAPI_DOCS ? { description: "Multiple-testing correction across segments (default holm)" } : {}),
      mde: z.coerce.number().gt(0).max(10).optional().openapi(LF_OPENAPI_DOCS ? { description: "The relative lift leadsNeeded plans for (default 0.1: +10 %)" } : {}),
    }),
  },
  responses: { 200: { content: { "application/json": { schema: LiftOut } }, description: LF_OPENAPI_DOCS ? "The report" : "" }, ...adminErrors, ...validationError },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const adminReportLiftHandler: RouteHandler<typeof adminReportLiftRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { from, to } = reportPeriod(query, c.var.now);
  const adjust = query.adjust ?? "holm";
  const closedWindowsOnly = query.closedWindowsOnly ?? false;
  const report = await liftReport(new LiftReports(c.env.DB), c.var.config, { from, to, closedWindowsOnly, adjust, relativeMde: query.mde });
  return c.json(
    {
      from: iso(from)!,
      to: iso(to)!,
      conversionWindowDays: report.windowDays,
      closedWindowsOnly,
      adjust,
      segments: report.segments.map((s) => ({ ...s, period: s.period && { share: s.period.share, since: iso(s.period.since) } })),
    },
    200,
  );
};
