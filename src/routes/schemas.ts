import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../domain/config";
import { traitsSchema } from "../domain/traits";
import { BATCH_BODY_BYTES, PUBLIC_BODY_BYTES, SERVER_BODY_BYTES, sizeLabel } from "../middleware/body";
import { NOT_RECORDED_REASONS } from "../middleware/privacy";
import { Timestamp } from "./timestamp";

/** Shared request/response schemas; the OpenAPI document is generated from these. */

/** Ids are lower-cased first, so `ABC…` and `abc…` are one visitor and one event. */
export const VisitorId = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.uuidv4({ message: "visitorId must be a UUID v4" }))
  .openapi(LF_OPENAPI_DOCS ? { example: "3b241101-e2bb-4255-8caf-4136c566a962" } : {});
export const EventId = z.string().trim().toLowerCase().pipe(z.uuid({ message: "event ids must be UUIDs" }));
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "not a valid email address" }))
  .openapi(LF_OPENAPI_DOCS ? { example: "ada@example.com" } : {});

/** Events a browser may send; `email_*` events only come from our own email links. */
export const PUBLIC_EVENT_TYPES = ["page_view", "cta_click", "form_submit", "conversion"] as const;

const Props = z
  .record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()]))
  .refine((p) => Object.keys(p).length <= 20, "at most 20 props")
  .optional();
const PageUrl = z.string().min(1).max(2048);

export const PublicEvent = z.strictObject({
  id: EventId,
  type: z.enum(PUBLIC_EVENT_TYPES),
  url: PageUrl,
  ts: Timestamp.optional().openapi(LF_OPENAPI_DOCS ? { description: "When it happened: ISO 8601 with an offset or Z, or epoch milliseconds (not seconds); a hint, clamped by the server" } : {}),
  props: Props,
  fields: z
    .record(z.string().max(64), z.string().max(256))
    .refine((f) => Object.keys(f).length <= 20, "at most 20 fields")
    .optional()
    .openapi(LF_OPENAPI_DOCS ? {
      description: "`form_submit` only: the values of the form fields `forms.fields` maps to traits (claimed traits; the script sends them). Not stored as such",
      example: { company_size: "200-999" },
    } : {}),
});

export const ImportedEvent = z.strictObject({
  id: EventId,
  type: z.enum(EVENT_TYPES),
  url: PageUrl.optional(),
  category: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/).optional().openapi(LF_OPENAPI_DOCS ? { description: "Overrides the category from the URL" } : {}),
  ts: Timestamp.refine((ms) => ms >= Date.UTC(2000, 0, 1), "not before 2000-01-01").openapi(LF_OPENAPI_DOCS ? {
    description: "When it happened: ISO 8601 with an offset or Z, or epoch milliseconds (not seconds); not before 2000, not in the future",
  } : {}),
  props: Props,
});

export const SlotIds = z
  .string()
  .max(500)
  .regex(/^[a-z0-9_,-]*$/)
  .transform((s) => s.split(",").filter(Boolean))
  .optional()
  .openapi(LF_OPENAPI_DOCS ? { description: "Comma-separated slot ids; all slots when absent", example: "hero,primary-cta" } : {});

export const SegmentOut = z
  .object({ id: z.string(), name: z.string(), path: z.array(z.string()) })
  .openapi("Segment");

export const SlotOut = z
  .union([
    z.object({ kind: z.literal("text"), text: z.string(), variant: z.string(), layer: z.string().optional() }),
    z.object({ kind: z.literal("cta"), label: z.string(), url: z.string(), variant: z.string(), layer: z.string().optional() }),
    z.object({
      kind: z.literal("offer"),
      title: z.string(),
      body: z.string(),
      code: z.string().optional(),
      expiresAt: z.string().optional(),
      variant: z.string(),
      layer: z.string().optional(),
    }),
    z.object({ kind: z.literal("html"), html: z.string(), variant: z.string(), layer: z.string().optional() }),
    z.object({ kind: z.literal("image"), src: z.string(), alt: z.string(), variant: z.string(), layer: z.string().optional() }),
  ])
  .openapi("SlotContent");

