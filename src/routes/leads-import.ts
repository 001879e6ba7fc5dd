import { reviewAfterResponse } from "./segment-review";
import { leadOfEmail } from "../db/store";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { futureImports, prepareEvent } from "../domain/events";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { serverJsonBody } from "../middleware/body";
import { requireKey } from "../middleware/auth";
import { authErrors, Email, ImportedEvent, json, serverBodyErrors } from "./schemas";

const Body = z.strictObject({ events: z.array(ImportedEvent).min(1).max(500) });

export const leadsImportRoute = createRoute({
  method: "post",
  path: "/v1/leads/{email}/events",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Import historical events with explicit timestamps (CRM or analytics backfill)" : "",
  description: LF_OPENAPI_DOCS ? "Idempotent by event id. Timestamps must not be in the future." : "",
  middleware: [requireKey("LF_API_KEY"), serverJsonBody] as const,
  request: {
    params: z.object({ email: Email }),
    body: { content: { "application/json": { schema: Body } }, required: true },
  },
  responses: {
    202: json(z.object({ accepted: z.number().int(), duplicates: z.number().int() }), LF_OPENAPI_DOCS ? "Imported" : ""),
    ...authErrors,
    ...serverBodyErrors,
  },
});

export const leadsImportHandler: RouteHandler<typeof leadsImportRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const { events } = c.req.valid("json");
  const { config, store, now } = c.var;
  const future = futureImports(events, now);
  if (future.length > 0) {
    const details = future.map((i) => ({ path: `events[${i}].ts`, message: "in the future" }));
    throw new ApiError(422, "validation_failed", "The body is not valid.", details);
  }
  const prepared = events.map((e) => prepareEvent(config, e, Math.min(e.ts, now)));
  const { accepted } = await store.importEvents(email, crypto.randomUUID(), prepared, now);
  reviewAfterResponse(c, leadOfEmail(email));
  return c.json({ accepted, duplicates: prepared.length - accepted }, 202);
};
