import type { CompiledConfig } from "./compile";
import { DEFAULT_SEGMENT_ID, type ConfigDocument, type SlotDef, type SlotKind } from "./config";
import { layered, type LayerDef } from "./layers";
import { ownValue } from "./own";

/** `variant`: the segment variant used; `layer`: the content layer on top of it, if any (src/domain/layers.ts). */
type Origin = { variant: string; layer?: string };
export type SlotContent =
  | ({ kind: "text"; text: string } & Origin)
  | ({ kind: "cta"; label: string; url: string } & Origin)
  | ({ kind: "offer"; title: string; body: string; code?: string; expiresAt?: string } & Origin)
  | ({ kind: "html"; html: string } & Origin)
  | ({ kind: "image"; src: string; alt: string } & Origin);

/**
 * Each slot's content for a segment: the segment's own variant, else the nearest
 * ancestor's, else `default`. An offer past its `expiresAt` is skipped as if absent; one still
 * running answers its `expiresAt` in UTC (`…Z`), the one form every time in a response has.
 * `slotIds` limits the answer (unknown ids are ignored); all slots when absent or empty.
 * `layers`: the content layers that match the lead (matchingLayers), applied on top.
 */
export function chooseSlots(
  config: CompiledConfig,
  segmentPath: string[],
  now: number,
  slotIds?: string[],
  layers: readonly LayerDef[] = [],
): Record<string, SlotContent> {
  const lookup = lookupOrder(segmentPath);
  const out: Record<string, SlotContent> = {};
  for (const [slotId, slot] of Object.entries(config.doc.slots)) {
    if (slotIds && slotIds.length > 0 && !slotIds.includes(slotId)) continue;
    const found = variantOf(slot, lookup, now);
    if (!found) continue;
    const { value, layer } = layered(slotId, found.value, layers);
    out[slotId] = { ...toContent(slot.kind, value, found.variant), ...(layer ? { layer } : {}) };
  }
  return out;
}

/** Where a slot's content for a segment comes from: its own variant, a parent group's, or `default`. */
export interface SlotOrigin {
  kind: SlotKind;
  /** The variant used: the segment's own id, an ancestor's, or `default`. */
  variant: string;
  level: "own" | "parent" | "default";
  /** The variant's value as configured (a string, or the CTA/offer/image object). */
  value: unknown;
}

/**
 * The same choice as chooseSlots, told as where each value is inherited from (the console's
 * Segments page). A slot with no usable variant (only an expired offer) is absent.
 */
export function slotOrigins(slots: ConfigDocument["slots"], segmentPath: string[], now: number): Record<string, SlotOrigin> {
  const lookup = lookupOrder(segmentPath);
  const own = segmentPath.at(-1);
  const out: Record<string, SlotOrigin> = {};
  for (const [slotId, slot] of Object.entries(slots)) {
    const found = variantOf(slot, lookup, now);
    if (!found) continue;
    const level = found.variant === own ? "own" : found.variant === DEFAULT_SEGMENT_ID ? "default" : "parent";
    out[slotId] = { kind: slot.kind, variant: found.variant, level, value: found.value };
  }
  return out;
}

/** The segment itself, then its ancestors nearest first, then `default`. */
function lookupOrder(segmentPath: string[]): string[] {
  const lookup = [...segmentPath].reverse();
  if (lookup.at(-1) !== DEFAULT_SEGMENT_ID) lookup.push(DEFAULT_SEGMENT_ID);
  return lookup;
}

/** The first variant along `lookup` that exists and, for an offer, has not expired. */
function variantOf(slot: SlotDef, lookup: string[], now: number): { variant: string; value: unknown } | undefined {
  for (const segmentId of lookup) {
    const value = ownValue<unknown>(slot.variants, segmentId);
    if (value === undefined) continue;
    if (slot.kind === "offer") {
      const offer = value as { expiresAt?: string };
      if (offer.expiresAt && Date.parse(offer.expiresAt) <= now) continue;
    }
    return { variant: segmentId, value };
  }
  return undefined;
}

function toContent(kind: string, value: unknown, variant: string): SlotContent {
  switch (kind) {
    case "text":
      return { kind: "text", text: value as string, variant };
    case "html":
      return { kind: "html", html: value as string, variant };
    case "offer": {
      const offer = value as { expiresAt?: string };
      const expiresAt = offer.expiresAt === undefined ? {} : { expiresAt: new Date(offer.expiresAt).toISOString() };
      return { kind, ...offer, ...expiresAt, variant } as SlotContent;
    }
    default:
      return { kind, ...(value as object), variant } as SlotContent;
  }
}
