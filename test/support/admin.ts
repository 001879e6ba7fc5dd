import { ADMIN_TOKEN, call, jsonOf } from "./harness";

/**
 * Admin API helpers. Configuration activation is global state for everything sharing one
 * D1: the plugin gives every test file its own workerd and storage (files never see each
 * other's rows), but tests inside a file share it and run one after another. So a test
 * that activates a document restores the previous one before it ends (`withActive`),
 * and the next test finds the shipped default active again, whatever ran before.
 */

export function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return call(method, path, { body: body as Record<string, unknown> | undefined, key: ADMIN_TOKEN, headers });
}

export interface ActiveVersion {
  version: number;
  document: any;
  author: string;
  message: string | null;
}

export async function getActive(): Promise<ActiveVersion> {
  const res = await admin("GET", "/v1/admin/config");
  if (res.status !== 200) throw new Error(`GET config ${res.status}: ${await res.text()}`);
  return jsonOf(res);
}

export function putConfig(document: unknown, ifMatch: number | string | null, extra: { message?: string; author?: string } = {}) {
  const headers: Record<string, string> = {};
  if (ifMatch !== null) headers["if-match"] = typeof ifMatch === "number" ? `"${ifMatch}"` : ifMatch;
  if (extra.author) headers["x-leadflare-author"] = extra.author;
  return admin("PUT", "/v1/admin/config", { document, ...(extra.message ? { message: extra.message } : {}) }, headers);
}

/** Activates `document` (which must be valid), returning its version number. */
export async function activate(document: unknown, extra: { message?: string; author?: string } = {}): Promise<number> {
  const { version } = await getActive();
  const res = await putConfig(document, version, extra);
  if (res.status !== 200) throw new Error(`PUT config ${res.status}: ${await res.text()}`);
  return (await jsonOf(res)).version;
}

/** Runs `fn` with `document` active, then puts the previously active document back. */
export async function withActive<T>(document: unknown, fn: (version: number) => Promise<T>): Promise<T> {
  const before = await getActive();
  const version = await activate(document, { author: "test", message: "temporary" });
  try {
    return await fn(version);
  } finally {
    await activate(before.document, { author: "test", message: "restore" });
  }
}

/**
 * Waits until the re-evaluation of `version` has finished. Its queue chain runs in the
 * background with the tests' own env, so until then it may be the review that records a new
 * lead's first change (with no routing live in that env): tests of what a write records wait.
 */
export async function reevaluated(version: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const res = await admin("GET", "/v1/admin/ledger/reevaluation");
    const job = res.status === 200 ? await jsonOf(res) : null;
    if (job && job.configVersion >= version && job.finishedAt !== null) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the re-evaluation of version ${version} did not finish`);
}
