import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { compileConfig } from "../domain/compile";
import { ANONYMOUS, evaluateLead } from "../domain/evaluate";
import { formatPath } from "../domain/json-path";
import { checkGivenFacts } from "../domain/what-if";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { adminBodyErrors, adminJsonBody, adminSecurity, ConfigDocumentIn, requireAdmin } from "./admin-common";
import { Email, notFound, SegmentOut, SlotOut } from "./schemas";
import { Timestamp } from "./timestamp";

const Label = z.string().trim().min(1).max(120).toLowerCase();

/** Facts stated instead of derived; the same normalization as stored traits. */
const GivenFactsIn = z
  .strictObject({
    company: z
      .strictObject({
        employees: z.number().int().min(0),
        industry: Label,
        revenue: z.number().min(0),
        country: z.string().trim().regex(/^[A-Za-z]{2}$/).toUpperCase(),
        domain: z.string().trim().toLowerCase().max(253),
        custom: z.record(z.string().max(63), z.union([z.string(), z.number(), z.boolean()])),
      })
      .partial(),
    person: z
      .strictObject({ role: Label, seniority: Label, department: Label, custom: z.record(z.string().max(63), z.union([z.string(), z.number(), z.boolean()])) })
      .partial(),
    account: z
      .strictObject({
        domain: z.string().trim().toLowerCase().max(253),
        name: z.string().max(200),
        tier: z.number().int().min(1).max(3),
        owner: z.string().max(200),
        technologies: z.array(Label).max(100),
        engagedContacts: z.number().int().min(0),
        score: z.number().min(0),
        roles: z.array(Label).max(100),
        seniorities: z.array(Label).max(100),
      })
      .partial()
      .openapi(LF_OPENAPI_DOCS ? { description: "The lead's account facts (README \"Accounts\"), e.g. `{\"engagedContacts\": 3}`" } : {}),
    signals: z.record(z.string(), z.number().int().min(0)),
    engagement: z.strictObject({ score: z.number().min(0), level: z.enum(["high", "medium", "low"]) }).partial(),
    fit: z.strictObject({ score: z.number() }).partial(),
    score: z.number().min(0).max(100),
    context: z
      .strictObject({
        country: z.string().trim().regex(/^[A-Za-z]{2}$/).toUpperCase(),
        language: z.string().trim().toLowerCase().max(16),
        path: z.string().startsWith("/").max(512),
        utm: z.record(z.string().regex(/^[a-z_]{1,32}$/), z.string().max(200)),
      })
      .partial(),
  })
  .partial()
  .openapi("GivenFacts", LF_OPENAPI_DOCS ? { description: "Facts used as given; every other fact is derived as usual (from the lead when `email` is sent)" } : {});

const Body = z
  .strictObject({
    facts: GivenFactsIn.optional(),
    email: Email.optional().openapi(LF_OPENAPI_DOCS ? { description: "Evaluate this lead (traits and activity), with `facts` overriding" } : {}),
    config: ConfigDocumentIn.optional().openapi(LF_OPENAPI_DOCS ? { description: "A draft document: validated, used for this evaluation only, never stored" } : {}),
    at: Timestamp.optional().openapi(LF_OPENAPI_DOCS ? {
      description: "Evaluate as of this time (ISO 8601 with an offset or Z, or epoch ms); now when absent",
      example: "2026-12-01T09:00:00Z",
    } : {}),
    slots: z.array(z.string().max(63)).max(50).optional(),
  })
  .refine((b) => b.facts !== undefined || b.email !== undefined, { message: "send facts, an email, or both", path: ["facts"] });

const ClauseOut = z.object({
  from: z.string().openapi(LF_OPENAPI_DOCS ? { description: "The segment (itself or an ancestor) whose condition it is" } : {}),
  clause: z.record(z.string(), z.unknown()).openapi(LF_OPENAPI_DOCS ? { description: "The part of the condition" } : {}),
  saw: z.record(z.string(), z.unknown()).openapi(LF_OPENAPI_DOCS ? { description: "The fact values it looked at (null: missing)" } : {}),
});

