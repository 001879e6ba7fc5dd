import { z } from "@hono/zod-openapi";
import type { CompiledConfig } from "../domain/compile";
import { evaluateLead } from "../domain/evaluate";
import type { LeadInput } from "../domain/facts";
import { SegmentOut, SlotOut } from "./schemas";

/** What the server API says about a lead: traits, signals, scores, segment, and why. */
export const LeadReport = z
  .object({
    email: z.string(),
    traits: z.record(z.string(), z.unknown()),
    signals: z.record(z.string(), z.number()),
    engagement: z.object({ score: z.number(), level: z.enum(["high", "medium", "low"]) }),
    fit: z.object({ score: z.number() }),
    score: z.number(),
    segment: SegmentOut,
    sales: z.object({ action: z.string(), track: z.string(), owner: z.string().optional() }).nullable(),
    slots: z.record(z.string(), SlotOut),
    explanation: z.object({
      trace: z.array(z.unknown()).openapi(LF_OPENAPI_DOCS ? { description: "Every segment tried, in order; misses name the failing clauses and the values seen" } : {}),
      scores: z.unknown().openapi(LF_OPENAPI_DOCS ? { description: "Engagement components with decay applied, fit items, lead score weights" } : {}),
    }),
  })
  .openapi("LeadReport");

export function leadReport(config: CompiledConfig, email: string, lead: LeadInput, now: number): z.infer<typeof LeadReport> {
  const result = evaluateLead(config, lead, {}, now, { explain: true });
  const def = config.segments.get(result.segment.id);
  return {
    email,
    traits: lead.traits as Record<string, unknown>,
    signals: result.facts.signals,
    engagement: result.facts.engagement,
    fit: result.facts.fit,
    score: result.facts.score,
    segment: result.segment,
    sales: def?.sales ?? null,
    slots: result.slots,
    explanation: { trace: result.trace, scores: result.explanation },
  };
}
