import type { CompiledConfig } from "./compile";
import { chooseSlots, type SlotContent } from "./content";
import type { ResolvedSegment } from "./segments";
import { signToken, verifyToken } from "./tokens";

/**
 * Preview links: an admin opens a real page of the site as a chosen segment would see it.
 * The page URL carries `lf_preview=<token>`, a signed and expiring claim naming the
 * segment (purpose `preview`, so no other token can stand in for it). The site's script
 * passes it to /v1/personalize, which then serves that segment's content and records
 * nothing. A token that does not verify is ignored, never an error. Tokens are signed with
 * LF_PREVIEW_SECRET, not the email links' secret: replacing it revokes every preview link
 * and leaves every email ever sent working.
 */
export const PREVIEW_PARAM = "lf_preview";
export const PREVIEW_TTL_DEFAULT_S = 24 * 60 * 60;
export const PREVIEW_TTL_MAX_S = 7 * 24 * 60 * 60;

interface PreviewClaims {
  exp: number;
  /** The segment id. */
  seg: string;
}

/** The segment a preview may show: a resolvable (non-group) segment of this configuration. */
export function previewableSegment(config: CompiledConfig, segmentId: string): ResolvedSegment | null {
  const candidate = config.candidates.find((c) => c.def.id === segmentId);
  return candidate ? { id: candidate.def.id, name: candidate.def.name, path: candidate.path } : null;
}

export async function createPreviewLink(secret: string, segmentId: string, pageUrl: string, now: number, ttlSeconds: number) {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  const token = await signToken(secret, "preview", { exp, seg: segmentId } satisfies PreviewClaims);
  const url = new URL(pageUrl);
  url.searchParams.set(PREVIEW_PARAM, token);
  return { url: url.toString(), token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** What a valid preview token shows; null when the token is forged, altered, expired or names no segment. */
export async function resolvePreview(
  secret: string | undefined,
  token: string,
  config: CompiledConfig,
  now: number,
  slotIds?: string[],
): Promise<{ segment: ResolvedSegment; slots: Record<string, SlotContent> } | null> {
  if (!secret) return null;
  const claims = await verifyToken<PreviewClaims & { [k: string]: unknown }>(secret, "preview", token, now);
  if (!claims || typeof claims.seg !== "string") return null;
  const segment = previewableSegment(config, claims.seg);
  return segment ? { segment, slots: chooseSlots(config, segment.path, now, slotIds) } : null;
}
