import type { CompiledConfig } from "./compile";
import type { EventType } from "./config";
import { DEFAULT_SEGMENT_ID } from "./config";
import { chooseSlots } from "./content";
import type { LayerDef } from "./layers";
import type { EmailTokenPayload, EmailTokenPurpose } from "./email-tokens";
import type { AgentVerdict, MailAgent } from "./mail-agents";
import { ownValue } from "./own";
import { hmacSha256 } from "./tokens";

/** A hit on an email link (`/r/<token>`, a click) or image (`/i/<token>`, an open). */
export type HitKind = "click" | "open";

interface HitSpec {
  purpose: EmailTokenPurpose;
  event: EventType;
  /** The slot kind the hit leads to: a CTA's URL or an image's source. */
  slotKind: "cta" | "image";
  /** Hits on one token within this long count once (double clicks, re-opens, scanner retries). */
  windowMs: number;
}

export const EMAIL_HITS: Record<HitKind, HitSpec> = {
  click: { purpose: "link", event: "email_click", slotKind: "cta", windowMs: 10 * 60_000 },
  open: { purpose: "image", event: "email_open", slotKind: "image", windowMs: 60 * 60_000 },
};

/**
 * The event category a hit is stored under. Only `email` earns engagement points in the
 * default configuration; `proxy` and `scanner` hits are kept (for reporting) at 0 points.
 */
export const AGENT_CATEGORY: Record<MailAgent, string> = { person: "email", proxy: "proxy", scanner: "scanner" };

export interface EmailHitEvent {
  event: { id: string; type: EventType; category: string; ts: number; path: null; props: string };
  /**
   * Dedupe: the event is inserted only if the previous window's event for this token is
   * absent or older than `since`. With the id being per window, one hit per token counts at
   * most once in any `windowMs` (a sliding window, not only within one fixed bucket).
   */
  previousId: string;
  since: number;
}

/**
 * The event one hit records. Its id is derived from the token, the category and the time
 * bucket, so a repeat within the window hits the same key and INSERT OR IGNORE drops it
 * atomically in SQL. A machine's hit uses another category, hence another id: a scanner's
 * visit never swallows the person's click that follows it. `secret` is LF_LINK_SECRET.
 */
export async function emailHitEvent(
  secret: string,
  kind: HitKind,
  token: string,
  payload: EmailTokenPayload,
  verdict: AgentVerdict,
  now: number,
): Promise<EmailHitEvent> {
  const { event, windowMs } = EMAIL_HITS[kind];
  const category = AGENT_CATEGORY[verdict.agent];
  const bucket = Math.floor(now / windowMs);
  const props = { slot: payload.s, ...(payload.c ? { campaign: payload.c } : {}), ...(verdict.reason ? { flagged: verdict.reason } : {}) };
  return {
    event: { id: await windowEventId(secret, kind, token, category, bucket), type: event, category, ts: now, path: null, props: JSON.stringify(props) },
    previousId: await windowEventId(secret, kind, token, category, bucket - 1),
    since: now - windowMs,
  };
}

/**
 * A UUID-shaped (version 8, RFC 9562) HMAC-SHA256, under LF_LINK_SECRET, of what identifies
 * one hit window. Keyed, so the id cannot be computed from the link (a plain hash of the
 * token could be, by anyone who saw it). The `email-hit` label keeps these MACs apart from
 * the tokens' own (those cover `<purpose>.<body>`).
 */
export async function windowEventId(secret: string, kind: HitKind, token: string, category: string, bucket: number): Promise<string> {
  const bytes = (await hmacSha256(secret, `email-hit|${kind}|${category}|${bucket}|${token}`)).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Where a hit leads: the URL (CTA `url` or image `src`) of the slot's variant for the
 * segment `segmentPath`, resolved now. Without a usable slot (bad token, slot removed or
 * of another kind) it falls back to the `default` variant of the first slot of the kind.
 * Null when the configuration has no slot of that kind at all.
 */
export function hitDestination(
  config: CompiledConfig,
  kind: HitKind,
  slotId: string | null,
  segmentPath: string[],
  now: number,
  layers: readonly LayerDef[] = [],
): string | null {
  const { slotKind } = EMAIL_HITS[kind];
  const usable = slotId !== null && ownValue(config.doc.slots, slotId)?.kind === slotKind;
  const fallback = Object.entries(config.doc.slots).find(([, slot]) => slot.kind === slotKind)?.[0];
  const [chosenSlot, path] = usable ? [slotId, segmentPath] : [fallback, [DEFAULT_SEGMENT_ID]];
  if (!chosenSlot) return null;
  const content = chooseSlots(config, path, now, [chosenSlot], usable ? layers : [])[chosenSlot];
  if (content?.kind === "cta") return content.url;
  if (content?.kind === "image") return content.src;
  return null;
}
