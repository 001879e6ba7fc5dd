import type { ConfigDocument } from "../../src/domain/config";
import type { AccountFacts, AccountLink } from "../../src/domain/accounts";
import type { EngagementLevel, ScoreExplanation } from "../../src/domain/facts";
import type { TraceEntry } from "../../src/domain/segments";
import { ApiError } from "./api-error";
import type { SegmentHistory } from "./api-ledger";

export { ApiError, type ApiProblem } from "./api-error";

/**
 * The console's only way to the worker: the documented admin API (/openapi.json), same
 * origin, with the session cookie (or Cloudflare Access) the browser sends by itself. Every
 * failure is an ApiError carrying the API's envelope `{ error: { code, message, details } }`.
 * A page adds its endpoints here as typed functions over `request`.
 */

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** The version an edit is based on: sent as `If-Match: "<version>"`. */
  ifMatch?: number;
}

export interface Answer<T> {
  data: T;
  status: number;
  /** The version the ETag names (`"7"` → 7), when there is one. */
  version: number | null;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever the API answers 401 (the session ended): the app shows the sign-in page. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const query = Object.entries(options.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
  const url = query.length ? `${path}?${new URLSearchParams(query.map(([k, v]) => [k, String(v)]))}` : path;
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.ifMatch !== undefined) headers["if-match"] = `"${options.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, "network", "The worker cannot be reached: check the connection and try again.", undefined);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {} // not JSON: told below
  if (!res.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    const failure = new ApiError(
      res.status,
      typeof error?.code === "string" ? error.code : `http_${res.status}`,
      typeof error?.message === "string" ? error.message : `The worker answered ${res.status}.`,
      error?.details,
    );
    // The sign-in's own 401 is a wrong token, not an ended session.
    if (res.status === 401 && path !== SESSION_PATH) unauthorizedListeners.forEach((listener) => listener());
    throw failure;
  }
  const tag = /^(?:W\/)?"(\d+)"$/.exec(res.headers.get("etag") ?? "");
  return { data: json as T, status: res.status, version: tag ? Number(tag[1]) : null };
}

// --- Session (src/routes/admin-session.ts) ----------------------------------------------------

const SESSION_PATH = "/v1/admin/session";

export interface Session {
  /** Who changes are recorded as: the admin token's name, or the Access email. */
  author: string;
  via: "access" | "session" | "bearer";
  expiresAt: string | null;
}

/** Who is signed in; null when nobody is (401). */
export async function currentSession(): Promise<Session | null> {
  try {
    return (await request<Session>("GET", SESSION_PATH)).data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(token: string): Promise<void> {
  await request("POST", SESSION_PATH, { body: { token } });
}

export async function signOut(): Promise<void> {
  await request("DELETE", SESSION_PATH);
}

// --- Configuration and its versions (src/routes/admin-config-*.ts) ----------------------------

export interface VersionInfo {
  version: number;
  active: boolean;
  author: string;
  authorNote: string | null;
  message: string | null;
  action: "activate" | "rollback";
  rolledBackFrom: number | null;
  /** The audit trail's summary against the version before it. */
  changes: string[];
  createdAt: string;
}

export interface VersionWithDocument extends VersionInfo {
  document: ConfigDocument;
}

export interface VersionPage {
  active: number;
  versions: VersionInfo[];
  /** `before` for the next (older) page; null on the last. */
  next: number | null;
}

/** The active version and its document (the ETag is its version, for If-Match). */
export async function activeConfig(): Promise<VersionWithDocument> {
  return (await request<VersionWithDocument>("GET", "/v1/admin/config")).data;
}

export async function configVersion(version: number): Promise<VersionWithDocument> {
  return (await request<VersionWithDocument>("GET", `/v1/admin/config/versions/${version}`)).data;
}

export async function configVersions(options: { limit?: number; before?: number } = {}): Promise<VersionPage> {
  return (await request<VersionPage>("GET", "/v1/admin/config/versions", { query: options })).data;
}

/** Activates `document` as a new version, if `basedOn` is still the active one (409 otherwise). */
export async function publishConfig(document: ConfigDocument, basedOn: number, message?: string): Promise<VersionInfo> {
  return (await request<VersionInfo>("PUT", "/v1/admin/config", { body: { document, message }, ifMatch: basedOn })).data;
}

/** Activates a copy of `version`, if `basedOn` is still the active one (409 otherwise). */
export async function rollBack(version: number, basedOn: number, message?: string): Promise<VersionInfo> {
  return (await request<VersionInfo>("POST", "/v1/admin/config/rollback", { body: { version, message }, ifMatch: basedOn })).data;
}

// --- What-if evaluation (src/routes/admin-evaluate.ts) ------------------------------------------

/** Facts stated instead of derived (every one optional; the API normalizes them as stored traits). */
export interface GivenFacts {
  company?: { employees?: number; industry?: string; revenue?: number; country?: string; domain?: string };
  person?: { role?: string; seniority?: string; department?: string };
  signals?: Record<string, number>;
  engagement?: { score?: number; level?: "high" | "medium" | "low" };
  fit?: { score?: number };
  score?: number;
  context?: { country?: string; language?: string; path?: string; utm?: Record<string, string> };
}

export interface EvaluateRequest {
  facts?: GivenFacts;
  /** A stored lead's email: its traits and activity, with `facts` overriding. */
  email?: string;
  /** A draft document, validated and used for this evaluation only (422 with paths under `config`). */
  config?: unknown;
  at?: string;
  slots?: string[];
}

/** What a slot shows: the worker's own type (src/domain/content.ts), as the API answers it. */
export type { SlotContent } from "../../src/domain/content";
import type { SlotContent } from "../../src/domain/content";

export interface Evaluation {
  segment: { id: string; name: string; path: string[] };
  slots: Record<string, SlotContent>;
  /** Every segment tried, in order, until the match; a miss names its failing clauses. */
  trace: { segment: string; matched: boolean; failed?: { from: string; clause: Record<string, unknown>; saw: Record<string, unknown> }[] }[];
  /** The content layers whose condition held, in order (each slot's `layer` names the one it came from). */
  layers: string[];
  facts: Record<string, unknown>;
  scores: {
    engagement: { score: number; level: "high" | "medium" | "low"; halfLifeDays: number };
    fit: { score: number; items: { id: string; label: string; points: number; matched: boolean }[] };
    score: { value: number; fitWeight: number; engagementWeight: number };
  };
  config: { version: number | null; draft: boolean };
  at: string;
}

/** What-if: the segment, content and trace for these facts or this lead; nothing is recorded. */
export async function evaluate(body: EvaluateRequest): Promise<Evaluation> {
  return (await request<Evaluation>("POST", "/v1/admin/evaluate", { body })).data;
}

// --- Preview links (src/routes/admin-preview-links.ts) -----------------------------------------

export interface PreviewLink {
  /** The page URL with `lf_preview=<token>`: opens the page as the segment sees it, recording nothing. */
  url: string;
  token: string;
  segment: { id: string; name: string; path: string[] };
  expiresAt: string;
}

/** A signed link that shows `url` (a page of the site) as `segment` sees it (422: a problem per field). */
export async function createPreviewLink(segment: string, url: string): Promise<PreviewLink> {
  return (await request<PreviewLink>("POST", "/v1/admin/preview-links", { body: { segment, url } })).data;
}

// --- Leads and the segment report (src/routes/admin-lead*.ts, admin-report-segments.ts) ------

export interface LeadListing {
  email: string;
  createdAt: string;
  updatedAt: string;
}

export interface LeadSearchPage {
  leads: LeadListing[];
  /** `after` for the next page; null on the last. */
  next: string | null;
}

/** Known leads whose email starts with `query` (any case), in email order. */
export async function searchLeads(query: string, options: { limit?: number; after?: string } = {}): Promise<LeadSearchPage> {
  return (await request<LeadSearchPage>("GET", "/v1/admin/leads", { query: { query, ...options } })).data;
}

export interface TimelinePoint {
  at: string;
  engagement: number;
  level: EngagementLevel;
  score: number;
  segment: string;
}

/** One lead as the console shows it: GET /v1/leads/{email}'s report, its newest events, a 61-day timeline. */
export interface AdminLead {
  email: string;
  traits: Record<string, unknown>;
  /** What its browsers stated in forms: used where neither a trusted trait nor the account has the field. */
  claimedTraits: Record<string, unknown>;
  /** The company and person facts conditions see (trusted traits, filled by the account and claims). */
  facts: { company: Record<string, unknown>; person: Record<string, unknown> };
  /** Its account (README "Accounts"), as of now; null without one. */
  account: (AccountFacts & { domain: string; link: AccountLink }) | null;
  signals: Record<string, number>;
  engagement: { score: number; level: EngagementLevel };
  fit: { score: number };
  score: number;
  segment: { id: string; name: string; path: string[] };
  sales: { action: string; track: string; owner?: string } | null;
  explanation: { trace: TraceEntry[]; scores: ScoreExplanation };
  recentEvents: { type: string; category: string; at: string }[];
  /** Daily from 30 days back (stored activity) to 30 ahead (decay alone): index 30 is now. */
  timeline: TimelinePoint[];
  /** The segment ledger: recorded segment, next review, newest changes (more: leadSegmentHistory). */
  ledger: SegmentHistory;
}

/** The lead with this email; 404 (an ApiError) when there is none, or it was erased. */
export async function adminLead(email: string): Promise<AdminLead> {
  return (await request<AdminLead>("GET", `/v1/admin/leads/${encodeURIComponent(email)}`)).data;
}

/**
 * Everything stored about the lead (GDPR article 15) as one document: the API pages events
 * and visitors past 10,000; later pages' are appended to the first's.
 */
export async function exportLeadData(email: string): Promise<LeadExportDocument> {
  const path = `/v1/admin/leads/${encodeURIComponent(email)}/export`;
  const first = (await request<LeadExportDocument>("GET", path)).data;
  for (let after = first.next; after !== null; ) {
    const page = (await request<LeadExportDocument>("GET", path, { query: { after } })).data;
    first.events.push(...page.events);
    first.visitors.push(...page.visitors);
    after = page.next;
  }
  return { ...first, next: null };
}

export interface LeadExportDocument {
  exportedAt: string;
  lead: { id: string; email: string; traits: Record<string, unknown>; createdAt: string; updatedAt: string };
  visitors: unknown[];
  events: unknown[];
  next: string | null;
  [more: string]: unknown;
}

/** Erases the lead and everything stored about it (GDPR article 17), audited as `admin:<author>`. */
export async function eraseLead(email: string): Promise<void> {
  await request("DELETE", `/v1/admin/leads/${encodeURIComponent(email)}`);
}

// --- Routing (src/routes/admin-routing.ts, admin-deliveries.ts, admin-delivery-replay.ts) -------

/** A rule of the configuration's `routing` section: the worker's own type (src/domain/routing-config.ts). */
export type { RoutingRule } from "../../src/domain/routing-config";
import type { RoutingRule } from "../../src/domain/routing-config";

export interface RoutingDestination {
  name: string;
  type: "webhook" | "slack";
  /** As configured: `env:NAME` (a Worker secret) or the URL itself; never a secret's value. */
  url: string;
  /** The webhook's signing secret, `env:NAME`; null for Slack. */
  secret: string | null;
  /** Every Worker secret it names is set: routing sends to it. Inert otherwise. */
  live: boolean;
  /** It answered 410 Gone: nothing is sent to it until a replay re-enables it. */
  disabled: { at: string; reason: string } | null;
  /** Deliveries created in the last 24 hours: finished (delivered, dead, disabled), delivered, waiting (pending, held). */
  last24h: { finished: number; delivered: number; waiting: number; successRate: number | null };
}

export interface RoutingState {
  quietMinutes: number;
  rules: RoutingRule[];
  destinations: RoutingDestination[];
}

/** The active configuration's routing: rules, and each destination's state and last 24 hours. */
export async function routingState(): Promise<RoutingState> {
  return (await request<RoutingState>("GET", "/v1/admin/routing")).data;
}

export const DELIVERY_STATUSES = ["pending", "held", "delivered", "dead", "disabled", "dropped", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  /** The webhook-id, the same for every attempt and replay. */
  id: string;
  destination: string;
  status: DeliveryStatus;
  lead: { id: string; email: string | null };
  from: string | null;
  to: string;
  cause: string;
  at: string;
  owner: string | null;
  createdAt: string;
  /** When a pending or held delivery is next sent. */
  nextAttemptAt: string | null;
  attempts: { attempt: number; at: string; status: number | null; latencyMs: number; error: string | null }[];
}

export interface DeliveryPage {
  deliveries: Delivery[];
  /** `before` for the next (older) page; null on the last. */
  next: string | null;
}

/** Routing's log, newest first, each delivery with every attempt. */
export async function deliveryLog(filter: { status?: DeliveryStatus; destination?: string; lead?: string; before?: string; limit?: number }): Promise<DeliveryPage> {
  return (await request<DeliveryPage>("GET", "/v1/admin/deliveries", { query: filter })).data;
}

/** Sends a delivery again from its first attempt (same webhook-id); re-enables a destination that answered 410. */
export async function replayDelivery(id: string): Promise<Delivery> {
  return (await request<Delivery>("POST", `/v1/admin/deliveries/${encodeURIComponent(id)}/replay`)).data;
}
