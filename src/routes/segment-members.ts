import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { SegmentDirectory, type MemberKey } from "../db/segment-directory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { authErrors, json, notFound, validationError } from "./schemas";

const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

/**
 * The cursor is the last member's (since, lead id), base64url: opaque to callers, and a
 * position, not an offset, so members joining or leaving between pages shift nothing.
 */
export function encodeCursor(key: MemberKey): string {
  return btoa(`${key.since}.${key.leadId}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): MemberKey | null {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
  const match = /^(-?\d{1,16})\.([\w-]{1,64})$/.exec(text);
  return match ? { since: Number(match[1]), leadId: match[2]! } : null;
}

const Cursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const key = decodeCursor(value);
    if (!key) ctx.addIssue({ code: "custom", message: "not a cursor this endpoint gave (`next` of the previous page)" });
    return key ?? z.NEVER;
  });

const Members = z
  .object({
    segment: z.object({ id: z.string(), name: z.string().nullable() }),
    leads: z.array(z.object({ email: z.string(), since: z.string().openapi(LF_OPENAPI_DOCS ? { description: "When the lead entered the segment (ISO 8601)" } : {}) })),
    next: z.string().nullable().openapi(LF_OPENAPI_DOCS ? { description: "The `cursor` for the next page; null on the last page" } : {}),
  })
  .openapi("SegmentMembers");

export const segmentMembersRoute = createRoute({
  method: "get",
  path: "/v1/segments/{id}/leads",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "A segment's current members (email, since), page by page, for a CRM or ESP to sync a list" : "",
  description: LF_OPENAPI_DOCS
    ? "Members the ledger records in the segment now, ordered by when they entered (then by an internal id), so paging with " +
      "`cursor` neither repeats nor skips a lead that stays in the segment. Anonymous leads (no email yet) are members but " +
      "are not listed: a list sync needs an address. A segment the active configuration no longer has is listed while the " +
      "ledger still holds members of it; an id neither has is a 404."
    : "",
  middleware: [requireKey("LF_API_KEY")] as const,
  request: {
    params: z.object({ id: z.string().min(1).max(64).openapi(LF_OPENAPI_DOCS ? { example: "enterprise-hot" } : {}) }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT).openapi(LF_OPENAPI_DOCS ? { description: `At most ${PAGE_MAX} (default ${PAGE_DEFAULT})` } : {}),
      cursor: Cursor.optional().openapi(LF_OPENAPI_DOCS ? { type: "string", description: "The `next` of the previous page" } : {}),
    }),
  },
  responses: { 200: json(Members, LF_OPENAPI_DOCS ? "A page of members" : ""), ...authErrors, ...notFound, ...validationError },
});

export const segmentMembersHandler: RouteHandler<typeof segmentMembersRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const directory = new SegmentDirectory(c.env.DB);
  const configured = c.var.config.candidates.find((s) => s.def.id === id);
  if (!configured && !(await directory.hasMembers(id))) throw new ApiError(404, "not_found", "No segment has this id.");
  // One more than asked tells whether another page follows.
  const rows = await directory.members(id, limit + 1, cursor ?? null);
  const page = rows.slice(0, limit);
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      segment: { id, name: configured?.def.name ?? null },
      leads: page.map((m) => ({ email: m.email, since: new Date(m.since).toISOString() })),
      next: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
    },
    200,
  );
};
