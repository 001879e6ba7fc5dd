import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { call, DAY, importEvents, jsonOf, putLead, SERVER_KEY } from "./harness";

/** Helpers for the email tests: content calls, following links, reading token payloads. */

/** The origin test requests go to (see harness `call`). */
export const ORIGIN = "https://leadflare.test";
export const BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
export const basicAuth = (password: string, user = "braze") => `Basic ${btoa(`${user}:${password}`)}`;

export interface EmailContentJson {
  segment: { id: string; name: string };
  slots: Record<string, any>;
  links: Record<string, string>;
  images: Record<string, string>;
}

export function contentQuery(params: Record<string, string>): string {
  return `/v1/email/content?${new URLSearchParams(params)}`;
}

export async function emailContent(params: Record<string, string>): Promise<EmailContentJson> {
  const res = await call("GET", contentQuery(params), { key: SERVER_KEY });
  if (res.status !== 200) throw new Error(`email content ${res.status}: ${await res.text()}`);
  return jsonOf<EmailContentJson>(res);
}

/**
 * A link or image from the API (or any path), requested as the reader's browser or mail
 * client would, without following the redirect (so the test sees the 302 itself).
 */
export function follow(url: string, headers: Record<string, string> = { "user-agent": BROWSER_UA }, method = "GET") {
  const { pathname, search } = new URL(url, ORIGIN);
  const worker = (exports as unknown as { default: Fetcher }).default;
  return worker.fetch(new Request(`${ORIGIN}${pathname}${search}`, { method, headers, redirect: "manual" }));
}

export function tokenOf(url: string): string {
  return new URL(url).pathname.split("/").at(-1)!;
}

/** The (signed, readable) payload of a token. */
export function payloadOf(url: string): Record<string, unknown> {
  const body = tokenOf(url).split(".")[0]!;
  return JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/")));
}

export async function leadIdOf(email: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(email).first<{ id: string }>();
  if (!row) throw new Error(`no lead for ${email}`);
  return row.id;
}

export async function smbLead(email: string) {
  await putLead(email, { company: { employees: 50 } });
}

/** Three recent pricing views: an SMB lead becomes smb-qualified (the seed's example). */
export async function viewPricingThreeTimes(email: string) {
  const now = Date.now();
  await importEvents(email, [1, 2, 3].map((h) => ({ type: "page_view", url: "https://site.example/pricing", ts: now - h * 3_600_000 })));
}

export { DAY };

/**
 * The id an email hit got before ids were keyed: a plain SHA-256 of what the link shows
 * (token, kind, category, time bucket), so anyone with the link could compute it.
 */
export async function unkeyedWindowId(kind: string, token: string, category: string, bucket: number): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${kind}|${category}|${bucket}|${token}`));
  const bytes = new Uint8Array(digest).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Where a redirect lands, without the single-use `lf_verify` a person's click adds (its own
 * tests: test/routes/verify-links.test.ts).
 */
export function landing(res: Response): string | null {
  const location = res.headers.get("location");
  if (location === null) return null;
  const url = new URL(location);
  url.searchParams.delete("lf_verify");
  return url.toString();
}
