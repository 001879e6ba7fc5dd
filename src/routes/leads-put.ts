import { changeTraits } from "../app/recording";
import { afterResponse } from "./segment-review";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { serverJsonBody } from "../middleware/body";
import { requireKey } from "../middleware/auth";
import { LeadReport, leadReport } from "./lead-report";
import { authErrors, Email, json, serverBodyErrors, TraitsIn } from "./schemas";

export const leadsPutRoute = createRoute({
  method: "put",
  path: "/v1/leads/{email}",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Upsert trusted traits (company.*, person.*); null removes a trait" : "",
  middleware: [requireKey("LF_API_KEY"), serverJsonBody] as const,
  request: {
    params: z.object({ email: Email }),
    body: { content: { "application/json": { schema: TraitsIn } }, required: true },
  },
  responses: { 200: json(LeadReport, LF_OPENAPI_DOCS ? "The lead after the update" : ""), ...authErrors, ...serverBodyErrors },
});

export const leadsPutHandler: RouteHandler<typeof leadsPutRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const { result: lead, afterResponse: work } = await changeTraits(c.var, { email, patch: c.req.valid("json") });
  afterResponse(c, work);
  return c.json(leadReport(c.var.config, email, lead, c.var.now), 200);
};
