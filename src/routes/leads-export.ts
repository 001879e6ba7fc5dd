import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { EXPORT_FROM_START, EXPORT_PAGE_MAX, exportDocument, readExportCursor } from "../domain/privacy";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { privacyAudit } from "./privacy-audit";
import { authErrors, Email, json, linkSecretMissing, notFound, validationError } from "./schemas";

const Time = z.string().openapi({ description: "ISO 8601, UTC", example: "2026-11-23T12:00:00.000Z" });

const LeadExport = z
  .object({
    exportedAt: Time,
    lead: z.object({ id: z.string(), email: z.string(), traits: z.record(z.string(), z.unknown()), createdAt: Time, updatedAt: Time }),
    visitors: z.array(z.object({ id: z.string(), createdAt: Time })).openapi({ description: "The lead's browsers, by id" }),
    events: z
      .array(
        z.object({
          id: z.string(),
          type: z.string(),
          category: z.string(),
          ts: Time,
          path: z.string().nullable(),
          props: z.record(z.string(), z.unknown()).nullable(),
        }),
      )
      .openapi({ description: "Oldest first" }),
    aggregates: z
      .array(z.object({ key: z.string(), total: z.number().int(), recent: z.array(Time) }))
      .openapi({ description: "Per `type:category`: the lifetime count and the newest timestamps" }),
    merges: z
      .array(z.object({ fromId: z.string(), mergedAt: Time }))
      .openapi({ description: "Known leads merged into this one (their email links resolve here)" }),
    next: z.string().nullable().openapi({ description: "More events or visitors: pass as `after` for the next page; null on the last" }),
  })
  .openapi("LeadExport");

const Query = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, "a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(EXPORT_PAGE_MAX))
    .optional()
    .openapi({ description: `Events and visitors per page, at most ${EXPORT_PAGE_MAX} (the default)`, type: "integer", minimum: 1, maximum: EXPORT_PAGE_MAX }),
  after: z.string().optional().openapi({ description: "The `next` of the previous page" }),
});

export const leadsExportRoute = createRoute({
  method: "get",
  path: "/v1/leads/{email}/export",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: "Everything stored about a lead, as one JSON document (GDPR article 15)",
  description:
    "The lead with its traits, browsers, every event, aggregates and the leads merged into it; every time in ISO 8601 UTC. " +
    `A lead with more than \`limit\` (at most ${EXPORT_PAGE_MAX}) events or visitors is exported in pages: each page repeats ` +
    "the lead, aggregates and merges, and `next` continues the events and visitors. Audited with an HMAC of the email.",
  middleware: [requireKey("LF_API_KEY")] as const,
  request: { params: z.object({ email: Email }), query: Query },
  responses: { 200: json(LeadExport, "The lead's data"), ...authErrors, ...notFound, ...validationError, ...linkSecretMissing },
});

export const leadsExportHandler: RouteHandler<typeof leadsExportRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const { limit = EXPORT_PAGE_MAX, after } = c.req.valid("query");
  const position = after === undefined ? EXPORT_FROM_START : readExportCursor(after);
  if (!position) {
    throw new ApiError(422, "validation_failed", "The query is not valid.", [{ path: "after", message: "not a `next` from an earlier page" }]);
  }
  const record = await c.var.privacy.exportLead(email, position, limit, await privacyAudit(c, email));
  if (!record) throw new ApiError(404, "not_found", "No lead has this email.");
  return c.json(exportDocument(record, limit, c.var.now), 200);
};