const TraceEntryOut = z
  .object({
    segment: z.string(),
    matched: z.boolean(),
    failed: z.array(ClauseOut).optional().openapi(LF_OPENAPI_DOCS ? { description: "A miss: the clauses that failed" } : {}),
    held: z.array(ClauseOut).optional().openapi(LF_OPENAPI_DOCS ? { description: "The match: the clauses that held, e.g. `account.engagedContacts` 3" } : {}),
  })
  .openapi("TraceEntry");

const ScoresOut = z
  .object({
    engagement: z.object({
      score: z.number(),
      level: z.enum(["high", "medium", "low"]),
      halfLifeDays: z.number(),
      components: z.array(
        z.object({ event: z.string(), category: z.string().nullable(), points: z.number(), count: z.number(), raw: z.number(), decayed: z.number() }),
      ),
    }),
    fit: z.object({ score: z.number(), items: z.array(z.object({ id: z.string(), label: z.string(), points: z.number(), matched: z.boolean() })) }),
    score: z.object({ value: z.number(), fitWeight: z.number(), engagementWeight: z.number() }),
  })
  .openapi("ScoreExplanation");

const EvaluationOut = z
  .object({
    segment: SegmentOut,
    slots: z.record(z.string(), SlotOut),
    trace: z.array(TraceEntryOut).openapi(LF_OPENAPI_DOCS ? { description: "Every segment tried, in order, until the match" } : {}),
    layers: z.array(z.string()).openapi(LF_OPENAPI_DOCS ? { description: "The content layers whose condition held, in order; each slot's `layer` names the one that supplied it" } : {}),
    facts: z.record(z.string(), z.unknown()).openapi(LF_OPENAPI_DOCS ? { description: "The facts the conditions saw" } : {}),
    scores: ScoresOut,
    config: z.object({ version: z.number().int().nullable(), draft: z.boolean() }),
    at: z.string(),
  })
  .openapi("Evaluation");

export const adminEvaluateRoute = createRoute({
  method: "post",
  path: "/v1/admin/evaluate",
  tags: ["admin"],
  security: adminSecurity,
  summary: LF_OPENAPI_DOCS ? "What-if: which segment and content for these facts or this lead, with which configuration, when" : "",
  description: LF_OPENAPI_DOCS
    ? "Nothing is recorded or stored. With `config`, the draft is validated (422 with paths under `config`) and used instead " +
      "of the active version; what `/v1/personalize` serves does not change."
    : "",
  middleware: [requireAdmin, adminJsonBody] as const,
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    200: { content: { "application/json": { schema: EvaluationOut } }, description: LF_OPENAPI_DOCS ? "The evaluation and why" : "" },
    ...adminBodyErrors,
    ...notFound,
  },
});

export const adminEvaluateHandler: RouteHandler<typeof adminEvaluateRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const config = body.config ? compileConfig(body.config) : c.var.config;
  const problems = checkGivenFacts(config.doc, body.facts);
  if (problems.length > 0) {
    const details = problems.map((p) => ({ path: formatPath(["facts", ...p.path]), message: p.message }));
    throw new ApiError(422, "validation_failed", "The facts do not fit the configuration.", details);
  }
  const lead = body.email ? await c.var.store.loadByEmail(body.email) : { ...ANONYMOUS, leadId: null };
  if (body.email && !lead.leadId) throw new ApiError(404, "not_found", "No lead has this email.");
  const at = body.at ?? c.var.now;
  const result = evaluateLead(config, lead, {}, at, { given: body.facts, slots: body.slots, explain: true });
  return c.json(
    {
      segment: result.segment,
      slots: result.slots,
      trace: result.trace,
      layers: result.layers,
      facts: result.facts as unknown as Record<string, unknown>,
      scores: result.explanation,
      config: { version: body.config ? null : c.var.configVersion, draft: body.config !== undefined },
      at: new Date(at).toISOString(),
    },
    200,
  );
};
