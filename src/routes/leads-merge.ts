import { reviewAfterResponse } from "./segment-review";
import { leadOfEmail } from "../db/store";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { requireKey } from "../middleware/auth";
import { serverJsonBody } from "../middleware/body";
import { authErrors, Email, json, notFound, serverBodyErrors } from "./schemas";

const Body = z.strictObject({
  from: Email.openapi(LF_OPENAPI_DOCS ? { description: "The lead to merge away (its email is freed)", example: "ada.lovelace@old-company.example" } : {}),
});

export const leadsMergeRoute = createRoute({
  method: "post",
  path: "/v1/leads/{email}/merge",
  tags: ["server"],
  security: [{ serverKey: [] }],
  summary: LF_OPENAPI_DOCS ? "Merge another known lead into this one (a CRM merge)" : "",
  description: LF_OPENAPI_DOCS
    ? "For a server that knows two emails are one person. Activity is added up, events and visitors move, this lead's traits win " +
      "and the other's fill the gaps, and the other lead is deleted (email links minted for it now resolve to this one). " +
      "One D1 transaction: a retry or a concurrent reverse merge finds nothing left to merge (404) and nothing counts twice. " +
      "Browsers never merge two known leads: `identify` only moves a visitor."
    : "",
  middleware: [requireKey("LF_API_KEY"), serverJsonBody] as const,
  request: {
    params: z.object({ email: Email }),
    body: { content: { "application/json": { schema: Body } }, required: true },
  },
  responses: {
    200: json(z.object({ email: z.string(), merged: z.string() }), LF_OPENAPI_DOCS ? "Merged" : ""),
    ...authErrors,
    ...notFound,
    ...serverBodyErrors,
  },
});

export const leadsMergeHandler: RouteHandler<typeof leadsMergeRoute, AppEnv> = async (c) => {
  const { email } = c.req.valid("param");
  const { from } = c.req.valid("json");
  if (from === email) {
    throw new ApiError(422, "validation_failed", "The body is not valid.", [{ path: "from", message: "is the lead itself" }]);
  }
  const found = await c.var.store.mergeKnownLeads(email, from, c.var.now);
  if (!found.into) throw new ApiError(404, "not_found", "No lead has this email.");
  if (!found.from) throw new ApiError(404, "not_found", "No lead has the `from` email (already merged?).", [{ path: "from", message: "no lead has this email" }]);
  reviewAfterResponse(c, leadOfEmail(email));
  return c.json({ email, merged: from }, 200);
};
