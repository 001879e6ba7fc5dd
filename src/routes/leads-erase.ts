import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { eraseLead } from "../app/privacy-requests";
import { requireKey } from "../middleware/auth";
import { privacyRequester, SERVER_ACTOR } from "./privacy-audit";
import { authErrors, Email, linkSecretMissing, notFound, validationError } from "./schemas";

export const ERASE_DESCRIPTION = LF_OPENAPI_DOCS
  ? "Deletes the lead and every row about it in one transaction: 204, then 404 (a retry too). Its email links then go to the " +
    "default CTA and record nothing. Audited with an HMAC of the email, never the email."
  : "";

export const leadsEraseRoute = createRoute({
  method: "delete",
  path: "/v1/leads/{email}",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Erase a lead and everything stored about it (GDPR article 17)" : "",
  description: ERASE_DESCRIPTION,
  middleware: [requireKey("LF_API_KEY")] as const,
  request: { params: z.object({ email: Email }) },
  responses: { 204: { description: LF_OPENAPI_DOCS ? "Erased" : "" }, ...authErrors, ...notFound, ...validationError, ...linkSecretMissing },
});

export const leadsEraseHandler: RouteHandler<typeof leadsEraseRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  await eraseLead(privacyRequester(c, SERVER_ACTOR), email);
  return c.body(null, 204);
};
