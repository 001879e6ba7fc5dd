import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { AccountDomain } from "./account-schemas";
import { authErrors, notFound, validationError } from "./schemas";

export const accountsDeleteRoute = createRoute({
  method: "delete",
  path: "/v1/accounts/{domain}",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Delete an account (its leads stay, unlinked, and are re-evaluated)" : "",
  middleware: [requireKey("LF_API_KEY")] as const,
  request: { params: z.object({ domain: AccountDomain }) },
  responses: { 204: { description: LF_OPENAPI_DOCS ? "Deleted" : "" }, ...authErrors, ...notFound, ...validationError },
});

export const accountsDeleteHandler: RouteHandler<typeof accountsDeleteRoute, AppEnv> = async (c) => {
  const { domain } = c.req.valid("param");
  if (!(await c.var.accounts.delete(domain, c.var.now))) throw new ApiError(404, "not_found", "No account has this domain.");
  return c.body(null, 204);
};
