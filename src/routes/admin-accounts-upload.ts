import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { uploadAccounts } from "../app/accounts";
import type { AppEnv } from "../env";
import { serverJsonBody } from "../middleware/body";
import { AccountsWritten } from "./account-schemas";
import { accountServices } from "./accounts-services";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { serverBodyErrors } from "./schemas";

const Body = z
  .union([
    z.strictObject({ csv: z.string().min(1).max(1_000_000) }),
    z.strictObject({ accounts: z.array(z.unknown()).min(1).max(1000) }),
  ])
  .openapi("AccountsUpload", LF_OPENAPI_DOCS ? { description: "A CSV text with a header row (as POST /v1/accounts:batch takes it), or the accounts as JSON" } : {});

export const adminAccountsUploadRoute = createRoute({
  method: "post",
  path: "/v1/admin/accounts:batch",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Upload target accounts from the console: the same upload as POST /v1/accounts:batch, all or nothing" : "",
  middleware: [requireAdmin, serverJsonBody] as const,
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: { 200: { content: { "application/json": { schema: AccountsWritten } }, description: LF_OPENAPI_DOCS ? "Written" : "" }, ...adminErrors, ...serverBodyErrors },
});

export const adminAccountsUploadHandler: RouteHandler<typeof adminAccountsUploadRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const input = "csv" in body ? { csv: body.csv } : { records: body.accounts };
  return c.json(await uploadAccounts(await accountServices(c), input), 200);
};
