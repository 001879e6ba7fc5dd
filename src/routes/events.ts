import { recordVisitorEvents } from "../app/recording";
import { afterResponse } from "./segment-review";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { publicPointsCap } from "../domain/activity";
import { clampClientTime, prepareEvent } from "../domain/events";
import { claimedFromForms } from "../domain/claimed-traits";
import type { AppEnv } from "../env";
import { optionalServerKey } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { countNewLead, limitPublicRequest } from "../middleware/public-limits";
import { recordingOutcome, visitorOf } from "../middleware/privacy";
import {
  bodyErrors, json, PrivacyFields, PublicEvent, rateLimitErrors, RecordingOutcome, serverCallErrors, serverCallSecurity, VisitorId, originErrors,
} from "./schemas";

const Body = z.strictObject({
  visitorId: VisitorId,
  events: z.array(PublicEvent).min(1).max(50),
  ...PrivacyFields,
});

const Accepted = z
  .object({
    accepted: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Events newly recorded" } : {}),
    duplicates: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Events already recorded (same id): counted once" } : {}),
    ignored: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Events not recorded: all of them when `reason` says why" } : {}),
    capped: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Events not stored: past the visitor's daily points cap (browser calls only)" } : {}),
    ...RecordingOutcome,
  })
  .openapi("EventsAccepted");

export const eventsRoute = createRoute({
  method: "post",
  path: "/v1/events",
  tags: ["public"],
  security: serverCallSecurity,
  summary: LF_OPENAPI_DOCS ? "Record browser events (at most 50, 64 KiB); text/plain bodies accepted for sendBeacon" : "",
  description: LF_OPENAPI_DOCS ? "An id already recorded is a duplicate; a client `ts` is clamped to [now − 24 h, now]. GPC, `consent: false` and bots record nothing." : "",
  middleware: [optionalServerKey, jsonBody({ textPlain: true })] as const,
  request: { body: { content: { "application/json": { schema: Body }, "text/plain": { schema: Body } }, required: true } },
  responses: { 202: json(Accepted, LF_OPENAPI_DOCS ? "Accepted" : ""), ...bodyErrors, ...serverCallErrors, ...originErrors, ...rateLimitErrors },
});

export const eventsHandler: RouteHandler<typeof eventsRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { config, now } = c.var;
  const { notRecorded } = visitorOf(c, body);
  await limitPublicRequest(c, body.visitorId, { writes: true, forwardedIp: body.context?.ip });
  if (notRecorded) return c.json({ accepted: 0, duplicates: 0, ignored: body.events.length, capped: 0, ...recordingOutcome(notRecorded) }, 202);
  const events = body.events.map((e) => prepareEvent(config, e, clampClientTime(e.ts, now)));
  // Events the site's server reports are not capped: it vouches for them.
  const cap = c.var.serverCall ? undefined : publicPointsCap(config.doc, events);
  const claimed = claimedFromForms(config.doc.forms, body.events);
  const recording = await recordVisitorEvents(c.var, { visitorId: body.visitorId, events, cap, claimed });
  const { accepted, duplicates, capped, createdLead } = recording.result;
  await countNewLead(c, createdLead, body.context?.ip);
  const outcome = recordingOutcome(accepted + duplicates === 0 && capped > 0 ? "daily_cap" : null);
  afterResponse(c, recording.afterResponse);
  return c.json({ accepted, duplicates, ignored: 0, capped, ...outcome }, 202);
};
