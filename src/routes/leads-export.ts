import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { exportLead } from "../app/privacy-requests";
import { EXPORT_PAGE_MAX } from "../domain/privacy";
import type { AppEnv } from "../env";
import { requireKey } from "../middleware/auth";
import { privacyRequester, SERVER_ACTOR } from "./privacy-audit";
import { authErrors, Email, json, linkSecretMissing, notFound, validationError } from "./schemas";

const Time = z.string().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601, UTC", example: "2026-11-23T12:00:00.000Z" } : {});

export const LeadExport = z
  .object({
    exportedAt: Time,
    lead: z.object({
      id: z.string(), email: z.string(), traits: z.record(z.string(), z.unknown()),
      claimedTraits: z.record(z.string(), z.unknown()).openapi(LF_OPENAPI_DOCS ? { description: "What its browsers stated in forms (`forms.fields`)" } : {}),
      createdAt: Time, updatedAt: Time,
    }),
    visitors: z.array(z.object({ id: z.string(), createdAt: Time })).openapi(LF_OPENAPI_DOCS ? { description: "The lead's browsers, by id" } : {}),
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
      .openapi(LF_OPENAPI_DOCS ? { description: "Oldest first" } : {}),
    aggregates: z
      .array(z.object({ key: z.string(), total: z.number().int(), recent: z.array(Time) }))
      .openapi(LF_OPENAPI_DOCS ? { description: "Per `type:category`: the lifetime count and the newest timestamps" } : {}),
    merges: z
      .array(z.object({ fromId: z.string(), mergedAt: Time }))
      .openapi(LF_OPENAPI_DOCS ? { description: "Known leads merged into this one (their email links resolve here)" } : {}),
    claims: z
      .array(z.object({ email: z.string(), claimedAt: Time, byOwnBrowser: z.boolean() }))
      .openapi(LF_OPENAPI_DOCS ? { description: "Unverified identifies: of this email by any browser (whose id is not shown), and by this lead's browsers" } : {}),
    dailyPoints: z
      .array(z.object({ visitorId: z.string(), day: z.string(), points: z.number() }))
      .openapi(LF_OPENAPI_DOCS ? { description: "Points this lead's browsers earned from public events per UTC day (for the daily cap)" } : {}),
    routingDeliveries: z
      .array(
        z.object({
          destination: z.string(), from: z.string().nullable(), to: z.string(), cause: z.string(), at: Time,
          status: z.string(), attempts: z.number().int(), owner: z.string().nullable(), createdAt: Time,
        }),
      )
      .openapi(LF_OPENAPI_DOCS ? { description: "Routing: each delivery of its changes of segment to a destination (README \"Routing\")" } : {}),
    holdouts: z
      .array(z.object({ segment: z.string(), arm: z.enum(["control", "treatment"]), share: z.number(), assignedAt: Time }))
      .openapi(LF_OPENAPI_DOCS ? { description: "Holdouts: its arm in each segment it entered that had one; control saw no personalization there (README \"Holdouts\")" } : {}),
    accountContact: z
      .object({ domain: z.string(), score: z.number(), scoredAt: Time, engagedAt: Time.nullable(), role: z.string().nullable(), seniority: z.string().nullable() })
      .nullable()
      .openapi(LF_OPENAPI_DOCS ? { description: "Its row among its account's contacts (engagement as of its last review), from which the account's rollup is made" } : {}),
    next: z.string().nullable().openapi(LF_OPENAPI_DOCS ? { description: "More events or visitors: pass as `after` for the next page; null on the last" } : {}),
  })
  .openapi("LeadExport");

export const ExportQuery = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, "a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(EXPORT_PAGE_MAX))
    .optional()
    .openapi(LF_OPENAPI_DOCS ? { description: `Events and visitors per page, at most ${EXPORT_PAGE_MAX} (the default)`, type: "integer", minimum: 1, maximum: EXPORT_PAGE_MAX } : {}),
  after: z.string().optional().openapi(LF_OPENAPI_DOCS ? { description: "The `next` of the previous page" } : {}),
});

export const EXPORT_DESCRIPTION = LF_OPENAPI_DOCS
  ? `Everything stored about the lead, times in ISO 8601 UTC; past \`limit\` (at most ${EXPORT_PAGE_MAX}) events or visitors, ` +
    "in pages continued by `next`. Audited with an HMAC of the email."
  : "";

export const leadsExportRoute = createRoute({
  method: "get",
  path: "/v1/leads/{email}/export",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Everything stored about a lead, as one JSON document (GDPR article 15)" : "",
  description: EXPORT_DESCRIPTION,
  middleware: [requireKey("LF_API_KEY")] as const,
  request: { params: z.object({ email: Email }), query: ExportQuery },
  responses: { 200: json(LeadExport, LF_OPENAPI_DOCS ? "The lead's data" : ""), ...authErrors, ...notFound, ...validationError, ...linkSecretMissing },
});

export const leadsExportHandler: RouteHandler<typeof leadsExportRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  return c.json(await exportLead(privacyRequester(c, SERVER_ACTOR), email, c.req.valid("query")), 200);
};