/** `recorded`, and `reason` when nothing was recorded: in every answer of the public endpoints. */
export const RecordingOutcome = {
  recorded: z.boolean().openapi(LF_OPENAPI_DOCS ? { description: "Whether this request was recorded (a duplicate event counts as recorded, once)" } : {}),
  reason: z.enum(NOT_RECORDED_REASONS).optional().openapi(LF_OPENAPI_DOCS ? {
    description:
      "Only when nothing was recorded, why: `bot` (a bot or HTTP library; the visitor's stored state still chose the content), " +
      "`gpc` (Global Privacy Control), `consent` (`consent: false`), `preview` (a preview token), `read_only` (GET never records), " +
      "`daily_cap` (the visitor's public events earned `scoring.engagement.publicDailyCap` points today: more are not stored)",
  } : {}),
};

/** What a site's server may forward about its visitor; with the server key only. */
export const VisitorContext = z
  .strictObject({
    userAgent: z.string().max(1024).optional().openapi(LF_OPENAPI_DOCS ? {
      description: "The visitor's User-Agent; bot detection uses it. A server call without it counts as a bot (not recorded)",
    } : {}),
    ip: z.union([z.ipv4(), z.ipv6()]).optional().openapi(LF_OPENAPI_DOCS ? {
      description: "The visitor's IP address: checked, never stored, and nothing is derived from it (no IP geolocation at run time: forward `country`)",
    } : {}),
    country: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]$/, "an ISO 3166-1 alpha-2 country code")
      .toUpperCase()
      .optional()
      .openapi(LF_OPENAPI_DOCS ? { description: "The visitor's country (e.g. your CDN's CF-IPCountry header), for `context.country`", example: "DE" } : {}),
    language: z.string().max(256).optional().openapi(LF_OPENAPI_DOCS ? {
      description: "The visitor's Accept-Language header, for `context.language`",
      example: "de-DE,de;q=0.9",
    } : {}),
    asOrganization: z.string().max(200).optional().openapi(LF_OPENAPI_DOCS ? {
      description: "The visitor's network's organization (Cloudflare's `request.cf.asOrganization`): an anonymous visitor on an account's network is that account's",
      example: "Acme Health Systems",
    } : {}),
  })
  .openapi("VisitorContext", LF_OPENAPI_DOCS ? {
    description:
      "Server calls only (`Authorization: Bearer <LF_API_KEY>`; a public call carrying it gets 401). Replaces what the request itself says: " +
      "a server's own User-Agent, location and Accept-Language are not its visitor's, so nothing of them is used",
  } : {});

/** The privacy fields of every public recording endpoint's body. */
export const PrivacyFields = {
  gpc: z.boolean().optional().openapi(LF_OPENAPI_DOCS ? { description: "The visitor signals Global Privacy Control: as `Sec-GPC: 1`, record nothing and answer from the request alone" } : {}),
  consent: z.boolean().optional().openapi(LF_OPENAPI_DOCS ? { description: "`false`: the visitor has not consented; record nothing and answer from the request alone" } : {}),
  context: VisitorContext.optional(),
};

export const PersonalizeOut = z
  .object({
    segment: SegmentOut,
    slots: z.record(z.string(), SlotOut),
    ...RecordingOutcome,
    preview: z.boolean().openapi(LF_OPENAPI_DOCS ? { description: "True when a valid preview token chose the segment (nothing was recorded)" } : {}),
    holdout: z.boolean().openapi(LF_OPENAPI_DOCS ? {
      description:
        "True when the lead is in its segment's holdout (control): `slots` is empty, so the page keeps its own markup; a server-side caller must not personalize either (README \"Holdouts\"). The script never shows it to the page.",
    } : {}),
    fields: z.array(z.string()).optional().openapi(LF_OPENAPI_DOCS ? {
      description: "The form field names whose values a form submit sends as claimed traits (`forms.fields`); absent when none",
    } : {}),
  })
  .openapi("Personalization");

export const ErrorOut = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

export { traitsSchema as TraitsIn };

export const errorResponse = (description: string) => ({ content: { "application/json": { schema: ErrorOut } }, description });

