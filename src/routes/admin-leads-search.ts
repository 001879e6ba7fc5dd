import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { validationError } from "./schemas";

const PAGE_MAX = 50;
const Iso = z.string().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601", example: "2026-11-23T12:00:00.000Z" } : {});

const Query = z.object({
  query: z.string().trim().toLowerCase().min(1).max(254).openapi(LF_OPENAPI_DOCS ? { description: "The start of an email (case does not matter)", example: "ada@" } : {}),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).optional().openapi(LF_OPENAPI_DOCS ? { description: `At most ${PAGE_MAX} (the default 20)` } : {}),
  after: z.string().max(254).optional().openapi(LF_OPENAPI_DOCS ? { description: "The `next` of the previous page" } : {}),
});

export const adminLeadsSearchRoute = createRoute({
  method: "get",
  path: "/v1/admin/leads",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Known leads whose email starts with `query`, in email order (the console's lead search)" : "",
  middleware: [requireAdmin] as const,
  request: { query: Query },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z
            .object({ leads: z.array(z.object({ email: z.string(), createdAt: Iso, updatedAt: Iso })), next: z.string().nullable() })
            .openapi("LeadSearch"),
        },
      },
      description: LF_OPENAPI_DOCS ? "A page of matches; `next` (the last email) continues, null on the last page" : "",
    },
    ...adminErrors,
    ...validationError,
  },
});

export const adminLeadsSearchHandler: RouteHandler<typeof adminLeadsSearchRoute, AppEnv> = async (c) => {
  const { query, limit = 20, after } = c.req.valid("query");
  // One more than asked tells whether another page follows.
  const rows = await c.var.directory.searchByEmailPrefix(query, limit + 1, after);
  const page = rows.slice(0, limit);
  const iso = (at: number) => new Date(at).toISOString();
  c.header("Cache-Control", "no-store");
  return c.json(
    { leads: page.map((r) => ({ email: r.email, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) })), next: rows.length > limit ? page.at(-1)!.email : null },
    200,
  );
};
