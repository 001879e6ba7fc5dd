import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { ReevaluationStore } from "../db/reevaluation-store";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { errorResponse } from "./schemas";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const ReevaluationOut = z
  .object({
    configVersion: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "The activated version every lead is re-evaluated against" } : {}),
    done: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads re-evaluated so far (in lead id order)" } : {}),
    total: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads when the version was activated; on finishing, the leads gone through" } : {}),
    changed: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads whose segment changed (a `config` transition each)" } : {}),
    startedAt: z.string().openapi(LF_OPENAPI_DOCS ? { description: "When the version was activated" } : {}),
    finishedAt: z.string().nullable().openapi(LF_OPENAPI_DOCS ? { description: "When the last lead was done (or the job superseded); null while running" } : {}),
    supersededBy: z.number().int().nullable().openapi(LF_OPENAPI_DOCS ? { description: "A newer version activated before this one finished: that one re-evaluates every lead" } : {}),
  })
  .openapi("LedgerReevaluation");

export const adminLedgerReevaluationRoute = createRoute({
  method: "get",
  path: "/v1/admin/ledger/reevaluation",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Progress of the re-evaluation of every lead after the latest activation" : "",
  description: LF_OPENAPI_DOCS
    ? "Activating a version (PUT /v1/admin/config or a rollback) re-evaluates every lead against it in the background, " +
      "in chunks; a lead whose segment changes gets a transition with cause `config`. Until its turn, a lead keeps its recorded segment."
    : "",
  middleware: [requireAdmin] as const,
  responses: {
    200: { content: { "application/json": { schema: ReevaluationOut } }, description: LF_OPENAPI_DOCS ? "The newest re-evaluation" : "" },
    404: errorResponse(LF_OPENAPI_DOCS ? "`not_found`: no version has been activated since the ledger exists" : ""),
    ...adminErrors,
  },
});

export const adminLedgerReevaluationHandler: RouteHandler<typeof adminLedgerReevaluationRoute, AppEnv> = async (c) => {
  const job = await new ReevaluationStore(c.env.DB).latest();
  if (!job) throw new ApiError(404, "not_found", "No configuration version has been activated since the segment ledger exists.");
  return c.json({ ...job, startedAt: iso(job.startedAt)!, finishedAt: iso(job.finishedAt) }, 200);
};
