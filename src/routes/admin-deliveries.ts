import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { Email, validationError } from "./schemas";

const PAGE_MAX = 100;
const Iso = z.string().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601", example: "2026-11-23T12:00:00.000Z" } : {});
export const DELIVERY_STATUSES = ["pending", "held", "delivered", "dead", "disabled", "dropped", "cancelled"] as const;

const Query = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  destination: z.string().max(63).optional().openapi(LF_OPENAPI_DOCS ? { description: "A destination's name in routing.destinations" } : {}),
  lead: Email.optional().openapi(LF_OPENAPI_DOCS ? { description: "Only this lead's deliveries (its email)" } : {}),
  before: z.iso.datetime({ offset: true }).optional().openapi(LF_OPENAPI_DOCS ? { description: "The `next` of the previous page" } : {}),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).optional().openapi(LF_OPENAPI_DOCS ? { description: `At most ${PAGE_MAX} (the default 50)` } : {}),
});

const Attempt = z.object({ attempt: z.number(), at: Iso, status: z.number().nullable(), latencyMs: z.number(), error: z.string().nullable() });
export const Delivery = z
  .object({
    id: z.string().openapi(LF_OPENAPI_DOCS ? { description: "The webhook-id, the same for every attempt" } : {}),
    destination: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    lead: z.object({ id: z.string(), email: z.string().nullable() }),
    from: z.string().nullable(),
    to: z.string(),
    cause: z.string(),
    at: Iso,
    owner: z.string().nullable(),
    createdAt: Iso,
    nextAttemptAt: Iso.nullable(),
    attempts: z.array(Attempt),
  })
  .openapi("Delivery");

export const adminDeliveriesRoute = createRoute({
  method: "get",
  path: "/v1/admin/deliveries",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Routing's log: deliveries newest first, each with every attempt (status code, latency, error)" : "",
  middleware: [requireAdmin] as const,
  request: { query: Query },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ deliveries: z.array(Delivery), next: z.string().nullable() }).openapi("Deliveries") } },
      description: LF_OPENAPI_DOCS ? "A page; `next` continues (as `before`), null on the last page" : "",
    },
    ...adminErrors,
    ...validationError,
  },
});

type Row = Awaited<ReturnType<AppEnv["Variables"]["deliveries"]["list"]>>;

/** The API's shape of the store's rows. */
export function toDeliveries({ deliveries, attempts }: Row) {
  const iso = (at: number) => new Date(at).toISOString();
  return deliveries.map((d) => ({
    id: d.id,
    destination: d.destination,
    status: d.status as (typeof DELIVERY_STATUSES)[number],
    lead: { id: d.lead_id, email: d.email },
    from: d.from_segment,
    to: d.to_segment,
    cause: d.cause,
    at: iso(d.at),
    owner: d.owner,
    createdAt: iso(d.created_at),
    nextAttemptAt: d.status === "pending" || d.status === "held" ? iso(d.next_at) : null,
    attempts: attempts
      .filter((a) => a.delivery_id === d.id)
      .map((a) => ({ attempt: a.attempt, at: iso(a.at), status: a.status, latencyMs: a.latency_ms, error: a.error })),
  }));
}

export const adminDeliveriesHandler: RouteHandler<typeof adminDeliveriesRoute, AppEnv> = async (c) => {
  const { status, destination, lead, before, limit = 50 } = c.req.valid("query");
  const page = await c.var.deliveries.list({ status, destination, email: lead, before: before ? Date.parse(before) : undefined, limit });
  const deliveries = toDeliveries(page);
  c.header("Cache-Control", "no-store");
  return c.json({ deliveries, next: deliveries.length === limit ? deliveries.at(-1)!.createdAt : null }, 200);
};
