import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin, VersionOut, versionOut } from "./admin-common";
import { validationError } from "./schemas";

export const adminConfigVersionsRoute = createRoute({
  method: "get",
  path: "/v1/admin/config/versions",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Every version, newest first: the audit trail (who, when, what changed, why)" : "",
  description: LF_OPENAPI_DOCS ? "Paginated by version: pass the response's `next` as `before` for the next page." : "",
  middleware: [requireAdmin] as const,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      before: z.coerce.number().int().min(1).optional().openapi(LF_OPENAPI_DOCS ? { description: "Only versions older than this one" } : {}),
    }),
  },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({
            active: z.number().int(),
            versions: z.array(VersionOut),
            next: z.number().int().nullable().openapi(LF_OPENAPI_DOCS ? { description: "`before` for the next page; null on the last page" } : {}),
          }),
        },
      },
      description: LF_OPENAPI_DOCS ? "One page of versions" : "",
    },
    ...adminErrors,
    ...validationError,
  },
});

export const adminConfigVersionsHandler: RouteHandler<typeof adminConfigVersionsRoute, AppEnv> = async (c) => {
  const { limit, before } = c.req.valid("query");
  // One more than asked tells whether another page exists.
  const { versions, active } = await c.var.configs.list(limit + 1, before);
  const page = versions.slice(0, limit);
  return c.json(
    {
      active: active ?? c.var.configVersion,
      versions: page.map((v) => versionOut(v, active)),
      next: versions.length > limit ? page.at(-1)!.version : null,
    },
    200,
  );
};
