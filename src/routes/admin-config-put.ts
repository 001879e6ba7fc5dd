import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { activateDocument, conflict } from "../config/versions";
import type { AppEnv } from "../env";
import { continueReevaluation } from "../queue";
import { ifMatchVersion, requireIfMatch, versionTag } from "../middleware/if-match";
import {
  adminJsonBody, adminSecurity, AuthorHeader, auditOf, IfMatchHeader, ConfigDocumentIn, Message, newVersionResponses, preconditionRequired,
  requireAdmin, versionOut,
} from "./admin-common";

const Body = z.strictObject({ document: ConfigDocumentIn, message: Message });

export const adminConfigPutRoute = createRoute({
  method: "put",
  path: "/v1/admin/config",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "Validate a configuration document and activate it as a new version" : "",
  description: LF_OPENAPI_DOCS
    ? "Requires `If-Match` with the version the change is based on. The document is checked completely " +
      "(fields, references, parent cycles, operators, fact paths, signals, the catch-all, duplicate ids); " +
      "every problem is listed with its JSON path and nothing changes. Every isolate serves the new version " +
      "within 10 seconds (`If-Match` also accepts the weak form `W/\"7\"`)."
    : "",
  middleware: [requireAdmin, requireIfMatch, adminJsonBody] as const,
  request: {
    headers: AuthorHeader.extend(IfMatchHeader(true).shape),
    body: { content: { "application/json": { schema: Body } }, required: true },
  },
  responses: { ...newVersionResponses, ...preconditionRequired },
});

export const adminConfigPutHandler: RouteHandler<typeof adminConfigPutRoute, AppEnv> = async (c) => {
  const expected = ifMatchVersion(c.req.header("if-match"))!;
  const { document, message } = c.req.valid("json");
  const { found, active } = await c.var.configs.version(expected);
  if (!found || found.version !== active?.version) throw conflict(expected, active?.version ?? null);
  const info = await activateDocument(
    c.var.configs,
    { expected: found, document, ...auditOf(c.var.admin, c.req.valid("header")), message: message ?? null, action: "activate", rolledBackFrom: null },
    c.var.now,
  );
  // Every lead is re-evaluated against it in the background (the job is in the activation's batch).
  c.executionCtx.waitUntil(continueReevaluation(c.env));
  c.header("ETag", versionTag(info.version));
  return c.json(versionOut(info, info.version), 200);
};
