import { configSchema, type ConfigDocument } from "../../src/domain/config";
import { formatPath, parsePath, type JsonPath } from "../../src/domain/json-path";
import type { ApiError } from "./api-error";

/**
 * A draft configuration in the browser, checked with exactly the server's rules: the same
 * zod schema (src/domain/config.ts) that PUT /v1/admin/config and
 * /v1/admin/config/validate apply, references and all. Problems carry their JSON path, so
 * a page shows each one at its field.
 */
export interface DraftProblem {
  /** `["slots", "hero", "variants", "smb-qualified"]`, within the document. */
  path: (string | number)[];
  /** The same path written as the API writes it: `slots.hero.variants["smb-qualified"]`. */
  key: string;
  message: string;
}

export type DraftCheck = { ok: true; document: ConfigDocument } | { ok: false; problems: DraftProblem[] };

export function validateDraft(draft: unknown): DraftCheck {
  const result = configSchema.safeParse(draft);
  if (result.success) return { ok: true, document: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
      return { path, key: formatPath(path), message: issue.message };
    }),
  };
}

/**
 * The problems of a 422 from the API as draft problems. Its paths are the body's
 * (`document.slots…`): `under` is that prefix (default "document"), taken off.
 */
export function serverProblems(error: ApiError, under: JsonPath = ["document"]): DraftProblem[] {
  return error.problems.flatMap((problem) => {
    const full = parsePath(problem.path);
    if (!full || !under.every((step, i) => full[i] === step)) return [];
    const path = full.slice(under.length);
    return [{ path, key: formatPath(path), message: problem.message }];
  });
}

/** The problems at `path` itself, or (`within`) at it and anywhere below it. */
export function problemsAt(problems: readonly DraftProblem[], path: JsonPath, { within = false } = {}): DraftProblem[] {
  return problems.filter((p) => (within ? p.path.length >= path.length : p.path.length === path.length) && path.every((step, i) => p.path[i] === step));
}

/** The message to show at a field: its problems' messages, joined; undefined when it has none. */
export function errorAt(problems: readonly DraftProblem[], path: JsonPath): string | undefined {
  const here = problemsAt(problems, path);
  return here.length ? here.map((p) => p.message).join("; ") : undefined;
}

/** The value at `path` (own properties only), undefined where any step is missing. */
export function valueAt(document: unknown, path: JsonPath): unknown {
  let current: unknown = document;
  for (const step of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

export { formatPath, parsePath };
