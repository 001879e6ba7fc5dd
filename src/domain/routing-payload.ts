import type { CompiledConfig } from "./compile";
import { chooseSlots } from "./content";
import { buildEmailContent } from "./email-content";
import type { DestinationDef } from "./routing-config";
import { signWebhook, webhookSecrets } from "./webhook-signature";

/**
 * What a destination receives for a lead's change of segment. The body is the same for
 * every attempt (its times are the change's and the delivery's creation, its links signed at
 * creation), so a retry is byte for byte the message it repeats; only `webhook-timestamp`
 * and the signature are the attempt's own.
 */

export interface DeliveryFacts {
  id: string;
  lead_id: string;
  email: string;
  from_segment: string | null;
  to_segment: string;
  cause: string;
  at: number;
  config_version: number;
  owner: string | null;
  created_at: number;
}

/** What signs the click-time links in a payload (LF_LINK_SECRET, and where /r/ answers). */
export interface LinkSigning {
  secret: string;
  linkOrigin: string;
  siteOrigin: string;
}

export interface SegmentChanged {
  type: "lead.segment_changed";
  timestamp: string;
  data: {
    lead: { id: string; email: string };
    from: string | null;
    to: string;
    cause: string;
    at: string;
    configVersion: number;
    sales: { action: string | null; track: string | null; team: string | null; owner: string | null };
    links: Record<string, string>;
  };
}

/** The `lead.segment_changed` message: the move, the new segment's sales route, and signed links for its CTAs. */
export async function segmentChanged(config: CompiledConfig, d: DeliveryFacts, links: LinkSigning | null): Promise<SegmentChanged> {
  const sales = config.segments.get(d.to_segment)?.sales;
  return {
    type: "lead.segment_changed",
    timestamp: new Date(d.created_at).toISOString(),
    data: {
      lead: { id: d.lead_id, email: d.email },
      from: d.from_segment,
      to: d.to_segment,
      cause: d.cause,
      at: new Date(d.at).toISOString(),
      configVersion: d.config_version,
      sales: { action: sales?.action ?? null, track: sales?.track ?? null, team: sales?.owner ?? null, owner: d.owner },
      links: links ? await ctaLinks(config, d, links) : {},
    },
  };
}

/** Click-time links (`/r/<token>`, campaign `routing`) for every CTA the new segment is shown. */
async function ctaLinks(config: CompiledConfig, d: DeliveryFacts, signing: LinkSigning): Promise<Record<string, string>> {
  const candidate = config.candidates.find((c) => c.def.id === d.to_segment);
  if (!candidate) return {};
  const ctas = Object.entries(config.doc.slots).filter(([, slot]) => slot.kind === "cta").map(([id]) => id);
  const slots = chooseSlots(config, candidate.path, d.created_at, ctas);
  const segment = { id: candidate.def.id, name: candidate.def.name, path: candidate.path };
  const content = await buildEmailContent(segment, slots, {
    leadId: d.lead_id, campaign: "routing", now: d.created_at, ...signing,
  });
  return content.links;
}

/** A Slack incoming-webhook message: who moved, from where to where, and what sales should do. */
export function slackMessage(config: CompiledConfig, message: SegmentChanged): { text: string } {
  const name = (id: string | null) => (id === null ? "nowhere (first record)" : (config.segments.get(id)?.name ?? id));
  const { lead, from, to, sales } = message.data;
  const action = sales.action ? ` Sales action: ${sales.action}${sales.owner ? ` (owner ${sales.owner})` : ""}.` : "";
  return { text: `${lead.email} moved from ${name(from)} to ${name(to)} (${message.data.cause}).${action}` };
}

/** The HTTP request of one attempt: JSON, and for a webhook the Standard Webhooks headers. */
export async function buildRequest(
  config: CompiledConfig,
  type: DestinationDef["type"],
  delivery: DeliveryFacts,
  secret: string,
  links: LinkSigning | null,
  now: number,
): Promise<{ headers: Record<string, string>; body: string }> {
  const message = await segmentChanged(config, delivery, links);
  if (type === "slack") return { headers: { "content-type": "application/json" }, body: JSON.stringify(slackMessage(config, message)) };
  const body = JSON.stringify(message);
  return { headers: await webhookHeaders(secret, delivery.id, now, body), body };
}

/** Standard Webhooks headers for one attempt of message `id`. */
export async function webhookHeaders(secret: string, id: string, now: number, body: string): Promise<Record<string, string>> {
  const timestamp = Math.floor(now / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signWebhook(webhookSecrets(secret), id, timestamp, body),
  };
}
