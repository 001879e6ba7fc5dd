import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { inject } from "vitest";
import defaults from "../../../src/config/default.json";
import { EVENTS } from "../../support/events-table";
import { ADMIN_TOKEN, SERVER_KEY } from "./worker";

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The admin API (LF_ADMIN_TOKEN); throws on any status from 300 up. */
export async function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${inject("workerUrl")}${path}`, {
    method,
    headers: { ...ADMIN, ...(body ? { "content-type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** Activates `edit(active document)` for the duration of `run`, then restores the original. */
export async function withConfig(edit: (doc: any) => void, run: () => Promise<void>, message = "e2e: temporary") {
  const current = await admin("GET", "/v1/admin/config");
  const original = ((await current.json()) as { document: any }).document;
  const draft = structuredClone(original);
  edit(draft);
  const put = await admin("PUT", "/v1/admin/config", { document: draft, message }, { "if-match": current.headers.get("etag")! });
  try {
    await run();
  } finally {
    await admin("PUT", "/v1/admin/config", { document: original, message: "e2e: restore" }, { "if-match": put.headers.get("etag")! });
  }
}

/** The server API (LF_API_KEY), as a CRM or enrichment job would call it. */
export async function serverApi(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${inject("workerUrl")}${path}`, {
    method,
    headers: { authorization: `Bearer ${SERVER_KEY}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

export async function putLead(email: string, traits: unknown): Promise<void> {
  const res = await serverApi("PUT", `/v1/leads/${encodeURIComponent(email)}`, traits);
  if (res.status !== 200) throw new Error(`PUT lead: ${res.status} ${await res.text()}`);
}

export interface LeadReport {
  segment: { id: string };
  signals: Record<string, number>;
  engagement: { score: number; level: string };
}

/** The lead's report, or null when no lead has this email (yet). */
export async function getLead(email: string): Promise<LeadReport | null> {
  const res = await serverApi("GET", `/v1/leads/${encodeURIComponent(email)}`);
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`GET lead: ${res.status} ${await res.text()}`);
  return (await res.json()) as LeadReport;
}

export const newEmail = () => `e2e-${crypto.randomUUID()}@test.example`;

/**
 * Counts rows straight from the worker's local D1 file (read-only), for "nothing was
 * written" checks that no API can make (events with text ids: test/support/events-table.ts).
 */
export function countRows(table: "visitors" | "events" | "leads", where = "1=1", ...params: string[]): number {
  const dir = join(inject("persistDir"), "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}`);
  const db = new DatabaseSync(join(dir, file), { readOnly: true });
  try {
    const from = table === "events" ? `${EVENTS} AS events` : table;
    return (db.prepare(`SELECT count(*) AS n FROM ${from} WHERE ${where}`).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

type Variants = Record<string, unknown>;
const slotVariants = defaults.slots as unknown as Record<string, { variants: Variants }>;

/** The shipped default configuration's content for a slot and segment (no inheritance). */
export function content<T = unknown>(slot: string, segment: string): T {
  const value = slotVariants[slot]?.variants[segment];
  if (value === undefined) throw new Error(`no ${slot} content for ${segment} in default.json`);
  return value as T;
}
