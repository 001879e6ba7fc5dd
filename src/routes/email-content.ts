import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { buildEmailContent } from "../domain/email-content";
import { fragmentOrder, renderEmailHtml, renderEmailText } from "../domain/email-fragments";
import { CAMPAIGN_PATTERN } from "../domain/email-tokens";
import { evaluateLead } from "../domain/evaluate";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { serverJsonBody } from "../middleware/body";
import { linkOrigin, requireSiteOrigin } from "./email-origins";
import { Email, emailNotConfigured, keyErrors, notFound, serverBodyErrors, SlotIds, SlotOut, validationError } from "./schemas";

/**
 * Send-time content for ESPs (Braze Connected Content, Iterable data feeds, Customer.io):
 * the lead's segment now, its slots, and click-time links / open-tracking images. Records
 * nothing. POST takes the same fields as a JSON body, so the email need not sit in a URL.
 */

const Format = z.enum(["json", "html", "text"]).default("json").openapi(LF_OPENAPI_DOCS ? {
  description: "`json` (default): the object below. `html` / `text`: the slots as ready-to-paste fragments, in the order asked",
} : {});
const Unknown = z.enum(["default", "404"]).default("default").openapi(LF_OPENAPI_DOCS ? {
  description: "An email we do not know gets the `default` segment's content (200), or 404 with `404`",
} : {});
const Campaign = z
  .string()
  .regex(CAMPAIGN_PATTERN, "letters, digits, _ . : - (max 64), starting with a letter or digit")
  .optional()
  .openapi(LF_OPENAPI_DOCS ? { description: "Carried in the links and recorded with clicks and opens", example: "spring-launch" } : {});

const Query = z.object({ email: Email, slots: SlotIds, campaign: Campaign, format: Format, unknown: Unknown });
const Body = z.strictObject({
  email: Email,
  slots: z.array(z.string().max(63)).max(50).optional().openapi(LF_OPENAPI_DOCS ? { description: "Slot ids; all slots when absent" } : {}),
  campaign: Campaign,
  format: Format,
  unknown: Unknown,
});

const EmailContentOut = z
  .object({
    segment: z.object({ id: z.string(), name: z.string() }),
    slots: z.record(z.string(), SlotOut).openapi(LF_OPENAPI_DOCS ? { description: "Slot content; relative URLs made absolute against the site origin" } : {}),
    links: z.record(z.string(), z.string()).openapi(LF_OPENAPI_DOCS ? {
      description: "Per `cta` slot: `<origin>/r/<token>`, which resolves the lead's segment at click time. Use it as the href.",
    } : {}),
    images: z.record(z.string(), z.string()).openapi(LF_OPENAPI_DOCS ? {
      description: "Per `image` slot: `<origin>/i/<token>`, which records the open and serves the segment's image.",
    } : {}),
  })
  .openapi("EmailContent");

const ok = {
  description: LF_OPENAPI_DOCS ? "The lead's content now. `Cache-Control: private, max-age=300` (ESPs may cache it for 5 minutes)" : "",
  content: {
    "application/json": { schema: EmailContentOut },
    "text/html": { schema: z.string().openapi(LF_OPENAPI_DOCS ? { example: '<p data-lf-slot="hero">Start your free trial</p>' } : {}) },
    "text/plain": { schema: z.string() },
  },
};

const common = {
  tags: ["email"],
  security: [{ espKey: [] }, { espKeyBasic: [] }, { serverKey: [] }, { serverKeyBasic: [] }] as Record<string, string[]>[],
  description: LF_OPENAPI_DOCS
    ? "Auth: the ESP key `LF_ESP_KEY` (or the server key `LF_API_KEY`, which may do everything it may) as a Bearer token, " +
      "or as the HTTP Basic password (any user name). " +
      "An unknown email gets the `default` segment (200) unless `unknown=404`. Records nothing; the response never contains the email."
    : "",
};

export const emailContentGetRoute = createRoute({
  ...common,
  method: "get",
  path: "/v1/email/content",
  summary: LF_OPENAPI_DOCS ? "Send-time email content for a lead (ESP Connected Content / data feed)" : "",
  middleware: [requireKey("LF_ESP_KEY", { basic: true })] as const,
  request: { query: Query },
  responses: { 200: ok, ...keyErrors, ...notFound, ...validationError, ...emailNotConfigured },
});

export const emailContentPostRoute = createRoute({
  ...common,
  method: "post",
  path: "/v1/email/content",
  summary: LF_OPENAPI_DOCS ? "Send-time email content for a lead, with the email in a JSON body instead of the URL" : "",
  middleware: [requireKey("LF_ESP_KEY", { basic: true }), serverJsonBody] as const,
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: { 200: ok, ...keyErrors, ...notFound, ...serverBodyErrors, ...emailNotConfigured },
});

type Input = z.infer<typeof Query> | z.infer<typeof Body>;

export const emailContentGetHandler: RouteHandler<typeof emailContentGetRoute, AppEnv> = async (c) =>
  respond(c, c.req.valid("query"));

export const emailContentPostHandler: RouteHandler<typeof emailContentPostRoute, AppEnv> = async (c) =>
  respond(c, c.req.valid("json"));

async function respond(c: Context<AppEnv>, input: Input): Promise<Response> {
  const { config, store, now } = c.var;
  const secret = c.env.LF_LINK_SECRET;
  if (!secret) throw new ApiError(503, "not_configured", "LF_LINK_SECRET is not set: click-time links cannot be signed.");
  const origins = { linkOrigin: linkOrigin(c.env, c.req.url), siteOrigin: requireSiteOrigin(c.env) };
  // One round trip. An unknown email loads as a lead with no traits and no activity.
  const lead = await store.loadByEmail(input.email);
  if (!lead.leadId && input.unknown === "404") throw new ApiError(404, "not_found", "No lead has this email.");
  // No request context: the caller is the ESP's server, not the reader. A lead held out of
  // its segment gets the default content (an email needs some).
  const result = evaluateLead(config, lead, {}, now, { slots: input.slots, heldOut: "default" });
  const content = await buildEmailContent(result.segment, result.slots, {
    leadId: lead.leadId,
    campaign: input.campaign,
    now,
    secret,
    ...origins,
  });
  c.header("Cache-Control", "private, max-age=300");
  const order = fragmentOrder(content, input.slots);
  if (input.format === "html") return c.html(renderEmailHtml(content, order), 200);
  if (input.format === "text") return c.text(renderEmailText(content, order), 200);
  return c.json(content, 200);
}
