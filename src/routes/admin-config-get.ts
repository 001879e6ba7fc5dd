import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { shippedSeed } from "../config/active";
import type { AppEnv } from "../env";
import { versionTag } from "../middleware/if-match";
import { adminErrors, adminSecurity, requireAdmin, versionHeaders, versionOut, VersionWithDocumentOut } from "./admin-common";

export const adminConfigGetRoute = createRoute({
  method: "get",
  path: "/v1/admin/config",
  tags: ["admin"],
  security: adminSecurity,
  summary: "The active configuration document and its version (also the ETag)",
  description: "Read from D1, not from the isolate's cache. Send the ETag back as If-Match with PUT.",
  middleware: [requireAdmin] as const,
  responses: {
    200: { content: { "application/json": { schema: VersionWithDocumentOut } }, headers: versionHeaders, description: "The active version" },
    ...adminErrors,
  },
});

export const adminConfigGetHandler: RouteHandler<typeof adminConfigGetRoute, AppEnv> = async (c) => {
  const active = (await c.var.configs.active(shippedSeed(c.var.now)))!;
  c.header("ETag", versionTag(active.version));
  c.header("Cache-Control", "no-store");
  return c.json({ ...versionOut(active, active.version), document: JSON.parse(active.document) as Record<string, unknown> }, 200);
};
