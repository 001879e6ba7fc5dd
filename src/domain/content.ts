import type { CompiledConfig } from "./compile";
import { DEFAULT_SEGMENT_ID } from "./config";
import { ownValue } from "./own";

export type SlotContent =
  | { kind: "text"; text: string; variant: string }
  | { kind: "cta"; label: string; url: string; variant: string }
  | { kind: "offer"; title: string; body: string; code?: string; expiresAt?: string; variant: string }
  | { kind: "html"; html: string; variant: string }
  | { kind: "image"; src: string; alt: string; variant: string };

/**
 * Each slot's content for a segment: the segment's own variant, else the nearest
 * ancestor's, else `default`. An offer past its `expiresAt` is skipped as if absent; one still
 * running answers its `expiresAt` in UTC (`…Z`), the one form every time in a response has.
 * `slotIds` limits the answer (unknown ids are ignored); all slots when absent or empty.
 */
export function chooseSlots(
  config: CompiledConfig,
  segmentPath: string[],
  now: number,
  slotIds?: string[],
): Record<string, SlotContent> {
  const lookup = [...segmentPath].reverse();
  if (lookup.at(-1) !== DEFAULT_SEGMENT_ID) lookup.push(DEFAULT_SEGMENT_ID);
  const out: Record<string, SlotContent> = {};
  for (const [slotId, slot] of Object.entries(config.doc.slots)) {
    if (slotIds && slotIds.length > 0 && !slotIds.includes(slotId)) continue;
    for (const segmentId of lookup) {
      const value = ownValue<unknown>(slot.variants, segmentId);
      if (value === undefined) continue;
      if (slot.kind === "offer") {
        const offer = value as { expiresAt?: string };
        if (offer.expiresAt && Date.parse(offer.expiresAt) <= now) continue;
      }
      out[slotId] = toContent(slot.kind, value, segmentId);
      break;
    }
  }
  return out;
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
