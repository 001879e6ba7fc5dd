import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LeadStore } from "../../src/db/store";
import { EMAIL_HITS, emailHitEvent, windowEventId } from "../../src/domain/email-hits";
import { signToken } from "../../src/domain/tokens";
import { countRows, getLead, jsonOf, newEmail, newVisitorId, sendEvents } from "../support/harness";
import { otherSpellings } from "../support/base64url";
import { fetchCountingD1 } from "../support/counting-d1";
import { EVENTS } from "../support/events-table";
import { BROWSER_UA, emailContent, follow, landing, leadIdOf, ORIGIN, smbLead, tokenOf, unkeyedWindowId, viewPricingThreeTimes } from "../support/email";

const NURTURE_CTA = `${ORIGIN}/demo/pricing?guide=value`;
const QUALIFIED_CTA = `${ORIGIN}/demo/contact?plan=trial`;
const DEFAULT_CTA = `${ORIGIN}/demo/contact`;
const PROOFPOINT_UA = "Mozilla/5.0 (compatible; Proofpoint URL Defense)";

async function linkFor(email: string, campaign = "spring") {
  const body = await emailContent({ email, slots: "primary-cta", campaign });
  return body.links["primary-cta"]!;
}

const clicksOf = (leadId: string, category = "email") => countRows("events", "lead_id = ? AND type = 'email_click' AND category = ?", leadId, category);

function engagementComponent(report: any, event: string) {
  return report.explanation.scores.engagement.components.find((c: { event: string; category: string | null }) => c.event === event && c.category === null);
}

