import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { SegmentDirectory } from "../db/segment-directory";
import { DAY_MS } from "../domain/activity";
import type { CompiledConfig } from "../domain/compile";
import type { AppEnv } from "../env";
import { requireKey } from "../middleware/auth";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { authErrors, json } from "./schemas";

/** Entries and exits are counted over this window, ending now. */
export const SEGMENT_WINDOW_DAYS = 7;

const SegmentSizes = z
  .object({
    from: z.string().openapi(LF_OPENAPI_DOCS ? { description: "Start of the entries/exits window (ISO 8601): 7 days before `to`" } : {}),
    to: z.string().openapi(LF_OPENAPI_DOCS ? { description: "End of the window, exclusive: now" } : {}),
    configVersion: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "The active configuration version the list follows" } : {}),
    segments: z.array(
      z.object({
        id: z.string(),
        name: z.string().nullable().openapi(LF_OPENAPI_DOCS ? { description: "null for a segment the active configuration no longer has" } : {}),
        inConfiguration: z.boolean().openapi(LF_OPENAPI_DOCS ? { description: "false: recorded in the ledger, but not in the active configuration (listed after those that are)" } : {}),
        leads: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads whose recorded segment this is now" } : {}),
        entered: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Recorded changes into this segment in the window" } : {}),
        exited: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Recorded changes out of this segment in the window" } : {}),
      }),
    ),
  })
  .openapi("SegmentSizes");

const description = LF_OPENAPI_DOCS
  ? "Every segment of the active configuration, in its (first-match) order, with the leads the ledger records in it now and " +
    `the changes into and out of it with \`at\` in the last ${SEGMENT_WINDOW_DAYS} days. Segments the ledger still holds members ` +
    "or changes of, but the active configuration no longer has, follow with `inConfiguration: false` (their leads keep the " +
    "recorded segment until they are re-evaluated). Counts come from the ledger (README \"Segment ledger\"), not from evaluating leads."
  : "";

export const segmentsListRoute = createRoute({
  method: "get",
  path: "/v1/segments",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Segments with their current size and 7-day entries and exits" : "",
  description,
  middleware: [requireKey("LF_API_KEY")] as const,
  responses: { 200: json(SegmentSizes, LF_OPENAPI_DOCS ? "The segments" : ""), ...authErrors },
});

/** The console's twin (admin sign-in; the server key is not accepted there). */
export const adminSegmentsListRoute = createRoute({
  method: "get",
  path: "/v1/admin/segments",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "GET /v1/segments for the console" : "",
  description,
  middleware: [requireAdmin] as const,
  responses: { 200: json(SegmentSizes, LF_OPENAPI_DOCS ? "The segments" : ""), ...adminErrors },
});

/** The answer of both routes, from the ledger at `now` with the active configuration. */
async function segmentSizes(d1: D1Database, config: CompiledConfig, configVersion: number, now: number) {
  const from = now - SEGMENT_WINDOW_DAYS * DAY_MS;
  const counts = await new SegmentDirectory(d1).counts(from, now);
  const configured = config.candidates.map(({ def }) => ({ id: def.id, name: def.name as string | null, inConfiguration: true }));
  const known = new Set(configured.map((s) => s.id));
  const retired = [...counts.keys()].filter((id) => !known.has(id)).sort().map((id) => ({ id, name: null, inConfiguration: false }));
  return {
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    configVersion,
    segments: [...configured, ...retired].map((s) => {
      const n = counts.get(s.id);
      return { ...s, leads: n?.leads ?? 0, entered: n?.entered ?? 0, exited: n?.exited ?? 0 };
    }),
  };
}

export const segmentsListHandler: RouteHandler<typeof segmentsListRoute, AppEnv> = async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(await segmentSizes(c.env.DB, c.var.config, c.var.configVersion, c.var.now), 200);
};

export const adminSegmentsListHandler: RouteHandler<typeof adminSegmentsListRoute, AppEnv> = async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(await segmentSizes(c.env.DB, c.var.config, c.var.configVersion, c.var.now), 200);
};
