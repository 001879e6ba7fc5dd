import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { LedgerStore } from "../db/ledger-store";
import { leadOfEmail } from "../db/store";
import type { CompiledConfig } from "../domain/compile";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { authErrors, Email, json, notFound, validationError } from "./schemas";
import { TimestampQuery } from "./timestamp";

const iso = (ms: number) => new Date(ms).toISOString();
const Step = z.object({
  from: z.string().nullable(),
  to: z.string(),
  at: z.string(),
  cause: z.string(),
  configVersion: z.number().int(),
});
export const SegmentHistory = z.object({
  current: z.object({ id: z.string(), name: z.string().nullable(), since: z.string(), configVersion: z.number().int() }).nullable(),
  reviewAt: z.string().nullable(),
  history: z.array(Step),
});

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Changes strictly before this instant (the `at` of the last one a page showed). */
  before: TimestampQuery.optional(),
});

export const leadsSegmentsRoute = createRoute({
  method: "get",
  path: "/v1/leads/{email}/segments",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "The lead's recorded segment and its changes, newest first (README \"Segment ledger\")" : "",
  middleware: [requireKey("LF_API_KEY")] as const,
  request: {
    params: z.object({ email: Email }),
    query: HistoryQuery,
  },
  responses: { 200: json(SegmentHistory, LF_OPENAPI_DOCS ? "The recorded segment and its history" : ""), ...authErrors, ...notFound, ...validationError },
});

/** The lead's recorded segment and a page of its history (also the console's, admin-lead-get.ts); null for no such lead. */
export async function segmentHistoryOf(d1: D1Database, config: CompiledConfig, email: string, limit: number, before: number | null) {
  const found = await new LedgerStore(d1).history(leadOfEmail(email), limit, before);
  if (!found) return null;
  const { current, history } = found;
  const segment = current?.id ? config.doc.segments.find((s) => s.id === current.id) : undefined;
  return {
    current:
      current?.id && current.since !== null && current.configVersion !== null
        ? { id: current.id, name: segment?.name ?? null, since: iso(current.since), configVersion: current.configVersion }
        : null,
    reviewAt: current?.reviewAt == null ? null : iso(current.reviewAt),
    history: history.map((t) => ({ ...t, at: iso(t.at) })),
  };
}

export const leadsSegmentsHandler: RouteHandler<typeof leadsSegmentsRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const { limit, before } = c.req.valid("query");
  const found = await segmentHistoryOf(c.env.DB, c.var.config, email, limit, before ?? null);
  if (!found) throw new ApiError(404, "not_found", "No lead has this email.");
  return c.json(found, 200);
};
