import { z } from "@hono/zod-openapi";
import type { VersionInfo } from "../db/config-store";
import { configSchema } from "../domain/config";
import type { AdminIdentity } from "../middleware/admin-auth";
import { serverJsonBody } from "../middleware/body";
import { authErrors, ErrorOut, serverBodyErrors } from "./schemas";

/** What every admin route shares: the admin sign-in, the audit trail's author, version metadata. */

export { requireAdmin } from "../middleware/admin-auth";
/** Any one of: an admin token, the console's session cookie, Cloudflare Access (see requireAdmin). */
export const adminSecurity: Record<string, string[]>[] = [{ adminToken: [] }, { adminSession: [] }, { accessJwt: [] }];
/** Admin bodies carry whole configuration documents: the server API's limit (1 MiB). */
export const adminJsonBody = serverJsonBody;

export const ConfigDocumentIn = configSchema.openapi("ConfigDocument", LF_OPENAPI_DOCS ? {
  description: "The whole configuration: page categories, signals, scoring, segments, content. JSON Schema: /v1/config.schema.json",
} : {});

/**
 * `X-Leadflare-Author`: a note on who or what is making the change (a CI job, the person at
 * a shared token), kept beside the author. It never changes the author, which is who signed in.
 */
export const AUTHOR_HEADER = "x-leadflare-author";
export const AuthorHeader = z.object({
  [AUTHOR_HEADER]: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .optional()
    .openapi(LF_OPENAPI_DOCS ? {
      description: "A note for the audit trail (`authorNote`), e.g. a CI job name; the author is always the admin token's name (or the signed-in email)",
      example: "ci: nightly config push",
    } : {}),
});
/** `If-Match: "7"`: the version an edit is based on (checked by requireIfMatch before the body). */
export const IfMatchHeader = (required: boolean) => {
  const header = z.string().openapi(LF_OPENAPI_DOCS ? {
    description: required
      ? 'The ETag of the version this change is based on, e.g. "7": 428 without it, 409 if it is no longer active'
      : 'Optional: when sent, it must be the ETag of the active version (409 otherwise)',
    example: '"7"',
  } : {});
  return z.object({ "if-match": required ? header : header.optional() });
};

/** Who made a change: the signed-in admin, and the header's note beside it. */
export function auditOf(admin: AdminIdentity | undefined, headers: { [AUTHOR_HEADER]?: string | undefined }) {
  if (!admin) throw new Error("an admin route without requireAdmin");
  return { author: admin.author, authorNote: headers[AUTHOR_HEADER] ?? null };
}

export const Message = z.string().trim().min(1).max(500).optional().openapi(LF_OPENAPI_DOCS ? { description: "Why, for the audit trail" } : {});

export const VersionOut = z
  .object({
    version: z.number().int(),
    active: z.boolean(),
    author: z.string().openapi(LF_OPENAPI_DOCS ? { description: "Who made it: the admin token's name, or the email signed in with Cloudflare Access" } : {}),
    authorNote: z.string().nullable().openapi(LF_OPENAPI_DOCS ? { description: "What the change's `X-Leadflare-Author` header said, if anything" } : {}),
    message: z.string().nullable(),
    action: z.enum(["activate", "rollback"]),
    rolledBackFrom: z.number().int().nullable().openapi(LF_OPENAPI_DOCS ? { description: "For a rollback: the version it copies" } : {}),
    changes: z.array(z.string()).openapi(LF_OPENAPI_DOCS ? { description: "What changed against the version before it", example: ["segments.enterprise-hot changed"] } : {}),
    createdAt: z.string().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601", example: "2026-11-23T12:00:00.000Z" } : {}),
  })
  .openapi("ConfigVersion");

export function versionOut(info: VersionInfo, activeVersion: number | null): z.infer<typeof VersionOut> {
  return {
    version: info.version,
    active: info.version === activeVersion,
    author: info.author,
    authorNote: info.authorNote,
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
  401: error(LF_OPENAPI_DOCS ? "Not signed in: no admin token, session cookie or Cloudflare Access token, or not a valid one (the server key LF_API_KEY is not accepted here)" : ""),
  403: error(LF_OPENAPI_DOCS ? "`forbidden`: the ESP key LF_ESP_KEY, which may only read email content; `csrf`: a change signed in by cookie or Access, not from this worker's own Origin" : ""),
};
export const adminBodyErrors = {
  ...adminErrors,
  ...serverBodyErrors,
  422: error(LF_OPENAPI_DOCS ? "Validation failed; `details` lists every problem with its JSON path, and nothing was changed" : ""),
};
export const editErrors = {
  400: error(LF_OPENAPI_DOCS ? "Malformed JSON or If-Match" : ""),
  409: error(LF_OPENAPI_DOCS ? "Another version was activated since the one in If-Match; details name the active version" : ""),
};
export const preconditionRequired = { 428: error(LF_OPENAPI_DOCS ? "If-Match is missing" : "") };
export const versionHeaders = { ETag: { schema: { type: "string" as const }, description: LF_OPENAPI_DOCS ? 'The version, e.g. "7"' : "" } };
/** The answer to an activation (edit or rollback): the new version, also as the ETag. */
export const newVersionResponses = {
  200: { content: { "application/json": { schema: VersionOut } }, headers: versionHeaders, description: LF_OPENAPI_DOCS ? "The new active version" : "" },
  ...adminBodyErrors,
  ...editErrors,
};
