import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { evaluateLead, ANONYMOUS } from "../domain/evaluate";
import { requestContext } from "../domain/events";
import { resolvePreview } from "../domain/preview";
import type { AppEnv } from "../env";
import { recordingAllowed } from "../middleware/privacy";
import { json, PersonalizeOut, PreviewToken, SlotIds, validationError, VisitorId, originErrors } from "./schemas";

export const personalizeGetRoute = createRoute({
  method: "get",
  path: "/v1/personalize",
  tags: ["public"],
  summary: "Resolve the visitor's segment and content without recording anything",
  request: {
    query: z.object({
      visitorId: VisitorId,
      slots: SlotIds,
      url: z.string().max(2048).optional().openapi({ description: "The page, for context facts (path, UTM)" }),
      preview: PreviewToken,
    }),
  },
  responses: { 200: json(PersonalizeOut, "Segment and slot content"), ...validationError, ...originErrors },
});

export const personalizeGetHandler: RouteHandler<typeof personalizeGetRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { config, store, now } = c.var;
  const preview = query.preview ? await resolvePreview(c.env.LF_PREVIEW_SECRET, query.preview, config, now, query.slots) : null;
  if (preview) return c.json({ ...preview, recorded: false, preview: true }, 200);
  const context = requestContext(query.url, c.req.raw.cf?.country as string | undefined, c.req.header("accept-language"));
  // With GPC the visitor asked not to be tracked: answer from the request alone.
  const lead = recordingAllowed(c.req.raw) ? await store.loadByVisitor(query.visitorId) : ANONYMOUS;
  const result = evaluateLead(config, lead, context, now, { slots: query.slots });
  return c.json({ segment: result.segment, slots: result.slots, recorded: false, preview: false }, 200);
};
