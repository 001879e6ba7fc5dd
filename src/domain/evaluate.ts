import type { CompiledConfig } from "./compile";
import { chooseSlots } from "./content";
import { buildFacts, type GivenFacts, type LeadInput, type RequestContext } from "./facts";
import { resolveSegment } from "./segments";

/**
 * Everything the API says about one lead at one moment: facts, segment, the content of
 * its slots, and why (score components; with `explain`, the trace of segments tried).
 */
export function evaluateLead(
  config: CompiledConfig,
  lead: LeadInput,
  context: RequestContext,
  now: number,
  options: { given?: GivenFacts; slots?: string[]; explain?: boolean } = {},
) {
  const { facts, explanation } = buildFacts(config.doc, lead, context, now, options.given);
  const { segment, trace } = resolveSegment(config, facts, options.explain);
  const slots = chooseSlots(config, segment.path, now, options.slots);
  return { facts, explanation, segment, trace, slots };
}

export const ANONYMOUS: LeadInput = { traits: {}, activity: [] };
