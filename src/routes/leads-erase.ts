import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { eraseLead } from "../app/privacy-requests";
import { requireKey } from "../middleware/auth";
import { privacyRequester, SERVER_ACTOR } from "./privacy-audit";
import { authErrors, Email, linkSecretMissing, notFound, validationError } from "./schemas";

export const ERASE_DESCRIPTION =
  "Deletes the lead, its visitors, events and aggregates, and the merge records pointing to it, in one D1 transaction: " +
  "204 when it was erased, 404 when no lead has the email (so a retry answers 404). Email links minted for it, or for a " +
  "lead merged into it, then redirect to the default CTA and record nothing; a later event for the email starts a new lead. " +
  "Audited with an HMAC of the email (never the email) in the same transaction.";

export const leadsEraseRoute = createRoute({
  method: "delete",
  path: "/v1/leads/{email}",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: "Erase a lead and everything stored about it (GDPR article 17)",
  description: ERASE_DESCRIPTION,
  middleware: [requireKey("LF_API_KEY")] as const,
  request: { params: z.object({ email: Email }) },
  responses: { 204: { description: "Erased" }, ...authErrors, ...notFound, ...validationError, ...linkSecretMissing },
});

export const leadsEraseHandler: RouteHandler<typeof leadsEraseRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  await eraseLead(privacyRequester(c, SERVER_ACTOR), email);
  return c.body(null, 204);
};
