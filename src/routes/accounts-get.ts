import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { AccountDomain, AccountOut, accountOut } from "./account-schemas";
import { authErrors, json, notFound, validationError } from "./schemas";

export const accountsGetRoute = createRoute({
  method: "get",
  path: "/v1/accounts/{domain}",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "An account, its leads and its engaged contacts' rollup as of now" : "",
  middleware: [requireKey("LF_API_KEY")] as const,
  request: { params: z.object({ domain: AccountDomain }) },
  responses: { 200: json(AccountOut, LF_OPENAPI_DOCS ? "The account" : ""), ...authErrors, ...notFound, ...validationError },
});

export const accountsGetHandler: RouteHandler<typeof accountsGetRoute, AppEnv> = async (c) => {
  const { domain } = c.req.valid("param");
  const { accounts, config, now } = c.var;
  const account = await accounts.get(domain);
  if (!account) throw new ApiError(404, "not_found", "No account has this domain.");
  return c.json(accountOut(account, now, config.doc.scoring.engagement.halfLifeDays), 200);
};
