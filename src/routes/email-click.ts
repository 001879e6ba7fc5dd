import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { emailNotConfigured } from "./schemas";
import { emailHitTarget } from "./email-hit";

export const emailClickRoute = createRoute({
  method: "get",
  path: "/r/{token}",
  tags: ["email"],
  summary: "Email link: records the click and redirects to the lead's CTA as of now",
  description:
    "Records an `email_click` (a repeat on the same link within 10 minutes counts once; link scanners are recorded under " +
    "category `scanner`, worth 0 points by default), resolves the lead's segment at click time and redirects to that " +
    "segment's CTA for the link's slot. A tampered, expired or unknown token redirects to the `default` CTA and records nothing.",
  request: { params: z.object({ token: z.string().openapi({ description: "Signed token from the email content API" }) }) },
  responses: {
    302: { description: "To the CTA URL (absolute). `Cache-Control: no-store`", headers: z.object({ Location: z.string() }) },
    ...emailNotConfigured,
  },
});

export const emailClickHandler: RouteHandler<typeof emailClickRoute, AppEnv> = async (c) => {
  const { url, site } = await emailHitTarget(c, "click", c.req.valid("param").token);
  c.header("Cache-Control", "no-store");
  return c.redirect(url ?? `${site}/`, 302);
};
