import { categorizePath, type CompiledConfig } from "./compile";
import type { EventType } from "./config";
import type { RequestContext } from "./facts";

/** How far back a browser's own timestamp may place an event (offline queues, retries). */
export const CLIENT_TS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A browser's timestamp is only a hint: never in the future, never older than
 * CLIENT_TS_MAX_AGE_MS. Without one, the event happened now.
 */
export function clampClientTime(clientTs: number | undefined, now: number): number {
  if (clientTs === undefined || !Number.isFinite(clientTs)) return now;
  return Math.min(now, Math.max(now - CLIENT_TS_MAX_AGE_MS, Math.trunc(clientTs)));
}

/** Clock skew allowed between an importing system and us before a timestamp is "in the future". */
export const IMPORT_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** Indexes of imported events whose timestamp is in the future (beyond the allowed skew). */
export function futureImports(events: { ts: number }[], now: number): number[] {
  return events.flatMap((e, i) => (e.ts > now + IMPORT_FUTURE_SKEW_MS ? [i] : []));
}

/** Path and UTM parameters of a page URL (absolute, or a path). Query strings are not kept. */
export function parsePageUrl(url: string): { path: string; utm: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url, "https://page.invalid");
  } catch {
    return { path: "/", utm: {} };
  }
  const utm: Record<string, string> = {};
  // Most page URLs have no query: then no URLSearchParams is built (a hot-path cost, bench).
  if (parsed.search) for (const [key, value] of parsed.searchParams) {
    const m = /^utm_([a-z_]{1,32})$/.exec(key);
    if (m && value) utm[m[1]!] = value.slice(0, 200);
  }
  return { path: parsed.pathname.slice(0, 512) || "/", utm };
}

/** `en-US,en;q=0.9` → `en`. */
export function primaryLanguage(acceptLanguage: string | undefined): string | undefined {
  const first = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim();
  if (!first || first === "*") return undefined;
  return first.split("-")[0]!.toLowerCase();
}

export function requestContext(url: string | undefined, country: string | undefined, acceptLanguage: string | undefined): RequestContext {
  const page = url ? parsePageUrl(url) : undefined;
  return {
    country: country?.toUpperCase(),
    language: primaryLanguage(acceptLanguage),
    path: page?.path,
    utm: page?.utm ?? {},
  };
}

export interface EventInput {
  id: string;
  type: EventType;
  url?: string;
  category?: string;
  props?: Record<string, unknown>;
}

/** An event as stored: category from the configured path rules unless given. */
export function prepareEvent(config: CompiledConfig, input: EventInput, ts: number) {
  const path = input.url ? parsePageUrl(input.url).path : null;
  return {
    id: input.id,
    type: input.type,
    category: input.category ?? (path ? categorizePath(config, path) : "none"),
    ts,
    path,
    props: input.props && Object.keys(input.props).length > 0 ? JSON.stringify(input.props) : null,
  };
}
