import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { uploadAccounts } from "../app/accounts";
import type { AppEnv } from "../env";
import { requireKey } from "../middleware/auth";
import { serverJsonOrCsvBody } from "../middleware/body";
import { AccountsBatchIn, AccountsWritten } from "./account-schemas";
import { accountServices } from "./accounts-services";
import { authErrors, json, serverBodyErrors } from "./schemas";

export const accountsBatchRoute = createRoute({
  method: "post",
  path: "/v1/accounts:batch",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Upload a target-account list: JSON (up to 1,000) or CSV with a header row; all or nothing" : "",
  description: LF_OPENAPI_DOCS
    ? "CSV columns: domain (required), name, employees, industry, revenue, country, tier, owner, technologies, asOrganizations; " +
      "list cells separated by `;`. A bad row (422: `rows[i].field`, and the CSV line) or a free-mail domain refuses the whole upload."
    : "",
  middleware: [requireKey("LF_API_KEY"), serverJsonOrCsvBody] as const,
  request: {
    body: {
      content: {
        "application/json": { schema: AccountsBatchIn },
        "text/csv": { schema: z.string().openapi(LF_OPENAPI_DOCS ? { example: "domain,name,employees,industry,tier\nacme-health.com,Acme Health,5000,healthcare,1" } : {}) },
      },
      // Not `required`: with it, @hono/zod-openapi validates a CSV request's (absent) JSON too.
      // The middleware refuses a body that is neither (415) and an empty CSV has no rows (422).
      required: false,
    },
  },
  responses: { 200: json(AccountsWritten, LF_OPENAPI_DOCS ? "Written; the accounts' leads are re-evaluated" : ""), ...authErrors, ...serverBodyErrors },
});

export const accountsBatchHandler: RouteHandler<typeof accountsBatchRoute, AppEnv> = async (c) => {
  const services = await accountServices(c);
  const csv = c.var.csvBody;
  // A CSV body was read by the middleware; a JSON one was validated as AccountsBatchIn.
  const json = c.req.valid("json") as z.infer<typeof AccountsBatchIn>;
  const result = await uploadAccounts(services, csv !== undefined ? { csv } : { records: json.accounts });
  return c.json(result, 200);
};
