import { call, jsonOf } from "./harness";

/** Every operation of /openapi.json, so a test about all routes cannot forget a new one. */

export interface Operation {
  method: string;
  /** The documented path, e.g. `/v1/admin/config/versions/{version}`. */
  path: string;
  /** The path with every parameter filled with a dummy value. */
  url: string;
  security: Record<string, string[]>[] | undefined;
  /** The documented statuses, e.g. `["200", "401"]`. */
  statuses: string[];
}

export async function operations(): Promise<Operation[]> {
  const doc = await jsonOf(await call("GET", "/openapi.json"));
  return Object.entries(doc.paths as Record<string, Record<string, { security?: Record<string, string[]>[]; responses: object }>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      url: path.replace(/\{[^}]+\}/g, "1"),
      security: op.security,
      statuses: Object.keys(op.responses),
    })),
  );
}

/** Whether an operation takes a key at all (public routes without one list no scheme). */
export const authenticated = (op: Operation) => (op.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
