import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { leadTimeline, recentActivity } from "../domain/lead-timeline";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { LeadReport, leadReport } from "./lead-report";
import { SegmentHistory, segmentHistoryOf } from "./leads-segments";
import { Email, notFound, validationError } from "./schemas";

const RECENT_EVENTS = 50;
const LEDGER_STEPS = 10;
const Iso = z.string().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601", example: "2026-11-23T12:00:00.000Z" } : {});

const AdminLead = LeadReport.extend({
  recentEvents: z
    .array(z.object({ type: z.string(), category: z.string(), at: Iso }))
    .openapi(LF_OPENAPI_DOCS ? { description: `The newest ${RECENT_EVENTS} events: type, page category, time` } : {}),
  timeline: z
    .array(z.object({ at: Iso, engagement: z.number(), level: z.enum(["high", "medium", "low"]), score: z.number(), segment: z.string() }))
    .openapi(LF_OPENAPI_DOCS ? { description: "Daily, 30 days back (stored activity) to 30 ahead (decay alone)" } : {}),
  ledger: SegmentHistory.openapi(LF_OPENAPI_DOCS ? {
    description: `The segment ledger: the recorded segment, its next review, the newest ${LEDGER_STEPS} changes (more: GET /v1/admin/leads/{email}/segments)`,
  } : {}),
}).openapi("AdminLead");

export const adminLeadGetRoute = createRoute({
  method: "get",
  path: "/v1/admin/leads/{email}",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "One lead for the console: the lead report, recent events, a timeline" : "",
  middleware: [requireAdmin] as const,
  request: { params: z.object({ email: Email }) },
  responses: { 200: { content: { "application/json": { schema: AdminLead } }, description: LF_OPENAPI_DOCS ? "The lead, evaluated now" : "" }, ...adminErrors, ...notFound, ...validationError },
});

export const adminLeadGetHandler: RouteHandler<typeof adminLeadGetRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const [lead, ledger] = await Promise.all([
    c.var.store.loadByEmail(email),
    segmentHistoryOf(c.env.DB, c.var.config, email, LEDGER_STEPS, null),
  ]);
  if (!lead.leadId || !ledger) throw new ApiError(404, "not_found", "No lead has this email.");
  const iso = (at: number) => new Date(at).toISOString();
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      ...leadReport(c.var.config, email, lead, c.var.now),
      recentEvents: recentActivity(lead.activity, RECENT_EVENTS).map((e) => ({ ...e, at: iso(e.at) })),
      timeline: leadTimeline(c.var.config, lead, c.var.now).map((p) => ({ ...p, at: iso(p.at) })),
      ledger,
    },
    200,
  );
};
