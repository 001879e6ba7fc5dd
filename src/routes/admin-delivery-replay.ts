import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { enqueueDeliveries } from "../services";
import { adminErrors, adminSecurity, requireAdmin } from "./admin-common";
import { Delivery, toDeliveries } from "./admin-deliveries";
import { ErrorOut, validationError } from "./schemas";

export const adminDeliveryReplayRoute = createRoute({
  method: "post",
  path: "/v1/admin/deliveries/{id}/replay",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Sends a delivery again from its first attempt (same webhook-id), and re-enables its destination after a 410" : "",
  middleware: [requireAdmin] as const,
  request: { params: z.object({ id: z.string().regex(/^msg_[0-9a-f]{32}$/).openapi(LF_OPENAPI_DOCS ? { example: "msg_2b0c9f6e4d3a4b8f9e1d2c3b4a5f6e7d" } : {}) }) },
  responses: {
    202: { content: { "application/json": { schema: Delivery } }, description: LF_OPENAPI_DOCS ? "Pending again, on its way" : "" },
    404: { content: { "application/json": { schema: ErrorOut } }, description: LF_OPENAPI_DOCS ? "No such delivery" : "" },
    409: { content: { "application/json": { schema: ErrorOut } }, description: LF_OPENAPI_DOCS ? "A held flap: it is sent when its quiet period ends" : "" },
    ...adminErrors,
    ...validationError,
  },
});

export const adminDeliveryReplayHandler: RouteHandler<typeof adminDeliveryReplayRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await c.var.deliveries.replay(id, c.var.now);
  if (!row) throw new ApiError(404, "not_found", `No delivery ${id}.`);
  if (row.status === "held") throw new ApiError(409, "conflict", `Delivery ${id} is a held flap: it is sent (or dropped) when its quiet period ends.`);
  await enqueueDeliveries(c.env, [id]);
  const [delivery] = toDeliveries({ deliveries: [{ ...row, email: null }], attempts: [] });
  return c.json(delivery!, 202);
};
