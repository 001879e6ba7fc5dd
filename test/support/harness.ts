import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { EVENTS } from "./events-table";

/** Shared helpers for route tests: every test makes its own visitors and emails. */

/** LF_API_KEY lists two keys (a rotation under way): either one is the server key. */
export const SERVER_KEY = "test-server-key";
export const NEXT_SERVER_KEY = "test-server-key-next";
/** LF_ESP_KEY: email content only. */
export const ESP_KEY = "test-esp-key";
/** LF_ADMIN_TOKEN, the single-token form: its author is `admin`. */
export const ADMIN_TOKEN = "test-admin-token";
/** LF_ADMIN_TOKENS="ada:…,ops:…": each token's name is the author of what it changes. */
export const ADA_TOKEN = "test-admin-ada";
export const OPS_TOKEN = "test-admin-ops";
export const DAY = 86_400_000;

export const newVisitorId = () => crypto.randomUUID();
export const newEmail = () => `lead-${crypto.randomUUID()}@test.example`;

type Json = Record<string, unknown> | unknown[];

const worker = () => (exports as unknown as { default: Fetcher }).default;

/** A `fetch` that reaches this worker (SELF), for code under test that takes one. */
export const workerFetch: typeof fetch = (input, init) => worker().fetch(new Request(input, init));

export async function call(
  method: string,
  path: string,
  options: { body?: Json | string; headers?: Record<string, string>; key?: string | null } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["content-type"] = "application/json";
  }
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const body = typeof options.body === "string" ? options.body : options.body === undefined ? undefined : JSON.stringify(options.body);
  return worker().fetch(new Request(`https://leadflare.test${path}`, { method, headers, body }));
}

export async function jsonOf<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A POST /v1/personalize request, for tests that hand it to the worker themselves. */
export function personalizeRequest(visitorId: string, url: string, headers: Record<string, string> = {}): Request {
  return new Request("https://leadflare.test/v1/personalize", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ visitorId, page: { url } }),
  });
}

export async function personalize(visitorId: string, url: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await call("POST", "/v1/personalize", { body: { visitorId, page: { url }, ...extra }, headers });
  if (res.status !== 200) throw new Error(`personalize ${res.status}: ${await res.text()}`);
  return jsonOf<{ segment: { id: string; name: string; path: string[] }; slots: Record<string, any>; recorded: boolean }>(res);
}

export async function putLead(email: string, traits: Json) {
  const res = await call("PUT", `/v1/leads/${encodeURIComponent(email)}`, { body: traits, key: SERVER_KEY });
  if (res.status !== 200) throw new Error(`put lead ${res.status}: ${await res.text()}`);
  return jsonOf(res);
}

export async function getLead(email: string) {
  const res = await call("GET", `/v1/leads/${encodeURIComponent(email)}`, { key: SERVER_KEY });
  if (res.status !== 200) throw new Error(`get lead ${res.status}: ${await res.text()}`);
  return jsonOf(res);
}

/**
 * The site's server verifies that a browser is this lead (POST /v1/leads/{email}/visitors):
 * the visitor joins the lead and its activity merges. (A browser's own identify is only a
 * claim: `claimIdentity`.)
 */
export async function verifyVisitor(visitorId: string, email: string) {
  const res = await call("POST", `/v1/leads/${encodeURIComponent(email)}/visitors`, { body: { visitorId }, key: SERVER_KEY });
  if (res.status !== 200) throw new Error(`verify ${res.status}: ${await res.text()}`);
}

/** A browser's identify (POST /v1/identify without a key): a claim, recorded and never merged. */
export async function claimIdentity(visitorId: string, email: string) {
  const res = await call("POST", "/v1/identify", { body: { visitorId, email } });
  if (res.status !== 202) throw new Error(`identify ${res.status}: ${await res.text()}`);
  return jsonOf<{ ok: true; verified: boolean; recorded: boolean }>(res);
}

export async function importEvents(email: string, events: { type: string; url?: string; ts: number; id?: string }[]) {
  const res = await call("POST", `/v1/leads/${encodeURIComponent(email)}/events`, {
    body: { events: events.map((e) => ({ id: crypto.randomUUID(), ...e })) },
    key: SERVER_KEY,
  });
  if (res.status !== 202) throw new Error(`import ${res.status}: ${await res.text()}`);
  return jsonOf<{ accepted: number; duplicates: number }>(res);
}

export async function sendEvents(visitorId: string, events: Record<string, unknown>[], headers: Record<string, string> = {}) {
  return call("POST", "/v1/events", { body: { visitorId, events }, headers });
}

/** Row counts straight from D1, for "nothing was written" assertions (events with text ids: ./events-table.ts). */
export async function countRows(table: "leads" | "visitors" | "events" | "lead_activity" | "privacy_requests" | "segment_transitions", where = "1=1", ...params: unknown[]) {
  const from = table === "events" ? `${EVENTS} AS events` : table;
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${from} WHERE ${where}`).bind(...params).first<{ n: number }>();
  return row?.n ?? 0;
}
