import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { LeadReport, leadReport } from "./lead-report";
import { authErrors, Email, json, notFound, validationError } from "./schemas";

export const leadsGetRoute = createRoute({
  method: "get",
  path: "/v1/leads/{email}",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "A lead's traits, signals, scores and segment, with the explanation" : "",
  middleware: [requireKey("LF_API_KEY")] as const,
  request: { params: z.object({ email: Email }) },
  responses: { 200: json(LeadReport, LF_OPENAPI_DOCS ? "The lead, evaluated now" : ""), ...authErrors, ...notFound, ...validationError },
});

export const leadsGetHandler: RouteHandler<typeof leadsGetRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const lead = await c.var.store.loadByEmail(email);
  if (!lead.leadId) throw new ApiError(404, "not_found", "No lead has this email.");
  return c.json(leadReport(c.var.config, email, lead, c.var.now), 200);
};
