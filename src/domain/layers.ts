import { z } from "zod";
import { checkCondition, matchesCondition, type Condition } from "./conditions";
import type { Facts } from "./facts";
import type { ResolvedSegment } from "./segments";

/**
 * Content layers (README "Content layers"): ordered overrides on top of the segment's variant,
 * each with a condition over the lead's facts and its segment (`segment.id`, and `segment.path`:
 * the segment's groups and itself). Per slot, the first matching layer that has the slot wins;
 * a layer sets some fields of a CTA, offer or image and the variant's others stay (an offer's
 * code, a CTA's URL). One resolver for the script, the JSON API and email.
 */

const condition = z.record(z.string(), z.unknown()) as unknown as z.ZodType<Condition>;
const layerId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and - (max 63), starting with a letter or digit");

export const layerSchema = z.strictObject({
  id: layerId,
  name: z.string().min(1).max(120).optional(),
  /** Over the facts, plus `segment.id` and `segment.path` (e.g. `{"segment.path": {"$elemMatch": {"$eq": "enterprise"}}}`). */
  when: condition,
  /** Per slot id, what the layer sets: the slot kind's value, or for a CTA, offer or image some of its fields. Checked against the slot (validateLayers). */
  slots: z.record(z.string().min(1).max(63), z.unknown()),
});

export type LayerDef = z.infer<typeof layerSchema>;

/** The facts a layer's condition sees besides the lead's own. */
export const LAYER_FACTS: ReadonlySet<string> = new Set(["segment.id", "segment.path"]);

/** The layers whose condition holds for these facts in this segment, in order. */
export function matchingLayers(layers: readonly LayerDef[] | undefined, facts: Facts, segment: ResolvedSegment): LayerDef[] {
  if (!layers?.length) return [];
  const seen = { ...facts, segment: { id: segment.id, path: segment.path } };
  return layers.filter((layer) => matchesCondition(seen, layer.when));
}

/** A slot's value with the first matching layer that has the slot on top; `layer` names it (undefined: none). */
export function layered(slotId: string, value: unknown, layers: readonly LayerDef[]): { value: unknown; layer?: string } {
  const layer = layers.find((l) => Object.hasOwn(l.slots, slotId));
  if (!layer) return { value };
  const over = layer.slots[slotId];
  const merged = typeof over === "object" && over !== null && typeof value === "object" && value !== null ? { ...value, ...over } : over;
  return { value: merged, layer: layer.id };
}

type Problem = { path: (string | number)[]; message: string };

/**
 * Layers' references: unique ids, known slots, values of the slot's kind (`partialOf`: the
 * kind's schema, fields optional for objects), conditions over known facts.
 */
export function layerProblems(
  layers: unknown,
  slotKinds: ReadonlyMap<string, string>,
  partialOf: (kind: string) => z.ZodType | undefined,
  knownFact: (path: string) => boolean,
): Problem[] {
  if (!Array.isArray(layers)) return [];
  const problems: Problem[] = [];
  const ids = new Set<string>();
  layers.forEach((raw, i) => {
    const layer = (typeof raw === "object" && raw !== null ? raw : {}) as { id?: unknown; when?: unknown; slots?: unknown };
    if (typeof layer.id === "string") {
      if (ids.has(layer.id)) problems.push({ path: ["layers", i, "id"], message: `duplicate layer id "${layer.id}"` });
      ids.add(layer.id);
    }
    if (layer.when !== undefined) {
      for (const p of checkCondition(layer.when, (f) => knownFact(f) || LAYER_FACTS.has(f))) problems.push({ path: ["layers", i, "when", ...p.path], message: p.message });
    }
    const slots = typeof layer.slots === "object" && layer.slots !== null ? (layer.slots as Record<string, unknown>) : {};
    for (const [slotId, value] of Object.entries(slots)) {
      const at = ["layers", i, "slots", slotId];
      const kind = slotKinds.get(slotId);
      if (kind === undefined) {
        problems.push({ path: at, message: `"${slotId}" is not a slot` });
        continue;
      }
      const parsed = partialOf(kind)?.safeParse(value);
      for (const issue of parsed?.error?.issues ?? []) problems.push({ path: [...at, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: issue.message });
    }
  });
  return problems;
}