describe("GET /r/<token>", () => {
  it("redirects a link made while the lead was smb-nurture to the smb-qualified CTA once it crossed over", async () => {
    const email = newEmail();
    await smbLead(email);
    const link = await linkFor(email);
    expect((await getLead(email)).segment.id).toBe("smb-nurture");

    await viewPricingThreeTimes(email);
    expect((await getLead(email)).segment.id).toBe("smb-qualified");

    const res = await follow(link);
    expect(res.status).toBe(302);
    expect(landing(res)).toBe(QUALIFIED_CTA);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await clicksOf(await leadIdOf(email))).toBe(1);
  });

  it("redirects to the lead's CTA as it is at click time, before and after crossing over", async () => {
    const email = newEmail();
    await smbLead(email);
    const link = await linkFor(email);
    expect(landing(await follow(link))).toBe(NURTURE_CTA);
    await viewPricingThreeTimes(email);
    expect(landing(await follow(link))).toBe(QUALIFIED_CTA);
  });

  it("records the click as engagement with the configured points, in the same round trip as the redirect", async () => {
    const email = newEmail();
    await smbLead(email);
    const link = await linkFor(email, "drip-2");
    const before = await getLead(email);
    const { response, counts, roundTrips } = await fetchCountingD1(new Request(link, { headers: { "user-agent": BROWSER_UA } }));
    expect(response.status).toBe(302);
    expect(counts.batch + counts.statement).toBe(1);
    // After the response at most one write: the ledger review, only when the segment differs from the recorded one.
    expect(roundTrips).toBeLessThanOrEqual(2);

    const after = await getLead(email);
    expect(after.engagement.score).toBeCloseTo(before.engagement.score + 3, 1);
    expect(engagementComponent(after, "email_click")).toMatchObject({ points: 3, count: 1 });
    expect(after.signals.email_clicks_30d).toBe(1);
    const row = await env.DB.prepare(`SELECT category, props, path FROM ${EVENTS} AS events WHERE lead_id = ? AND type = 'email_click'`)
      .bind(await leadIdOf(email))
      .first();
    expect(row).toEqual({ category: "email", props: JSON.stringify({ slot: "primary-cta", campaign: "drip-2" }), path: null });
  });

  it("counts a double click (or any repeat within the window) once, and still redirects every time", async () => {
    const email = newEmail();
    await smbLead(email);
    const link = await linkFor(email);
    const responses = await Promise.all([follow(link), follow(link), follow(link)]);
    for (const res of responses) expect(landing(res)).toBe(NURTURE_CTA);
    expect((await follow(link)).status).toBe(302);
    const leadId = await leadIdOf(email);
    expect(await clicksOf(leadId)).toBe(1);
    expect(engagementComponent(await getLead(email), "email_click")).toMatchObject({ count: 1 });
    // Another link (another send) is another click.
    await follow(await linkFor(email, "another"));
    expect(await clicksOf(leadId)).toBe(2);
  });

  it("records the click even when another visitor sent its event id first: ids are per lead", async () => {
    const email = newEmail();
    await smbLead(email);
    const link = await linkFor(email);
    const token = tokenOf(link);
    // The attacker pre-inserts, under their own visitor, the ids of this window, the one
    // before (the sliding-window check) and the next (a bucket edge before the click): as
    // ids used to be derived (from the link alone) and as they are (keyed, here with the
    // secret an attacker would not have, to show that even knowing the id does not help).
    const bucket = Math.floor(Date.now() / EMAIL_HITS.click.windowMs);
    const buckets = [bucket - 1, bucket, bucket + 1];
    const ids = await Promise.all([
      ...buckets.map((b) => unkeyedWindowId("click", token, "email", b)),
      ...buckets.map((b) => windowEventId(env.LF_LINK_SECRET, "click", token, "email", b)),
    ]);
    const attacker = newVisitorId();
    const sent = await sendEvents(attacker, ids.map((id) => ({ id, type: "cta_click", url: "/" })));
    expect(await jsonOf(sent)).toMatchObject({ accepted: 6 });

    expect(landing(await follow(link))).toBe(NURTURE_CTA);
    expect(await clicksOf(await leadIdOf(email))).toBe(1);
    const lead = await getLead(email);
    expect(lead.signals.email_clicks_30d).toBe(1);
    expect(engagementComponent(lead, "email_click")).toMatchObject({ count: 1 });
  });

  it("sends tampered, expired, wrong-purpose and unknown tokens to the default CTA and records nothing", async () => {
    const email = newEmail();
    await smbLead(email);
    await viewPricingThreeTimes(email);
    const leadId = await leadIdOf(email);
    const link = await linkFor(email);
    const [body, mac] = tokenOf(link).split(".") as [string, string];
    const now = Math.floor(Date.now() / 1000);
    const secret = env.LF_LINK_SECRET;
    const forged = btoa(JSON.stringify({ l: leadId, s: "primary-cta", exp: now + 999_999 })).replace(/=+$/, "");
    const image = (await emailContent({ email, slots: "banner" })).images.banner!;
    const tokens = [
      `${forged}.${mac}`,
      `${body}.${mac.slice(0, -3)}AAA`,
      `${body}x.${mac}`,
      // The same signature spelled another way: counting it would let one click count four times.
      ...otherSpellings(mac).map((variant) => `${body}.${variant}`),
      await signToken(secret, "link", { l: leadId, s: "primary-cta", exp: now - 1 }),
      await signToken("some-other-secret", "link", { l: leadId, s: "primary-cta", exp: now + 3600 }),
      await signToken(secret, "preview", { l: leadId, s: "primary-cta", exp: now + 3600 }),
      tokenOf(image),
      "not-a-token",
      "a".repeat(3000),
    ];
    const eventsBefore = await countRows("events");
    for (const token of tokens) {
      const res = await follow(`/r/${token}`);
      expect(res.status).toBe(302);
      expect(landing(res)).toBe(DEFAULT_CTA);
    }
    // The genuine link still goes where the lead belongs now.
    expect(await countRows("events", "lead_id = ?", leadId)).toBe(3);
    expect(await countRows("events")).toBe(eventsBefore);
  });

  it("sends a genuine token for a lead that does not exist (any more) to the default CTA, creating nothing", async () => {
    const ghost = crypto.randomUUID();
    const token = await signToken(env.LF_LINK_SECRET, "link", { l: ghost, s: "primary-cta", exp: Math.floor(Date.now() / 1000) + 3600 });
    const { response, roundTrips } = await fetchCountingD1(new Request(`${ORIGIN}/r/${token}`, { headers: { "user-agent": BROWSER_UA } }));
    expect(landing(response)).toBe(DEFAULT_CTA);
    expect(roundTrips).toBe(1);
    expect(await countRows("events", "lead_id = ?", ghost)).toBe(0);
    expect(await countRows("leads", "id = ?", ghost)).toBe(0);
  });

  it("gives a link sent to an unknown email the default CTA, recording nothing and touching no database", async () => {
    const email = newEmail();
    const link = await linkFor(email);
    const eventsBefore = await countRows("events");
    const { response, roundTrips } = await fetchCountingD1(new Request(link, { headers: { "user-agent": BROWSER_UA } }));
    expect(landing(response)).toBe(DEFAULT_CTA);
    expect(roundTrips).toBe(0);
    expect(await countRows("events")).toBe(eventsBefore);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("never ends on an error page, even for a path with a slash in the token", async () => {
    const res = await follow("/r/abc/def");
    expect(res.status).toBe(302);
    const next = await follow(res.headers.get("location")!);
    expect(next.status).toBe(302);
    expect(landing(next)).toBe(DEFAULT_CTA);
  });

  it("flags link scanners: recorded as `scanner`, no engagement, and the reader's own click still counts", async () => {
    const email = newEmail();
    await smbLead(email);
    const leadId = await leadIdOf(email);
    const link = await linkFor(email);
    const before = await getLead(email);

    expect(landing(await follow(link, { "user-agent": PROOFPOINT_UA }))).toBe(NURTURE_CTA);
    expect((await follow(link, { "user-agent": BROWSER_UA }, "HEAD")).status).toBe(302);
    expect((await follow(link, {})).status).toBe(302);
    expect(await clicksOf(leadId, "scanner")).toBe(1);
    const flagged = await env.DB.prepare(`SELECT props FROM ${EVENTS} AS events WHERE lead_id = ? AND category = 'scanner'`).bind(leadId).first<{ props: string }>();
    expect(JSON.parse(flagged!.props)).toMatchObject({ flagged: "proofpoint" });
    const scanned = await getLead(email);
    expect(scanned.engagement.score).toBeCloseTo(before.engagement.score, 2);
    expect(scanned.signals.email_clicks_30d).toBe(0);

    await follow(link);
    expect(await clicksOf(leadId)).toBe(1);
    expect((await getLead(email)).engagement.score).toBeCloseTo(before.engagement.score + 3, 1);
  });

  it("records nothing when the reader sends Global Privacy Control, and answers from the request alone", async () => {
    const email = newEmail();
    await smbLead(email);
    const link = await linkFor(email);
    const res = await follow(link, { "user-agent": BROWSER_UA, "sec-gpc": "1" });
    expect(landing(res)).toBe(DEFAULT_CTA);
    expect(await countRows("events", "lead_id = ?", await leadIdOf(email))).toBe(0);
  });

  it("counts one token at most once in any window, also across the edge of a time bucket (store, time given)", async () => {
    const email = newEmail();
    await smbLead(email);
    const leadId = await leadIdOf(email);
    const store = new LeadStore(env.DB);
    const window = EMAIL_HITS.click.windowMs;
    const edge = (Math.floor(Date.now() / window) - 5) * window;
    const payload = { l: leadId, s: "primary-cta", exp: 0 };
    const person = { agent: "person" as const, reason: null };
    const clickAt = async (ts: number) =>
      (await store.recordEmailHitAndLoad(leadId, await emailHitEvent(env.LF_LINK_SECRET, "click", "token-a", payload, person, ts))).recorded;

    expect(await clickAt(edge - 1_000)).toBe(true); // last second of one bucket
    expect(await clickAt(edge + 1_000)).toBe(false); // two seconds later, next bucket: same window
    expect(await clickAt(edge + window - 2_000)).toBe(false);
    expect(await clickAt(edge + window)).toBe(true); // a full window after the counted click
    expect(await clickAt(edge + window + 5)).toBe(false);
    expect(await clicksOf(leadId)).toBe(2);
  });
});
