import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { LedgerReports } from "../db/ledger-reports";
import { healthWeeks, segmentHealth } from "../domain/health-report";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { PeriodQuery, reportPeriod } from "./report-period";
import { validationError } from "./schemas";

const Counts = z.object({ leads: z.number().int(), converted: z.number().int(), rate: z.number().nullable() });
const Estimate = z.object({ estimate: z.number(), low: z.number(), high: z.number() });

const HealthOut = z
  .object({
    from: z.string(),
    to: z.string(),
    baselineFrom: z.string().openapi(LF_OPENAPI_DOCS ? { description: "The trailing baseline: the 13 weeks (91 days) before `from`" } : {}),
    segments: z.array(
      z.object({
        segment: z.string(),
        name: z.string(),
        weeks: z.array(Counts.extend({ from: z.string(), to: z.string() })).openapi(LF_OPENAPI_DOCS ? {
          description: "Each week of the baseline, then of the period: leads in the segment during the week, and those that converted while in it",
        } : {}),
        period: Counts.openapi(LF_OPENAPI_DOCS ? { description: "The period's weeks pooled (lead-weeks)" } : {}),
        baseline: Counts.openapi(LF_OPENAPI_DOCS ? { description: "The baseline's weeks pooled (lead-weeks)" } : {}),
        difference: Estimate.nullable().openapi(LF_OPENAPI_DOCS ? { description: "Period rate − baseline rate per lead-week, with Newcombe's 95 % interval" } : {}),
        diverged: z.boolean().openapi(LF_OPENAPI_DOCS ? { description: "The interval excludes 0, with at least 100 lead-weeks each side and 10 conversions" } : {}),
        sizeRatio: z.number().nullable().openapi(LF_OPENAPI_DOCS ? { description: "The period's average weekly size over the baseline's" } : {}),
      }),
    ),
    siblings: z.array(
      z.object({
        group: z.string(),
        segments: z.array(z.string()),
        test: z.object({ statistic: z.number(), df: z.number().int(), p: z.number() }).nullable()
          .openapi(LF_OPENAPI_DOCS ? { description: "Chi-square test of homogeneity of the siblings' period rates; null without conversions" } : {}),
        leadsNeeded: z.number().int().nullable().openapi(LF_OPENAPI_DOCS ? { description: "Lead-weeks each sibling needs for the test to see one convert 1.5× another (80 % power)" } : {}),
        verdict: z.enum(["different", "not_distinguishable", "too_few"]).openapi(LF_OPENAPI_DOCS ? {
          description: "`not_distinguishable`: enough leads, and no difference: the segmentation of this group is not doing its job",
        } : {}),
      }),
    ),
  })
  .openapi("SegmentHealthReport");

export const adminReportHealthRoute = createRoute({
  method: "get",
  path: "/v1/admin/reports/health",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Are the segments still working? Size and conversion per week, against the trailing 90 days, and siblings compared" : "",
  description: LF_OPENAPI_DOCS
    ? "Exact SQL counts over the segment ledger and events, per week: the 13 weeks before `from`, then [from, to) in 7-day steps. " +
      "A segment `diverged` when its period rate per lead-week differs from its baseline's; a group's segments are `not_distinguishable` " +
      "when they have the leads to show a difference and show none. Defaults: the last 30 days."
    : "",
  middleware: [requireAdmin] as const,
  request: { query: z.object(PeriodQuery) },
  responses: { 200: { content: { "application/json": { schema: HealthOut } }, description: LF_OPENAPI_DOCS ? "The report" : "" }, ...adminErrors, ...validationError },
});

const iso = (ms: number) => new Date(ms).toISOString();

export const adminReportHealthHandler: RouteHandler<typeof adminReportHealthRoute, AppEnv> = async (c) => {
  const { from, to } = reportPeriod(c.req.valid("query"), c.var.now);
  const weeks = healthWeeks(from, to);
  const counts = await new LedgerReports(c.env.DB).weeks(weeks);
  const report = segmentHealth(c.var.config, weeks.map((w, i) => ({ ...w, segments: counts[i]! })), from);
  return c.json(
    {
      from: iso(from),
      to: iso(to),
      baselineFrom: iso(weeks[0]!.from),
      segments: report.segments.map((s) => ({ ...s, weeks: s.weeks.map((w) => ({ ...w, from: iso(w.from), to: iso(w.to) })) })),
      siblings: report.siblings,
    },
    200,
  );
};
