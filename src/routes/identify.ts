import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { optionalServerKey } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { limitPublicRequest } from "../middleware/public-limits";
import { recordingOutcome, visitorOf } from "../middleware/privacy";
import {
  bodyErrors, Email, json, PrivacyFields, rateLimitErrors, RecordingOutcome, serverCallErrors, serverCallSecurity, VisitorId, originErrors,
} from "./schemas";

const Body = z.strictObject({ visitorId: VisitorId, email: Email, ...PrivacyFields });

export const identifyRoute = createRoute({
  method: "post",
  path: "/v1/identify",
  tags: ["public"],
  security: serverCallSecurity,
  summary: "Link a visitor to the lead with this email (merging leads if needed)",
  description:
    "Responds without any lead data. The result is the same whichever order identify calls arrive in. Nothing is linked with GPC, " +
    "`consent: false` or from a bot; a server call (the server key) may forward the visitor's `context`.",
  middleware: [optionalServerKey, jsonBody({ textPlain: true })] as const,
  request: { body: { content: { "application/json": { schema: Body }, "text/plain": { schema: Body } }, required: true } },
  responses: {
    202: json(z.object({ ok: z.literal(true), ...RecordingOutcome }).openapi("Identified"), "Linked, or `recorded: false` and why not"),
    ...bodyErrors,
    ...serverCallErrors,
    ...originErrors,
    ...rateLimitErrors,
  },
});

export const identifyHandler: RouteHandler<typeof identifyRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { notRecorded } = visitorOf(c, body);
  await limitPublicRequest(c, body.visitorId, { writes: true, forwardedIp: body.context?.ip });
  if (!notRecorded) await c.var.store.identify(body.visitorId, body.email, [crypto.randomUUID(), crypto.randomUUID()], c.var.now);
  return c.json({ ok: true as const, ...recordingOutcome(notRecorded) }, 202);
};
