import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { AccountOut, accountOut } from "./account-schemas";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { validationError } from "./schemas";

const PAGE_MAX = 200;

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).optional().openapi(LF_OPENAPI_DOCS ? { description: `At most ${PAGE_MAX} (the default 50)` } : {}),
  after: z.string().max(253).optional().openapi(LF_OPENAPI_DOCS ? { description: "The `next` of the previous page" } : {}),
});

export const adminAccountsRoute = createRoute({
  method: "get",
  path: "/v1/admin/accounts",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Target accounts in domain order, with their leads and engaged contacts (the console's Accounts page)" : "",
  middleware: [requireAdmin] as const,
  request: { query: Query },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ accounts: z.array(AccountOut), next: z.string().nullable() }).openapi("AccountPage") } },
      description: LF_OPENAPI_DOCS ? "A page; `next` (the last domain) continues, null on the last page" : "",
    },
    ...adminErrors,
    ...validationError,
  },
});

export const adminAccountsHandler: RouteHandler<typeof adminAccountsRoute, AppEnv> = async (c) => {
  const { limit = 50, after } = c.req.valid("query");
  const { accounts, config, now } = c.var;
  // One more than asked tells whether another page follows.
  const found = await accounts.list(after, limit + 1);
  const page = found.slice(0, limit);
  c.header("Cache-Control", "no-store");
  const halfLife = config.doc.scoring.engagement.halfLifeDays;
  return c.json({ accounts: page.map((a) => accountOut(a, now, halfLife)), next: found.length > limit ? page.at(-1)!.domain : null }, 200);
};
