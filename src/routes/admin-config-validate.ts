import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { adminBodyErrors, adminJsonBody, adminSecurity, ConfigDocumentIn, requireAdmin } from "./admin-common";

const Body = z.strictObject({ document: ConfigDocumentIn });

export const adminConfigValidateRoute = createRoute({
  method: "post",
  path: "/v1/admin/config/validate",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Check a configuration document without storing it (for CI)" : "",
  description: LF_OPENAPI_DOCS ? "The same checks as PUT /v1/admin/config: 200 when the document would be accepted, 422 listing every problem otherwise." : "",
  middleware: [requireAdmin, adminJsonBody] as const,
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    200: { content: { "application/json": { schema: z.object({ valid: z.literal(true) }) } }, description: LF_OPENAPI_DOCS ? "The document is valid" : "" },
    ...adminBodyErrors,
  },
});

// Validation happens in the route's schema: reaching the handler means the document is valid.
export const adminConfigValidateHandler: RouteHandler<typeof adminConfigValidateRoute, AppEnv> = async (c) => c.json({ valid: true as const }, 200);
