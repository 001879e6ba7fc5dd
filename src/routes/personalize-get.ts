import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { evaluateLead, ANONYMOUS } from "../domain/evaluate";
import { requestContext } from "../domain/events";
import { resolvePreview } from "../domain/preview";
import type { AppEnv } from "../env";
import { formFields } from "./form-fields";
import { optionalServerKey } from "../middleware/auth";
import { recordingOutcome, visitorOf } from "../middleware/privacy";
import { limitPublicRequest } from "../middleware/public-limits";
import {
  json, PersonalizeOut, PreviewToken, rateLimitErrors, serverCallErrors, serverCallSecurity, SlotIds, validationError, VisitorId, originErrors,
} from "./schemas";

export const personalizeGetRoute = createRoute({
  method: "get",
  path: "/v1/personalize",
  tags: ["public"],
  security: serverCallSecurity,
  summary: LF_OPENAPI_DOCS ? "Resolve the visitor's segment and content without recording anything" : "",
  description: LF_OPENAPI_DOCS
    ? "Answers `recorded: false` with `reason: read_only`, or `gpc` (`Sec-GPC: 1`: answered from the request alone) or `preview`. " +
      "A server call (the server key) uses no country or language: its own are not its visitor's, and only POST can forward them."
    : "",
  middleware: [optionalServerKey] as const,
  request: {
    query: z.object({
      visitorId: VisitorId,
      slots: SlotIds,
      url: z.string().max(2048).optional().openapi(LF_OPENAPI_DOCS ? { description: "The page, for context facts (path, UTM)" } : {}),
      preview: PreviewToken,
    }),
  },
  responses: { 200: json(PersonalizeOut, LF_OPENAPI_DOCS ? "Segment and slot content" : ""), ...validationError, ...serverCallErrors, ...originErrors, ...rateLimitErrors },
});

export const personalizeGetHandler: RouteHandler<typeof personalizeGetRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { config, store, now } = c.var;
  await limitPublicRequest(c, query.visitorId, { writes: false });
  const preview = query.preview ? await resolvePreview(c.env.LF_PREVIEW_SECRET, query.preview, config, now, query.slots) : null;
  if (preview) return c.json({ ...preview, ...recordingOutcome("preview"), preview: true, holdout: false }, 200);
  const visitor = visitorOf(c);
  const context = requestContext(query.url, visitor.country, visitor.language);
  // With GPC the visitor asked not to be tracked: answer from the request alone.
  const lead = visitor.readsStoredState ? await store.loadByVisitor(query.visitorId, visitor.asOrganization) : ANONYMOUS;
  const result = evaluateLead(config, lead, context, now, { slots: query.slots });
  const outcome = recordingOutcome(visitor.readsStoredState ? "read_only" : visitor.notRecorded);
  return c.json({ segment: result.segment, slots: result.slots, ...outcome, preview: false, holdout: result.holdout, ...formFields(config) }, 200);
};
