import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { putAccount } from "../app/accounts";
import type { AppEnv } from "../env";
import { requireKey } from "../middleware/auth";
import { serverJsonBody } from "../middleware/body";
import { AccountDomain, AccountIn, AccountsWritten } from "./account-schemas";
import { accountServices } from "./accounts-services";
import { authErrors, json, serverBodyErrors } from "./schemas";

export const accountsPutRoute = createRoute({
  method: "put",
  path: "/v1/accounts/{domain}",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Upsert a target account (ABM): its leads are linked by email domain, company.domain or network" : "",
  middleware: [requireKey("LF_API_KEY"), serverJsonBody] as const,
  request: {
    params: z.object({ domain: AccountDomain }),
    body: { content: { "application/json": { schema: AccountIn } }, required: true },
  },
  responses: { 200: json(AccountsWritten, LF_OPENAPI_DOCS ? "Written; the account's leads are re-evaluated" : ""), ...authErrors, ...serverBodyErrors },
});

export const accountsPutHandler: RouteHandler<typeof accountsPutRoute, AppEnv> = async (c) => {
  const { domain } = c.req.valid("param");
  return c.json(await putAccount(await accountServices(c), domain, c.req.valid("json")), 200);
};
