import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { DEFAULT_QUIET_MINUTES, routingSchema } from "../domain/routing-config";
import type { AppEnv } from "../env";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";

const Destination = z.object({
  name: z.string(),
  type: z.enum(["webhook", "slack", "hubspot", "salesforce"]),
  /** As configured (`env:NAME` or the URL), never a secret's value. */
  url: z.string(),
  secret: z.string().nullable(),
  live: z.boolean().openapi(LF_OPENAPI_DOCS ? { description: "Its Worker secrets are set (else it is inert)" } : {}),
  disabled: z.object({ at: z.string(), reason: z.string() }).nullable().openapi(LF_OPENAPI_DOCS ? { description: "It answered 410; a replay re-enables it" } : {}),
  last24h: z.object({
    finished: z.number(),
    delivered: z.number(),
    waiting: z.number(),
    successRate: z.number().nullable().openapi(LF_OPENAPI_DOCS ? { description: "delivered ÷ finished" } : {}),
  }),
});

export const adminRoutingRoute = createRoute({
  method: "get",
  path: "/v1/admin/routing",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Routing's rules and destinations: live or inert, disabled, deliveries in the last 24 h" : "",
  middleware: [requireAdmin] as const,
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({ quietMinutes: z.number(), rules: routingSchema.shape.rules, destinations: z.array(Destination) }).openapi("Routing"),
        },
      },
      description: LF_OPENAPI_DOCS ? "The active configuration's routing" : "",
    },
    ...adminErrors,
  },
});

export const adminRoutingHandler: RouteHandler<typeof adminRoutingRoute, AppEnv> = async (c) => {
  const routing = c.var.config.doc.routing;
  const { counts, disabled } = await c.var.deliveries.destinationHealth(c.var.now);
  const destinations = Object.entries(routing?.destinations ?? {}).map(([name, d]) => {
    const n = counts.find((r) => r.destination === name);
    const off = disabled.find((r) => r.destination === name);
    const [finished, delivered] = [n?.finished ?? 0, n?.delivered ?? 0];
    return {
      name,
      type: d.type,
      url: d.type === "hubspot" ? (d.baseUrl ?? "https://api.hubapi.com") : d.type === "salesforce" ? d.instanceUrl : d.url,
      secret: d.type === "webhook" ? d.secret : d.type === "hubspot" || d.type === "salesforce" ? d.token : null,
      live: c.var.routing.live.has(name),
      disabled: off ? { at: new Date(off.disabled_at).toISOString(), reason: off.reason } : null,
      last24h: { finished, delivered, waiting: n?.waiting ?? 0, successRate: finished ? delivered / finished : null },
    };
  });
  c.header("Cache-Control", "no-store");
  return c.json({ quietMinutes: routing?.quietMinutes ?? DEFAULT_QUIET_MINUTES, rules: routing?.rules ?? [], destinations }, 200);
};
