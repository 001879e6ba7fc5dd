import type { CompiledConfig } from "./compile";
import { DEFAULT_SEGMENT_ID } from "./config";
import { chooseSlots } from "./content";
import { buildFacts, type GivenFacts, type LeadInput, type RequestContext } from "./facts";
import { servedArm } from "./holdout";
import { matchingLayers } from "./layers";
import { resolveSegment } from "./segments";

/**
 * What a held-out lead gets instead of its segment's content: `none` on pages (the page's own
 * markup stays), `default` in email (an email needs some content).
 */
export type HeldOutContent = "none" | "default";

/**
 * Everything the API says about one lead at one moment: facts, segment, the content of
 * its slots, and why (score components; with `explain`, the trace of segments tried).
 * `holdout`: the lead is in its segment's control arm, so its slots are not the segment's
 * (`heldOut` says what they are instead); routing and the ledger still see the segment.
 */
export function evaluateLead(
  config: CompiledConfig,
  lead: LeadInput,
  context: RequestContext,
  now: number,
  options: { given?: GivenFacts; slots?: string[]; explain?: boolean; heldOut?: HeldOutContent } = {},
) {
  const { facts, explanation } = buildFacts(config.doc, lead, context, now, options.given);
  const { segment, trace } = resolveSegment(config, facts, options.explain);
  const holdout = servedArm(config.doc.experiments, lead, segment.id, DEFAULT_SEGMENT_ID) === "control";
  const contentPath = holdout ? [DEFAULT_SEGMENT_ID] : segment.path;
  // A held-out lead sees no personalization at all: no layer either.
  const layers = holdout ? [] : matchingLayers(config.doc.layers, facts, segment);
  const slots = holdout && (options.heldOut ?? "none") === "none" ? {} : chooseSlots(config, contentPath, now, options.slots, layers);
  return { facts, explanation, segment, trace, slots, holdout, layers: layers.map((l) => l.id) };
}

export const ANONYMOUS: LeadInput = { traits: {}, activity: [] };
