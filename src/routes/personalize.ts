import { recordPageView } from "../app/recording";
import { afterResponse } from "./segment-review";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { evaluateLead, ANONYMOUS } from "../domain/evaluate";
import { prepareEvent, requestContext } from "../domain/events";
import { resolvePreview } from "../domain/preview";
import { readVerifyToken } from "../domain/verify-links";
import { publicPointsCap } from "../domain/activity";
import type { AppEnv } from "../env";
import { formFields } from "./form-fields";
import { optionalServerKey } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { countNewLead, limitPublicRequest } from "../middleware/public-limits";
import { recordingOutcome, visitorOf } from "../middleware/privacy";
import {
  bodyErrors, EventId, json, PersonalizeOut, PreviewToken, PrivacyFields, rateLimitErrors, serverCallErrors, serverCallSecurity, VisitorId,
  originErrors,
} from "./schemas";

const Body = z.strictObject({
  visitorId: VisitorId,
  page: z.strictObject({
    url: z.string().min(1).max(2048),
    referrer: z.string().max(2048).optional(),
    title: z.string().max(500).optional(),
  }),
  eventId: EventId.optional().openapi(LF_OPENAPI_DOCS ? { description: "Makes the page view idempotent across retries" } : {}),
  slots: z.array(z.string().max(63)).max(50).optional(),
  preview: PreviewToken,
  verify: z.string().max(2048).optional().openapi(LF_OPENAPI_DOCS ? {
    description: "The page's `lf_verify` parameter (added by a person's click on an email link): verifies this visitor as that email's lead, once",
  } : {}),
  ...PrivacyFields,
});

export const personalizeRoute = createRoute({
  method: "post",
  path: "/v1/personalize",
  tags: ["public"],
  security: serverCallSecurity,
  summary: LF_OPENAPI_DOCS ? "Record a page view and return the visitor's segment and content" : "",
  description: LF_OPENAPI_DOCS
    ? "Records the page view first (one D1 round trip), so a view that tips the lead over counts on that page. " +
      "GPC, `consent: false` and previews record nothing; bots are not recorded (README \"API\")."
    : "",
  middleware: [optionalServerKey, jsonBody({ textPlain: true })] as const,
  request: { body: { content: { "application/json": { schema: Body }, "text/plain": { schema: Body } }, required: true } },
  responses: { 200: json(PersonalizeOut, LF_OPENAPI_DOCS ? "Segment and slot content" : ""), ...bodyErrors, ...serverCallErrors, ...originErrors, ...rateLimitErrors },
});

export const personalizeHandler: RouteHandler<typeof personalizeRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { config, store, now } = c.var;
  const visitor = visitorOf(c, body);
  await limitPublicRequest(c, body.visitorId, { writes: true, forwardedIp: body.context?.ip });
  const preview = body.preview ? await resolvePreview(c.env.LF_PREVIEW_SECRET, body.preview, config, now, body.slots) : null;
  if (preview) return c.json({ ...preview, ...recordingOutcome("preview"), preview: true, holdout: false }, 200);
  const context = requestContext(body.page.url, visitor.country, visitor.language);
  const pageView = prepareEvent(config, { id: body.eventId ?? crypto.randomUUID(), type: "page_view", url: body.page.url }, now);
  const cap = c.var.serverCall ? undefined : publicPointsCap(config.doc, [pageView]);
  // A forged, expired or foreign token verifies nothing; the page view is recorded all the same.
  const verify = body.verify && c.env.LF_LINK_SECRET ? await readVerifyToken(c.env.LF_LINK_SECRET, body.verify, now) : null;
  const recording =
    visitor.notRecorded === null ? await recordPageView(c.var, { visitorId: body.visitorId, view: pageView, cap, verify: verify ?? undefined, asOrganization: visitor.asOrganization }) : null;
  const recorded = recording?.result ?? null;
  // Counted while the lead is evaluated: only later requests need the binding's answer.
  const counting = recorded ? countNewLead(c, recorded.createdLead, body.context?.ip) : null;
  const lead = recorded ?? (visitor.readsStoredState ? await store.loadByVisitor(body.visitorId, visitor.asOrganization) : ANONYMOUS);
  const result = evaluateLead(config, lead, context, now, { slots: body.slots });
  await counting;
  const outcome = recordingOutcome(visitor.notRecorded ?? (recorded?.capped ? "daily_cap" : null));
  afterResponse(c, recording?.afterResponse ?? null, result.segment.id);
  return c.json({ segment: result.segment, slots: result.slots, ...outcome, preview: false, holdout: result.holdout, ...formFields(config) }, 200);
};
