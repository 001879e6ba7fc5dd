import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signToken } from "../../src/domain/tokens";
import { countRows, getLead, newEmail } from "../support/harness";
import { fetchCountingD1 } from "../support/counting-d1";
import { EVENTS } from "../support/events-table";
import { BROWSER_UA, emailContent, follow, leadIdOf, ORIGIN, smbLead, tokenOf, viewPricingThreeTimes } from "../support/email";

const NURTURE_IMAGE = `${ORIGIN}/demo/img/banner-smb-nurture.png`;
const QUALIFIED_IMAGE = `${ORIGIN}/demo/img/banner-smb-qualified.png`;
const DEFAULT_IMAGE = `${ORIGIN}/demo/img/banner-default.png`;
const APPLE_MAIL_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
const GMAIL_PROXY_UA = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";

async function imageFor(email: string, campaign = "spring") {
  return (await emailContent({ email, slots: "banner", campaign })).images.banner!;
}

const opensOf = (leadId: string, category: string) => countRows("events", "lead_id = ? AND type = 'email_open' AND category = ?", leadId, category);

function openComponent(report: any) {
  return report.explanation.scores.engagement.components.find((c: { event: string; category: string | null }) => c.event === "email_open" && c.category === null);
}

describe("GET /i/<token>", () => {
  it("records an open once per token per window, worth the configured points, and serves the segment's image uncached", async () => {
    const email = newEmail();
    await smbLead(email);
    const image = await imageFor(email);
    const before = await getLead(email);
    for (let i = 0; i < 3; i++) {
      const res = await follow(image, { "user-agent": APPLE_MAIL_UA });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(NURTURE_IMAGE);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    const leadId = await leadIdOf(email);
    expect(await opensOf(leadId, "email")).toBe(1);
    const after = await getLead(email);
    expect(openComponent(after)).toMatchObject({ points: 0.5, count: 1 });
    expect(after.engagement.score).toBeCloseTo(before.engagement.score + 0.5, 1);
  });

  it("serves the image of the lead's segment at open time, in one round trip", async () => {
    const email = newEmail();
    await smbLead(email);
    const image = await imageFor(email);
    await viewPricingThreeTimes(email);
    const { response, counts, roundTrips } = await fetchCountingD1(new Request(image, { headers: { "user-agent": BROWSER_UA } }));
    expect(response.headers.get("location")).toBe(QUALIFIED_IMAGE);
    expect(counts.batch + counts.statement).toBe(1);
    // After the response at most one write: the ledger review, only when the segment differs from the recorded one.
    expect(roundTrips).toBeLessThanOrEqual(2);
  });

  it("flags mail-privacy proxies and scanners: recorded under their own category, worth nothing", async () => {
    const email = newEmail();
    await smbLead(email);
    const leadId = await leadIdOf(email);
    const image = await imageFor(email);
    const before = await getLead(email);

    for (const ua of ["Mozilla/5.0", GMAIL_PROXY_UA]) {
      expect((await follow(image, { "user-agent": ua })).headers.get("location")).toBe(NURTURE_IMAGE);
    }
    // Apple MPP fetches from Apple's network (AS714) with Apple Mail's own user agent.
    const apple = await fetchCountingD1(new Request(image, { headers: { "user-agent": APPLE_MAIL_UA }, cf: { asn: 714 } }));
    expect(apple.response.headers.get("location")).toBe(NURTURE_IMAGE);
    await follow(image, {});

    // One per token and window per category: the three proxy fetches count as one proxy row.
    expect(await opensOf(leadId, "proxy")).toBe(1);
    expect(await opensOf(leadId, "scanner")).toBe(1);
    expect(await opensOf(leadId, "email")).toBe(0);
    const after = await getLead(email);
    expect(after.engagement.score).toBeCloseTo(before.engagement.score, 2);
    expect(openComponent(after)).toBeUndefined();
    const reasons = await env.DB.prepare(`SELECT props FROM ${EVENTS} AS events WHERE lead_id = ? ORDER BY category`).bind(leadId).all<{ props: string }>();
    expect(reasons.results.map((r) => JSON.parse(r.props).flagged)).toEqual(["apple-mpp", "no-user-agent"]);

    // The reader's own open still counts.
    await follow(image, { "user-agent": APPLE_MAIL_UA });
    expect(await opensOf(leadId, "email")).toBe(1);
  });

  it("serves the default image for tampered, expired, wrong-purpose and unknown tokens, recording nothing", async () => {
    const email = newEmail();
    await smbLead(email);
    const leadId = await leadIdOf(email);
    const image = await imageFor(email);
    const link = (await emailContent({ email, slots: "primary-cta" })).links["primary-cta"]!;
    const [body, mac] = tokenOf(image).split(".") as [string, string];
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      `${body}.${mac.slice(0, -3)}AAA`,
      await signToken(env.LF_LINK_SECRET, "image", { l: leadId, s: "banner", exp: now - 1 }),
      await signToken(env.LF_LINK_SECRET, "image", { l: crypto.randomUUID(), s: "banner", exp: now + 3600 }),
      tokenOf(link),
      "garbage",
    ];
    const eventsBefore = await countRows("events");
    for (const token of tokens) {
      const res = await follow(`/i/${token}`);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(DEFAULT_IMAGE);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    expect(await countRows("events")).toBe(eventsBefore);
  });
});
