import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { emailNotConfigured } from "./schemas";
import { emailHitTarget } from "./email-hit";

/** A transparent 1×1 GIF, for a configuration without any image slot. */
const PIXEL = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (ch) => ch.charCodeAt(0));

export const emailOpenRoute = createRoute({
  method: "get",
  path: "/i/{token}",
  tags: ["email"],
  summary: LF_OPENAPI_DOCS ? "Email image: records the open and redirects to the image of the lead's current segment" : "",
  description: LF_OPENAPI_DOCS
    ? "Records an `email_open` (once per token per hour). Mail-privacy proxies (Apple Mail Privacy Protection, Gmail and " +
      "Yahoo image proxies) are recorded under category `proxy` and scanners/bots under `scanner`, both worth 0 points by " +
      "default. A tampered, expired or unknown token serves the `default` image and records nothing."
    : "",
  request: { params: z.object({ token: z.string().openapi(LF_OPENAPI_DOCS ? { description: "Signed token from the email content API" } : {}) }) },
  responses: {
    302: { description: LF_OPENAPI_DOCS ? "To the image URL (absolute). `Cache-Control: no-store`" : "", headers: z.object({ Location: z.string() }) },
    ...emailNotConfigured,
    200: { description: LF_OPENAPI_DOCS ? "A transparent 1×1 GIF when the configuration has no image slot" : "", content: { "image/gif": { schema: z.string() } } },
  },
});

export const emailOpenHandler: RouteHandler<typeof emailOpenRoute, AppEnv> = async (c) => {
  const { url } = await emailHitTarget(c, "open", c.req.valid("param").token);
  c.header("Cache-Control", "no-store");
  if (url) return c.redirect(url, 302);
  return c.body(PIXEL, 200, { "content-type": "image/gif" });
};
