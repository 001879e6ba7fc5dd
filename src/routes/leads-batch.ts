import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { syncLeads } from "../app/lead-sync";
import { BATCH_MAX_LEADS } from "../domain/lead-sync";
import type { AppEnv } from "../env";
import { requireKey } from "../middleware/auth";
import { batchJsonBody } from "../middleware/body";
import { authErrors, batchBodyErrors, Email, json, TraitsIn } from "./schemas";

const Body = z.strictObject({
  leads: z.array(z.strictObject({ email: Email, traits: TraitsIn })).min(1).max(BATCH_MAX_LEADS),
});

export const leadsBatchRoute = createRoute({
  method: "post",
  path: "/v1/leads:batch",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? `Upsert trusted traits for up to ${BATCH_MAX_LEADS.toLocaleString("en")} leads at once (a CRM sync)` : "",
  description: LF_OPENAPI_DOCS
    ? "Each row as `PUT /v1/leads/{email}` takes it: created if new, traits merged, `null` removes a trait. Every row is checked " +
      "first: any bad row, or an email twice, is a 422 naming each failing row and field (`leads[3].traits.company.employees`), " +
      "and nothing is written. Then all rows are written in one D1 transaction, whole or not at all. The leads are not read " +
      "back: the segment ledger's sweep (within the minute) records their changes of segment, caused by `traits`."
    : "",
  middleware: [requireKey("LF_API_KEY"), batchJsonBody] as const,
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    200: json(
      z.object({
        created: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads that did not exist" } : {}),
        updated: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Existing leads whose traits were merged" } : {}),
      }),
      LF_OPENAPI_DOCS ? "Written" : "",
    ),
    ...authErrors,
    ...batchBodyErrors,
  },
});

export const leadsBatchHandler: RouteHandler<typeof leadsBatchRoute, AppEnv> = async (c) => {
  return c.json(await syncLeads(c.var, c.req.valid("json").leads), 200);
};
