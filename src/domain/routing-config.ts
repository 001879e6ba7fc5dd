import { z } from "zod";
import type { Condition } from "./conditions";
import { destinationUrlProblem } from "./destination-url";

/**
 * The configuration's `routing` section (README "Routing"): where a lead's change of segment
 * is sent, and to whom it is assigned. Validated with the rest of the document; its
 * references (segments, destinations, territory conditions) in `routingProblems`.
 */

/** A Worker secret or var, by name: `env:LF_WEBHOOK_SECRET`. No secret is ever in the document. */
export const ENV_REFERENCE = /^env:([A-Z][A-Z0-9_]{0,63})$/;
const envReference = z.string().regex(ENV_REFERENCE, 'must name a Worker secret, like "env:LF_WEBHOOK_SECRET"');
/**
 * A destination URL, or the secret that holds it (a Slack incoming-webhook URL is itself a
 * credential). Only https; which hosts a delivery may reach is checked again when it is sent
 * (src/domain/destination-url.ts), since a secret's value is only known then.
 */
const destinationUrl = z
  .string()
  .max(2048)
  .refine((url) => ENV_REFERENCE.test(url) || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/i.test(url), 'must be an https URL or "env:NAME"')
  .superRefine((url, ctx) => {
    // Loopback passes here (a local receiver, over http too) and is refused when sent unless
    // LF_DEV_ALLOW_LOOPBACK is set; anything else must be https and a public host.
    const problem = ENV_REFERENCE.test(url) || !/^https?:\/\//i.test(url) ? null : destinationUrlProblem(url, true);
    if (problem) ctx.addIssue({ code: "custom", message: `must be an https URL of a public host: it ${problem}` });
  });
const destinationName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lower-case letters, digits, - and _ (max 63)");

const destination = z.discriminatedUnion("type", [
  /** Standard Webhooks: signed with the `whsec_` secret(s) the reference holds (space-separated during a rotation). */
  z.strictObject({ type: z.literal("webhook"), url: destinationUrl, secret: envReference }),
  /** A Slack incoming webhook: a message naming the lead, the move and the sales action. */
  z.strictObject({ type: z.literal("slack"), url: destinationUrl }),
  /**
   * HubSpot (a private app's token): the contact upserted by email with `leadflare_segment`
   * and the owner (`hubspot_owner_id`), and a task associated with it unless `tasks: false`.
   */
  z.strictObject({ type: z.literal("hubspot"), token: envReference, baseUrl: destinationUrl.optional(), tasks: z.boolean().optional() }),
  /**
   * Salesforce (an access token for `instanceUrl`): the Lead with the email gets the owner
   * (`OwnerId`, assignment rules off) or, with none, the assignment rules; and a Task.
   */
  z.strictObject({
    type: z.literal("salesforce"), instanceUrl: destinationUrl, token: envReference,
    apiVersion: z.string().regex(/^v\d{2,3}\.\d$/).optional(), tasks: z.boolean().optional(),
  }),
]);

const condition = z.record(z.string(), z.unknown()) as unknown as z.ZodType<Condition>;
/** Owner ids (a CRM's owner or user ids), taken in turn. */
const pool = z.array(z.string().min(1).max(120)).min(1).max(200);

const rule = z.strictObject({
  on: z.enum(["enter", "exit"]),
  /** Segment or group ids: entering a group is entering any segment in it from outside it. */
  segments: z.array(z.string().min(1).max(63)).min(1).max(200),
  send: z.array(destinationName).min(1).max(20),
  /**
   * Who the lead is assigned to: with `accountOwner`, its account's owner when it has one (ABM:
   * the account's rep gets every contact); else the first territory whose condition holds for
   * the lead (the same condition language as segments), else `pool`; within a pool, in turn.
   */
  owners: z
    .strictObject({
      accountOwner: z.boolean().optional(),
      territories: z.array(z.strictObject({ name: z.string().min(1).max(120), when: condition, pool })).max(50).optional(),
      pool: pool.optional(),
    })
    .optional(),
});

export const routingSchema = z.strictObject({
  destinations: z.record(destinationName, destination),
  rules: z.array(rule).max(100),
  /**
   * Minutes after a delivery during which further changes of that lead to that destination
   * are held and sent as one net change at the end (none when the lead is back). Default 60.
   */
  quietMinutes: z.number().int().min(0).max(1440).optional(),
});

export type RoutingConfig = z.infer<typeof routingSchema>;
export type RoutingRule = RoutingConfig["rules"][number];
export type DestinationDef = RoutingConfig["destinations"][string];

export const DEFAULT_QUIET_MINUTES = 60;

interface Problem {
  path: (string | number)[];
  message: string;
}

type Loose = Record<string, unknown>;
const asObject = (v: unknown): Loose => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Loose) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * References of the routing section, read defensively like the rest of validateReferences:
 * rules name known segments or groups and configured destinations; territory conditions are
 * checked by `checkWhen` (the document's own condition check).
 */
export function routingProblems(
  routing: unknown,
  segmentIds: ReadonlySet<string>,
  checkWhen: (when: unknown, at: (string | number)[]) => Problem[],
): Problem[] {
  if (routing === undefined) return [];
  const problems: Problem[] = [];
  const destinations = new Set(Object.keys(asObject(asObject(routing).destinations)));
  asArray(asObject(routing).rules).forEach((r, i) => {
    const at = ["routing", "rules", i];
    asArray(asObject(r).segments).forEach((s, j) => {
      if (typeof s === "string" && !segmentIds.has(s)) problems.push({ path: [...at, "segments", j], message: `"${s}" is not a segment or group` });
    });
    asArray(asObject(r).send).forEach((d, j) => {
      if (typeof d === "string" && !destinations.has(d)) problems.push({ path: [...at, "send", j], message: `"${d}" is not a destination in routing.destinations` });
    });
    asArray(asObject(asObject(r).owners).territories).forEach((t, j) => {
      problems.push(...checkWhen(asObject(t).when, [...at, "owners", "territories", j, "when"]));
    });
  });
  return problems;
}
