import type { HoldoutArm } from "./holdout";
import { z } from "zod";
import { base64url, fromBase64url, hmacSha256 } from "./tokens";

/**
 * Erase and export (GDPR articles 17 and 15): what the audit trail keeps of an email, and
 * the export document with its paging. No I/O; times are passed in.
 */

/**
 * What the audit trail keeps of an email: hex HMAC-SHA256 under LF_LINK_SECRET of
 * `privacy|<email>` (the email trimmed and lower-cased, as every route takes it). A plain
 * SHA-256 would not do: anyone holding the table could hash a list of candidate addresses
 * and find the ones that were erased. With the secret, the operator can still answer "was
 * ada@example.com erased, and when?" by computing the same value. Rotating the secret
 * (which also retires every email link) makes older rows unmatchable.
 */
export async function emailAuditHash(secret: string, email: string): Promise<string> {
  const mac = await hmacSha256(secret, `privacy|${email}`);
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Events and visitors per export document at most (and the default): a lead's history is unbounded. */
export const EXPORT_PAGE_MAX = 10_000;

/**
 * Where each list of an export continues: from the start, after a key, or not at all (it
 * was finished on an earlier page). Events are ordered by (ts, id), visitors by id, so a
 * key names a position that stays put while new rows arrive.
 */
export interface ExportPosition {
  events: "start" | "done" | { ts: number; id: string };
  visitors: "start" | "done" | { id: string };
}

export const EXPORT_FROM_START: ExportPosition = { events: "start", visitors: "start" };

/** Everything stored about a lead, as the store reads it (times in epoch ms, JSON as text). */
export interface LeadRecord {
  lead: { id: string; email: string; traits: string; claimedTraits: string; createdAt: number; updatedAt: number };
  visitors: { id: string; createdAt: number }[];
  /** Oldest first; up to one more than the page size, which tells that another page follows. */
  events: {
    id: string;
    type: string;
    category: string;
    ts: number;
    path: string | null;
    props: string | null;
  }[];
  aggregates: { key: string; total: number; recent: string }[];
  /** Known leads merged into this one (their email links resolve here). */
  merges: { fromId: string; mergedAt: number }[];
  /** Unverified identifies: of this email (by any browser), or by this lead's browsers. */
  claims: { email: string; claimedAt: number; byOwnBrowser: number }[];
  /** Points its browsers earned from public events per UTC day (the daily cap's count). */
  dailyPoints: { visitorId: string; day: number; points: number }[];
  /** The segment ledger (issue 13): the recorded segment and every recorded change, oldest first. */
  segment: { segmentId: string | null; since: number | null; configVersion: number | null; reviewAt: number | null } | null;
  transitions: { from: string | null; to: string; at: number; cause: string; configVersion: number }[];
  /** Routing: every delivery of its changes of segment to a destination (src/db/routing-store.ts). */
  deliveries: { destination: string; from: string | null; to: string; cause: string; at: number; status: string; attempts: number; owner: string | null; createdAt: number }[];
  /** Holdouts: the lead's arm in each segment it entered that had one (src/domain/holdout.ts). */
  holdouts: { segment: string; arm: HoldoutArm; share: number; assignedAt: number }[];
  /** Its row among its account's contacts (src/db/schema-accounts.ts), if it has one. */
  accountContact: { domain: string; score: number; scoredAt: number; engagedAt: number | null; role: string | null; seniority: string | null } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The export document: every time in ISO 8601 UTC, JSON columns parsed, and the cursor of the next page. */
export function exportDocument(record: LeadRecord, limit: number, now: number) {
  const events = record.events.slice(0, limit);
  const visitors = record.visitors.slice(0, limit);
  const lastEvent = events.at(-1);
  const lastVisitor = visitors.at(-1);
  const next: CursorFields = {
    ...(record.events.length > limit && lastEvent ? { e: [lastEvent.ts, lastEvent.id] as [number, string] } : {}),
    ...(record.visitors.length > limit && lastVisitor ? { v: lastVisitor.id } : {}),
  };
  return {
    exportedAt: iso(now),
    lead: {
      id: record.lead.id,
      email: record.lead.email,
      traits: JSON.parse(record.lead.traits) as Record<string, unknown>,
      claimedTraits: JSON.parse(record.lead.claimedTraits) as Record<string, unknown>,
      createdAt: iso(record.lead.createdAt),
      updatedAt: iso(record.lead.updatedAt),
    },
    visitors: visitors.map((v) => ({ id: v.id, createdAt: iso(v.createdAt) })),
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      category: e.category,
      ts: iso(e.ts),
      path: e.path,
      props: e.props === null ? null : (JSON.parse(e.props) as Record<string, unknown>),
    })),
    claims: record.claims.map((c) => ({ email: c.email, claimedAt: iso(c.claimedAt), byOwnBrowser: c.byOwnBrowser === 1 })),
    dailyPoints: record.dailyPoints.map((d) => ({ visitorId: d.visitorId, day: iso(d.day * 86_400_000).slice(0, 10), points: d.points })),
    aggregates: record.aggregates.map((a) => ({
      key: a.key,
      total: a.total,
      recent: (JSON.parse(a.recent) as number[]).map(iso),
    })),
    merges: record.merges.map((m) => ({ fromId: m.fromId, mergedAt: iso(m.mergedAt) })),
    segment: record.segment && {
      id: record.segment.segmentId,
      since: record.segment.since === null ? null : iso(record.segment.since),
      configVersion: record.segment.configVersion,
      reviewAt: record.segment.reviewAt === null ? null : iso(record.segment.reviewAt),
    },
    segmentHistory: record.transitions.map((t) => ({ ...t, at: iso(t.at) })),
    routingDeliveries: record.deliveries.map((d) => ({ ...d, at: iso(d.at), createdAt: iso(d.createdAt) })),
    holdouts: record.holdouts.map((h) => ({ ...h, assignedAt: iso(h.assignedAt) })),
    accountContact: record.accountContact && {
      ...record.accountContact,
      scoredAt: iso(record.accountContact.scoredAt),
      engagedAt: record.accountContact.engagedAt === null ? null : iso(record.accountContact.engagedAt),
    },
    next: next.e || next.v ? base64url(new TextEncoder().encode(JSON.stringify(next))) : null,
  };
}

/** Event and visitor ids are UUIDs (lower-cased when received; email hit ids are UUID-shaped). */
const StoredId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/** The cursor's JSON: `e` the last event's (ts, id), `v` the last visitor's id; a list that is finished is absent. */
const cursorFields = z
  .strictObject({ e: z.tuple([z.number().int().min(0), StoredId]).optional(), v: StoredId.optional() })
  .refine((c) => c.e !== undefined || c.v !== undefined);
type CursorFields = z.infer<typeof cursorFields>;

/** The position a `next` cursor stands for; null for anything an export did not issue. */
export function readExportCursor(cursor: string): ExportPosition | null {
  const bytes = cursor.length <= 512 ? fromBase64url(cursor) : null;
  if (!bytes) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return null;
  }
  const parsed = cursorFields.safeParse(json);
  if (!parsed.success) return null;
  const { e, v } = parsed.data;
  return { events: e ? { ts: e[0], id: e[1] } : "done", visitors: v ? { id: v } : "done" };
}
