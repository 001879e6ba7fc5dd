import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { configSchema } from "../domain/config";
import { issuesToDetails } from "../errors";
import type { AppEnv } from "../env";
import { versionTag } from "../middleware/if-match";
import { adminErrors, adminSecurity, requireAdmin, versionHeaders, versionOut, VersionWithDocumentOut } from "./admin-common";

const ActiveVersionOut = VersionWithDocumentOut.extend({
  problems: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .openapi(LF_OPENAPI_DOCS ? {
      description: "Only when this code refuses the active document: it is not served until a valid version is activated",
    } : {}),
}).openapi("ActiveConfigVersion");

export const adminConfigGetRoute = createRoute({
  method: "get",
  path: "/v1/admin/config",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "The active configuration document and its version (also the ETag)" : "",
  description: LF_OPENAPI_DOCS ? "Read from D1, not from the isolate's cache. Send the ETag back as If-Match with PUT." : "",
  middleware: [requireAdmin] as const,
  responses: {
    200: { content: { "application/json": { schema: ActiveVersionOut } }, headers: versionHeaders, description: LF_OPENAPI_DOCS ? "The active version" : "" },
    ...adminErrors,
  },
});

export const adminConfigGetHandler: RouteHandler<typeof adminConfigGetRoute, AppEnv> = async (c) => {
  const active = await c.var.configs.activeOrSeed(c.var.now);
  c.header("ETag", versionTag(active.version));
  c.header("Cache-Control", "no-store");
  const document = JSON.parse(active.document) as Record<string, unknown>;
  const parsed = configSchema.safeParse(document);
  const problems = parsed.success ? {} : { problems: issuesToDetails(parsed.error.issues) };
  return c.json({ ...versionOut(active, active.version), document, ...problems }, 200);
};
