import { reviewAfterResponse } from "./segment-review";
import { leadOfEmail } from "../db/store";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { identifyVisitor } from "../app/identity";
import type { AppEnv } from "../env";
import { requireKey } from "../middleware/auth";
import { serverJsonBody } from "../middleware/body";
import { authErrors, Email, json, serverBodyErrors, VisitorId } from "./schemas";

export const leadsVisitorsRoute = createRoute({
  method: "post",
  path: "/v1/leads/{email}/visitors",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Verify that a browser is this lead (after a login or a form your server trusts)" : "",
  description: LF_OPENAPI_DOCS ? "The visitor joins the lead; its activity merges exactly once; it is served the lead's content from then on." : "",
  middleware: [requireKey("LF_API_KEY"), serverJsonBody] as const,
  request: {
    params: z.object({ email: Email }),
    body: { content: { "application/json": { schema: z.strictObject({ visitorId: VisitorId }) } }, required: true },
  },
  responses: { 200: json(z.object({ verified: z.literal(true) }).openapi("VisitorVerified"), LF_OPENAPI_DOCS ? "Verified" : ""), ...authErrors, ...serverBodyErrors },
});

export const leadsVisitorsHandler: RouteHandler<typeof leadsVisitorsRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  await identifyVisitor(c.var.store, { visitorId: c.req.valid("json").visitorId, email, verified: true, now: c.var.now });
  reviewAfterResponse(c, leadOfEmail(email));
  return c.json({ verified: true as const }, 200);
};
