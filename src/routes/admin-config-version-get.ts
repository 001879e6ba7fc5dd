import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminErrors, adminSecurity, requireAdmin, versionOut, VersionWithDocumentOut } from "./admin-common";
import { notFound, validationError } from "./schemas";

export const adminConfigVersionGetRoute = createRoute({
  method: "get",
  path: "/v1/admin/config/versions/{version}",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "One version with its document (e.g. to review before a rollback)" : "",
  middleware: [requireAdmin] as const,
  request: { params: z.object({ version: z.coerce.number().int().min(1) }) },
  responses: {
    200: { content: { "application/json": { schema: VersionWithDocumentOut } }, description: LF_OPENAPI_DOCS ? "The version" : "" },
    ...adminErrors,
    ...notFound,
    ...validationError,
  },
});

export const adminConfigVersionGetHandler: RouteHandler<typeof adminConfigVersionGetRoute, AppEnv> = async (c) => {
  const { found, active } = await c.var.configs.version(c.req.valid("param").version);
  if (!found) throw new ApiError(404, "not_found", "No configuration version has this number.");
  return c.json({ ...versionOut(found, active?.version ?? null), document: JSON.parse(found.document) as Record<string, unknown> }, 200);
};
