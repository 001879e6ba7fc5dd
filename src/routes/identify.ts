import { reviewAfterResponse } from "./segment-review";
import { leadOfEmail } from "../db/store";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { identifyVisitor } from "../app/identity";
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
  summary: LF_OPENAPI_DOCS ? "Which lead a visitor is: from a browser a claim, with the server key a verification" : "",
  description: LF_OPENAPI_DOCS
    ? "A browser's identify is a claim (`verified: false`): recorded, never merged, nothing of that lead served until verified " +
      "(POST /v1/leads/{email}/visitors, an email link). The server key or `identity.trustBrowserIdentify` verifies. No lead data " +
      "in the answer; nothing recorded with GPC, `consent: false` or from a bot."
    : "",
  middleware: [optionalServerKey, jsonBody({ textPlain: true })] as const,
  request: { body: { content: { "application/json": { schema: Body }, "text/plain": { schema: Body } }, required: true } },
  responses: {
    202: json(z
        .object({
          ok: z.literal(true),
          verified: z.boolean(),
          ...RecordingOutcome,
        })
        .openapi("Identified"), LF_OPENAPI_DOCS ? "Linked, or `recorded: false` and why not" : ""),
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
  const verified = c.var.serverCall === true || c.var.config.doc.identity?.trustBrowserIdentify === true;
  if (!notRecorded) await identifyVisitor(c.var.store, { visitorId: body.visitorId, email: body.email, verified, now: c.var.now });
  if (verified && !notRecorded) reviewAfterResponse(c, leadOfEmail(body.email));
  return c.json({ ok: true as const, verified: verified && !notRecorded, ...recordingOutcome(notRecorded) }, 202);
};