/** The error responses every JSON-body route can produce, with its body limit. */
const bodyErrorsUpTo = (maxBytes: number) => ({
  400: errorResponse(LF_OPENAPI_DOCS ? "Malformed JSON" : ""),
  413: errorResponse(LF_OPENAPI_DOCS ? `Body larger than ${sizeLabel(maxBytes)}` : ""),
  415: errorResponse(LF_OPENAPI_DOCS ? "Unsupported content type" : ""),
  422: errorResponse(LF_OPENAPI_DOCS ? "Schema validation failed; details list every failing path" : ""),
});
/** Public routes (bodies from browsers). */
export const bodyErrors = bodyErrorsUpTo(PUBLIC_BODY_BYTES);
/** Server and admin routes (bodies from key holders, `serverJsonBody`). */
export const serverBodyErrors = bodyErrorsUpTo(SERVER_BODY_BYTES);
/** POST /v1/leads:batch (`batchJsonBody`). */
export const batchBodyErrors = bodyErrorsUpTo(BATCH_BODY_BYTES);
/** The email content routes: the ESP key is theirs. */
export const keyErrors = { 401: errorResponse(LF_OPENAPI_DOCS ? "Missing or wrong key" : "") };
export const authErrors = { ...keyErrors, 403: errorResponse(LF_OPENAPI_DOCS ? "`forbidden`: the ESP key (LF_ESP_KEY), which may only read email content" : "") };
/** Public endpoints take the server key optionally: a call with it is a server call. */
export const serverCallSecurity: Record<string, string[]>[] = [{}, { serverKey: [] }];
export const serverCallErrors = { 401: errorResponse(LF_OPENAPI_DOCS ? "A wrong server key, or `context` without one; nothing recorded" : "") };
/** Public endpoints: a browser request from a page whose origin LF_ALLOWED_ORIGINS does not list. */
export const originErrors = {
  403: errorResponse(LF_OPENAPI_DOCS ? "`origin_not_allowed`: the request's Origin is not in LF_ALLOWED_ORIGINS; `forbidden`: the ESP key was sent. Nothing recorded" : ""),
};
export const notFound = { 404: errorResponse(LF_OPENAPI_DOCS ? "Not found" : "") };
/** Preview links are signed with their own secret, so revoking them never touches email links. */
export const previewSecretMissing = { 503: errorResponse(LF_OPENAPI_DOCS ? "`not_configured`: LF_PREVIEW_SECRET is not set" : "") };
/** The privacy endpoints hash emails for their audit under LF_LINK_SECRET. */
export const linkSecretMissing = { 503: errorResponse(LF_OPENAPI_DOCS ? "`not_configured`: LF_LINK_SECRET is not set" : "") };
/** Email links need LF_LINK_SECRET and LF_SITE_ORIGIN; without them the operator, not the client, has a problem to fix. */
export const emailNotConfigured = { 503: errorResponse(LF_OPENAPI_DOCS ? "`not_configured`: LF_LINK_SECRET or LF_SITE_ORIGIN is not set" : "") };
export const validationError = { 422: bodyErrors[422] };
/** Every rate-limited route (README "Rate limits", src/middleware/rate-limit.ts). */
export const rateLimitErrors = {
  429: {
    ...errorResponse(LF_OPENAPI_DOCS ? "`rate_limited`: too many requests from this client IP, visitor or key; nothing recorded" : ""),
    headers: z.object({ "Retry-After": z.string().openapi(LF_OPENAPI_DOCS ? { description: "Seconds to wait before trying again (at most 60)", example: "60" } : {}) }),
  },
};

/**
 * A preview token (the `lf_preview` page-URL parameter); ignored unless genuine and
 * unexpired. No length limit here: whatever a page URL carries must not cost the visitor
 * their content (verification rejects anything longer than a token can be).
 */
export const PreviewToken = z
  .string()
  .optional()
  .openapi(LF_OPENAPI_DOCS ? { description: "The page URL's `lf_preview` parameter: serve that segment's content, record nothing. Ignored unless genuine and unexpired." } : {});

export const json = <T>(schema: T, description: string) => ({ content: { "application/json": { schema } }, description });
