import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { activateDocument, conflict, storedDocument } from "../config/versions";
import type { AppEnv } from "../env";
import { continueReevaluation } from "../queue";
import { ApiError } from "../errors";
import { ifMatchVersion, versionTag } from "../middleware/if-match";
import { adminJsonBody, adminSecurity, AuthorHeader, auditOf, IfMatchHeader, Message, newVersionResponses, requireAdmin, versionOut } from "./admin-common";
import { notFound } from "./schemas";

const Body = z.strictObject({
  version: z.number().int().min(1).openapi(LF_OPENAPI_DOCS ? { description: "The version whose document becomes active again" } : {}),
  message: Message,
});

export const adminConfigRollbackRoute = createRoute({
  method: "post",
  path: "/v1/admin/config/rollback",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Activate a copy of an old version as a new version" : "",
  description: LF_OPENAPI_DOCS
    ? "History is never rewritten: the old document is copied into a new version (action `rollback`, " +
      "`rolledBackFrom` = the old one). `If-Match` is optional here; when sent, it must name the active version."
    : "",
  middleware: [requireAdmin, adminJsonBody] as const,
  request: {
    headers: AuthorHeader.extend(IfMatchHeader(false).shape),
    body: { content: { "application/json": { schema: Body } }, required: true },
  },
  responses: { ...newVersionResponses, ...notFound },
});

export const adminConfigRollbackHandler: RouteHandler<typeof adminConfigRollbackRoute, AppEnv> = async (c) => {
  const { version, message } = c.req.valid("json");
  const { found, active } = await c.var.configs.version(version);
  if (!found) throw new ApiError(404, "not_found", `There is no version ${version} to roll back to.`);
  const expected = ifMatchVersion(c.req.header("if-match")) ?? active!.version;
  if (expected !== active!.version) throw conflict(expected, active!.version);
  const info = await activateDocument(
    c.var.configs,
    {
      expected: active!,
      document: storedDocument(found),
      ...auditOf(c.var.admin, c.req.valid("header")),
      message: message ?? `Rollback to version ${version}`,
      action: "rollback",
      rolledBackFrom: version,
    },
    c.var.now,
  );
  // Every lead is re-evaluated against it in the background (the job is in the activation's batch).
  c.executionCtx.waitUntil(continueReevaluation(c.env));
  c.header("ETag", versionTag(info.version));
  return c.json(versionOut(info, info.version), 200);
};
