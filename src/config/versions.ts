import type { ConfigAction, ConfigStore, StoredVersion, VersionInfo } from "../db/config-store";
import { compileConfig } from "../domain/compile";
import { configSchema, type ConfigDocument } from "../domain/config";
import { describeChanges } from "../domain/config-changes";
import { ApiError } from "../errors";
import { configCache } from "./active";

/**
 * Activating a configuration: what PUT /v1/admin/config and the rollback share. The
 * document is already valid; this records what changed, inserts the new version only if
 * `expected` is still active, and lets this isolate serve it at once.
 */
export async function activateDocument(
  configs: ConfigStore,
  input: {
    expected: StoredVersion;
    document: ConfigDocument;
    author: string;
    authorNote: string | null;
    message: string | null;
    action: ConfigAction;
    rolledBackFrom: number | null;
  },
  now: number,
): Promise<VersionInfo> {
  // A pulled file's "$version" names the version it was based on: stored, it would be stale.
  const { $version: _pulledFrom, ...stored } = input.document;
  const next = {
    document: JSON.stringify(stored),
    author: input.author,
    authorNote: input.authorNote,
    message: input.message,
    action: input.action,
    rolledBackFrom: input.rolledBackFrom,
    changes: changesSince(input.expected, input.document),
  };
  const result = await configs.activate(input.expected.version, next, now);
  if ("conflict" in result) throw conflict(input.expected.version, result.conflict);
  configCache.prime(result.activated, compileConfig(input.document), now);
  const { document: _, ...info } = { ...next, version: result.activated, createdAt: now };
  return info;
}

function changesSince(previous: StoredVersion, next: ConfigDocument): string[] {
  const before = configSchema.safeParse(JSON.parse(previous.document));
  // An old version the code no longer accepts can still be replaced; its diff cannot be told.
  return before.success ? describeChanges(before.data, next) : [`everything (version ${previous.version} is not valid with this code)`];
}

/** 409: the edit was based on a version that is no longer the active one. */
export function conflict(basedOn: number, active: number | null): ApiError {
  return new ApiError(
    409,
    "version_conflict",
    `This change is based on version ${basedOn}, but version ${active} is active now. Fetch it, reapply the change and send it with If-Match: "${active}".`,
    [{ path: "If-Match", message: `active version is ${active}` }],
  );
}

/**
 * A stored document, validated with today's schema. Every stored version was valid when
 * it was accepted; one that no longer is (the code changed) cannot be activated again.
 */
export function storedDocument(stored: StoredVersion): ConfigDocument {
  const result = configSchema.safeParse(JSON.parse(stored.document));
  if (!result.success) throw ApiError.validation(result.error, `stored version ${stored.version}`);
  return result.data;
}
