import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { emailNotConfigured } from "./schemas";
import { emailHitTarget } from "./email-hit";

export const emailClickRoute = createRoute({
  method: "get",
  path: "/r/{token}",
  tags: ["email"],
  summary: LF_OPENAPI_DOCS ? "Email link: records the click and redirects to the lead's CTA as of now" : "",
  description: LF_OPENAPI_DOCS
    ? "Records an `email_click` (repeats within 10 min count once; scanners as category `scanner`) and redirects to the lead's " +
      "CTA as of now; a person's click adds a single-use `lf_verify`. A bad token: the `default` CTA, nothing recorded."
    : "",
  request: { params: z.object({ token: z.string().openapi(LF_OPENAPI_DOCS ? { description: "Signed token from the email content API" } : {}) }) },
  responses: {
    302: { description: LF_OPENAPI_DOCS ? "To the CTA URL (absolute). `Cache-Control: no-store`" : "", headers: z.object({ Location: z.string() }) },
    ...emailNotConfigured,
  },
});

export const emailClickHandler: RouteHandler<typeof emailClickRoute, AppEnv> = async (c) => {
  const { url, site } = await emailHitTarget(c, "click", c.req.valid("param").token);
  c.header("Cache-Control", "no-store");
  return c.redirect(url ?? `${site}/`, 302);
};
