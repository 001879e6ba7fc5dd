import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { createPreviewLink, PREVIEW_PARAM, PREVIEW_TTL_DEFAULT_S, PREVIEW_TTL_MAX_S, previewableSegment } from "../domain/preview";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminBodyErrors, adminJsonBody, adminSecurity, requireAdmin } from "./admin-common";
import { json, previewSecretMissing, SegmentOut } from "./schemas";

const Body = z.strictObject({
  segment: z.string().min(1).max(63).openapi(LF_OPENAPI_DOCS ? { description: "A segment id of the active configuration (not a group)", example: "smb-qualified" } : {}),
  url: z.url({ protocol: /^https?$/, message: "an absolute http(s) URL of a page of the site" }).max(2048),
  expiresInSeconds: z.number().int().min(60).max(PREVIEW_TTL_MAX_S).default(PREVIEW_TTL_DEFAULT_S),
});

export const adminPreviewLinksRoute = createRoute({
  method: "post",
  path: "/v1/admin/preview-links",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "A link that opens a page of the site as a segment sees it" : "",
  description: LF_OPENAPI_DOCS
    ? `Returns the page URL with \`${PREVIEW_PARAM}=<token>\`, signed with LF_PREVIEW_SECRET and expiring (default 24 h, at most 7 days). ` +
      "`/v1/personalize` with that token (body `preview`, query `preview`) serves the segment's content, records nothing and answers `preview: true`."
    : "",
  middleware: [requireAdmin, adminJsonBody] as const,
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({ url: z.string(), token: z.string(), segment: SegmentOut, expiresAt: z.string() }).openapi("PreviewLink"),
        },
      },
      description: LF_OPENAPI_DOCS ? "The preview link" : "",
    },
    ...adminBodyErrors,
    ...previewSecretMissing,
  },
});

export const adminPreviewLinksHandler: RouteHandler<typeof adminPreviewLinksRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const segment = previewableSegment(c.var.config, body.segment);
  if (!segment) {
    throw new ApiError(422, "validation_failed", "The body is not valid.", [
      { path: "segment", message: `"${body.segment}" is not a segment of the active configuration (groups cannot be previewed)` },
    ]);
  }
  if (!c.env.LF_PREVIEW_SECRET) throw new ApiError(503, "not_configured", "LF_PREVIEW_SECRET is not set: preview links cannot be signed.");
  const link = await createPreviewLink(c.env.LF_PREVIEW_SECRET, segment.id, body.url, c.var.now, body.expiresInSeconds);
  return c.json({ ...link, segment }, 200);
};
