import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { exportLead } from "../app/privacy-requests";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { EXPORT_DESCRIPTION, ExportQuery, LeadExport } from "./leads-export";
import { adminActor, privacyRequester } from "./privacy-audit";
import { Email, json, linkSecretMissing, notFound, validationError } from "./schemas";

export const adminLeadExportRoute = createRoute({
  method: "get",
  path: "/v1/admin/leads/{email}/export",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Export a lead from the console (as GET /v1/leads/{email}/export; the audit names the admin)" : "",
  description: LF_OPENAPI_DOCS ? `${EXPORT_DESCRIPTION} The audit's actor is \`admin:<author>\`.` : "",
  middleware: [requireAdmin] as const,
  request: { params: z.object({ email: Email }), query: ExportQuery },
  responses: { 200: json(LeadExport, LF_OPENAPI_DOCS ? "The lead's data" : ""), ...adminErrors, ...notFound, ...validationError, ...linkSecretMissing },
});

export const adminLeadExportHandler: RouteHandler<typeof adminLeadExportRoute, AppEnv> = async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(await exportLead(privacyRequester(c, adminActor(c)), c.req.valid("param").email, c.req.valid("query")), 200);
};
