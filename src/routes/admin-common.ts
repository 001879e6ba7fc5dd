import { z } from "@hono/zod-openapi";
import type { VersionInfo } from "../db/config-store";
import { configSchema } from "../domain/config";
import { requireKey } from "../middleware/auth";
import { serverJsonBody } from "../middleware/body";
import { authErrors, ErrorOut, serverBodyErrors } from "./schemas";

/** What every admin route shares: the admin key, the audit label, version metadata. */

export const adminSecurity = [{ adminToken: [] }];
export const requireAdmin = requireKey("LF_ADMIN_TOKEN");
/** Admin bodies carry whole configuration documents: the server API's limit (1 MiB). */
export const adminJsonBody = serverJsonBody;

export const ConfigDocumentIn = configSchema.openapi("ConfigDocument", {
  description: "The whole configuration: page categories, signals, scoring, segments, content. JSON Schema: /v1/config.schema.json",
});

/** `X-Leadflare-Author`: who is making the change, recorded in the audit trail. */
export const AUTHOR_HEADER = "x-leadflare-author";
export const AuthorHeader = z.object({
  [AUTHOR_HEADER]: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .optional()
    .openapi({ description: "Who makes the change, for the audit trail (e.g. an email or a CI job name); `admin` when absent", example: "ada@example.com" }),
});
/** `If-Match: "7"`: the version an edit is based on (checked by requireIfMatch before the body). */
export const IfMatchHeader = (required: boolean) => {
  const header = z.string().openapi({
    description: required
      ? 'The ETag of the version this change is based on, e.g. "7": 428 without it, 409 if it is no longer active'
      : 'Optional: when sent, it must be the ETag of the active version (409 otherwise)',
    example: '"7"',
  });
  return z.object({ "if-match": required ? header : header.optional() });
};

export const authorOf = (headers: { [AUTHOR_HEADER]?: string | undefined }) => headers[AUTHOR_HEADER] ?? "admin";

export const Message = z.string().trim().min(1).max(500).optional().openapi({ description: "Why, for the audit trail" });

export const VersionOut = z
  .object({
    version: z.number().int(),
    active: z.boolean(),
    author: z.string(),
    message: z.string().nullable(),
    action: z.enum(["activate", "rollback"]),
    rolledBackFrom: z.number().int().nullable().openapi({ description: "For a rollback: the version it copies" }),
    changes: z.array(z.string()).openapi({ description: "What changed against the version before it", example: ["segments.enterprise-hot changed"] }),
    createdAt: z.string().openapi({ description: "ISO 8601", example: "2026-11-23T12:00:00.000Z" }),
  })
  .openapi("ConfigVersion");

export function versionOut(info: VersionInfo, activeVersion: number | null): z.infer<typeof VersionOut> {
  return {
    version: info.version,
    active: info.version === activeVersion,
    author: info.author,
    message: info.message,
    action: info.action,
    rolledBackFrom: info.rolledBackFrom,
    changes: info.changes,
    createdAt: new Date(info.createdAt).toISOString(),
  };
}

export const VersionWithDocumentOut = VersionOut.extend({ document: z.record(z.string(), z.unknown()) }).openapi("ConfigVersionWithDocument");

const error = (description: string) => ({ content: { "application/json": { schema: ErrorOut } }, description });
export const adminErrors = {
  ...authErrors,
  401: error("Missing key, or not the admin token (the server key LF_API_KEY is not accepted here)"),
};
export const adminBodyErrors = {
  ...adminErrors,
  ...serverBodyErrors,
  422: error("Validation failed; `details` lists every problem with its JSON path, and nothing was changed"),
};
export const editErrors = {
  400: error("Malformed JSON or If-Match"),
  409: error("Another version was activated since the one in If-Match; details name the active version"),
};
export const preconditionRequired = { 428: error("If-Match is missing") };
export const versionHeaders = { ETag: { schema: { type: "string" as const }, description: 'The version, e.g. "7"' } };
/** The answer to an activation (edit or rollback): the new version, also as the ETag. */
export const newVersionResponses = {
  200: { content: { "application/json": { schema: VersionOut } }, headers: versionHeaders, description: "The new active version" },
  ...adminBodyErrors,
  ...editErrors,
};
