import { recordEmailHit } from "../app/recording";
import { afterResponse } from "./segment-review";
import type { Context } from "hono";
import { DEFAULT_SEGMENT_ID } from "../domain/config";
import { absoluteUrl } from "../domain/email-content";
import { EMAIL_HITS, emailHitEvent, hitDestination, type HitKind } from "../domain/email-hits";
import { readEmailToken } from "../domain/email-tokens";
import { evaluateLead } from "../domain/evaluate";
import { requestContext } from "../domain/events";
import { classifyMailAgent } from "../domain/mail-agents";
import { mintVerifyToken, withVerifyParam } from "../domain/verify-links";
import type { AppEnv } from "../env";
import { globalPrivacyControl } from "../middleware/privacy";
import { requireSiteOrigin } from "./email-origins";

/**
 * Shared by `/r/<token>` and `/i/<token>`: verify the token, record the hit (flagging
 * scanners and proxies) and load the lead in one round trip, resolve its segment now, and
 * return the absolute URL to redirect to. A bad, expired or lead-less token records
 * nothing and leads to the `default` segment's content. `url` is null when the
 * configuration has no slot of the kind at all. Without LF_SITE_ORIGIN nothing is recorded
 * and the request fails (503): there is nowhere trustworthy to send the reader.
 */
export async function emailHitTarget(c: Context<AppEnv>, kind: HitKind, token: string): Promise<{ url: string | null; site: string }> {
  const site = requireSiteOrigin(c.env);
  const { config, now } = c.var;
  const request = c.req.raw;
  const secret = c.env.LF_LINK_SECRET;
  const payload = await readEmailToken(secret, EMAIL_HITS[kind].purpose, token, now);
  let segmentPath = [DEFAULT_SEGMENT_ID];
  let layers: string[] = [];
  let verifyToken: string | null = null;
  // With GPC the reader asked not to be tracked: answered from the request alone, like the site API.
  if (payload?.l && !globalPrivacyControl(request)) {
    const asn = request.cf?.asn;
    const verdict = classifyMailAgent(kind, {
      method: request.method,
      userAgent: c.req.header("user-agent"),
      asn: typeof asn === "number" ? asn : undefined,
    });
    const recording = await recordEmailHit(c.var, { leadId: payload.l, hit: await emailHitEvent(secret, kind, token, payload, verdict, now) });
    afterResponse(c, recording.afterResponse);
    const lead = recording.result;
    if (lead.leadId) {
      const context = requestContext(undefined, request.cf?.country as string | undefined, c.req.header("accept-language"));
      const evaluated = evaluateLead(config, lead, context, now, { slots: [] });
      // Held out of its segment: the link goes where the default content's would.
      segmentPath = evaluated.holdout ? [DEFAULT_SEGMENT_ID] : evaluated.segment.path;
      layers = evaluated.layers;
      // A person's click lands verified: the page's script presents lf_verify (single use).
      if (kind === "click" && verdict.agent === "person") verifyToken = await mintVerifyToken(secret!, lead.leadId, now);
    }
  }
  const matched = (config.doc.layers ?? []).filter((l) => layers.includes(l.id));
  const url = hitDestination(config, kind, payload?.s ?? null, segmentPath, now, matched);
  if (url === null) return { url: null, site };
  const absolute = absoluteUrl(url, site);
  return { url: verifyToken ? withVerifyParam(absolute, site, verifyToken) : absolute, site };
}
