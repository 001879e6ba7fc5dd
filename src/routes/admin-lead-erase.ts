import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { eraseLead } from "../app/privacy-requests";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { ERASE_DESCRIPTION } from "./leads-erase";
import { adminActor, privacyRequester } from "./privacy-audit";
import { Email, linkSecretMissing, notFound, validationError } from "./schemas";

export const adminLeadEraseRoute = createRoute({
  method: "delete",
  path: "/v1/admin/leads/{email}",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Erase a lead from the console (as DELETE /v1/leads/{email}; the audit names the admin)" : "",
  description: LF_OPENAPI_DOCS ? `${ERASE_DESCRIPTION} The audit's actor is \`admin:<author>\`.` : "",
  middleware: [requireAdmin] as const,
  request: { params: z.object({ email: Email }) },
  responses: { 204: { description: LF_OPENAPI_DOCS ? "Erased" : "" }, ...adminErrors, ...notFound, ...validationError, ...linkSecretMissing },
});

export const adminLeadEraseHandler: RouteHandler<typeof adminLeadEraseRoute, AppEnv> = async (c) => {
  await eraseLead(privacyRequester(c, adminActor(c)), c.req.valid("param").email);
  return c.body(null, 204);
};
