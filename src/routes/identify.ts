import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { jsonBody } from "../middleware/body";
import { recordingAllowed } from "../middleware/privacy";
import { bodyErrors, Email, json, VisitorId, originErrors } from "./schemas";

const Body = z.strictObject({ visitorId: VisitorId, email: Email });

export const identifyRoute = createRoute({
  method: "post",
  path: "/v1/identify",
  tags: ["public"],
  summary: "Link a visitor to the lead with this email (merging leads if needed)",
  description: "Responds without any lead data. The result is the same whichever order identify calls arrive in.",
  middleware: [jsonBody({ textPlain: true })] as const,
  request: { body: { content: { "application/json": { schema: Body }, "text/plain": { schema: Body } }, required: true } },
  responses: { 202: json(z.object({ ok: z.literal(true) }), "Linked"), ...bodyErrors, ...originErrors },
});

export const identifyHandler: RouteHandler<typeof identifyRoute, AppEnv> = async (c) => {
  const { visitorId, email } = c.req.valid("json");
  if (recordingAllowed(c.req.raw)) {
    await c.var.store.identify(visitorId, email, [crypto.randomUUID(), crypto.randomUUID()], c.var.now);
  }
  return c.json({ ok: true as const }, 202);
};
