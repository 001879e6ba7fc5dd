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
    facts: z
      .object({ company: z.record(z.string(), z.unknown()), person: z.record(z.string(), z.unknown()) })
      .openapi(LF_OPENAPI_DOCS ? {
        description: "The company and person facts conditions see: the trusted traits, filled by the account, then by claims (`explanation.scores.sources` names each value not from the trusted traits)",
      } : {}),
    claimedTraits: z.record(z.string(), z.unknown()).openapi(LF_OPENAPI_DOCS ? {
      description: "Traits the visitor stated in forms (`forms.fields`): used only where neither a trusted trait nor the account has the field",
    } : {}),
    account: z
      .object({
        domain: z.string(),
        link: z.enum(["company.domain", "email", "network"]),
        name: z.string().optional(),
        tier: z.number().optional(),
        owner: z.string().optional(),
        technologies: z.array(z.string()),
        engagedContacts: z.number().int(),
        score: z.number(),
        roles: z.array(z.string()),
        seniorities: z.array(z.string()),
      })
      .nullable()
      .openapi(LF_OPENAPI_DOCS ? { description: "The lead's account (`account.*` facts as of now) and how it is linked; null without one" } : {}),
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
    facts: { company: result.facts.company, person: result.facts.person },
    claimedTraits: (lead.claimed ?? {}) as Record<string, unknown>,
    account: lead.account ? { ...result.facts.account, domain: lead.account.domain, link: lead.account.link ?? "email" } : null,
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
