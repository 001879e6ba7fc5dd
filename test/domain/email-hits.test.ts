import { describe, expect, it } from "vitest";
import { shippedConfig } from "../../src/config/shipped";
import { EMAIL_HITS, emailHitEvent, hitDestination, windowEventId } from "../../src/domain/email-hits";
import { unkeyedWindowId } from "../support/email";

const NOW = Date.UTC(2026, 10, 23, 12);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const payload = { l: "lead-1", s: "primary-cta", c: "spring", exp: NOW / 1000 + 3600 };
const person = { agent: "person" as const, reason: null };
const SECRET = "link-secret";

describe("email hit events", () => {
  it("derive a UUID-shaped id from token, kind, category and time bucket", async () => {
    const id = await windowEventId(SECRET, "click", "tok", "email", 7);
    expect(id).toMatch(UUID);
    expect(await windowEventId(SECRET, "click", "tok", "email", 7)).toBe(id);
    expect(await windowEventId(SECRET, "click", "tok", "email", 8)).not.toBe(id);
    expect(await windowEventId(SECRET, "click", "tok", "scanner", 7)).not.toBe(id);
    expect(await windowEventId(SECRET, "open", "tok", "email", 7)).not.toBe(id);
    expect(await windowEventId(SECRET, "click", "tok2", "email", 7)).not.toBe(id);
  });

  it("key the id with the link secret, so it cannot be computed from the link", async () => {
    const bucket = Math.floor(NOW / EMAIL_HITS.click.windowMs);
    const hit = await emailHitEvent(SECRET, "click", "tok", payload, person, NOW);
    expect(hit.event.id).toBe(await windowEventId(SECRET, "click", "tok", "email", bucket));
    expect(hit.previousId).toBe(await windowEventId(SECRET, "click", "tok", "email", bucket - 1));
    expect(hit.event.id).not.toBe(await unkeyedWindowId("click", "tok", "email", bucket));
    expect(hit.previousId).not.toBe(await unkeyedWindowId("click", "tok", "email", bucket - 1));
    const other = await emailHitEvent("another-secret", "click", "tok", payload, person, NOW);
    expect(other.event.id).toMatch(UUID);
    expect(other.event.id).not.toBe(hit.event.id);
  });

  it("give the same id within one window and point at the previous window", async () => {
    const window = EMAIL_HITS.click.windowMs;
    const start = Math.floor(NOW / window) * window;
    const a = await emailHitEvent(SECRET, "click", "tok", payload, person, start);
    const b = await emailHitEvent(SECRET, "click", "tok", payload, person, start + window - 1);
    const c = await emailHitEvent(SECRET, "click", "tok", payload, person, start + window);
    expect(b.event.id).toBe(a.event.id);
    expect(c.event.id).not.toBe(a.event.id);
    expect(c.previousId).toBe(a.event.id);
    expect(c.since).toBe(start);
    expect(a.event).toMatchObject({ type: "email_click", category: "email", ts: start, path: null });
    expect(JSON.parse(a.event.props)).toEqual({ slot: "primary-cta", campaign: "spring" });
  });

  it("store flagged hits under their own category with the reason", async () => {
    const hit = await emailHitEvent(SECRET, "open", "tok", { s: "banner", exp: 1 }, { agent: "proxy", reason: "apple-mpp" }, NOW);
    expect(hit.event).toMatchObject({ type: "email_open", category: "proxy" });
    expect(JSON.parse(hit.event.props)).toEqual({ slot: "banner", flagged: "apple-mpp" });
    expect(hit.event.id).not.toBe((await emailHitEvent(SECRET, "open", "tok", { s: "banner", exp: 1 }, person, NOW)).event.id);
  });
});

describe("hitDestination", () => {
  const config = shippedConfig();

  it("is the slot's variant for the segment given", () => {
    expect(hitDestination(config, "click", "primary-cta", ["smb", "smb-qualified"], NOW)).toBe("/demo/contact?plan=trial");
    expect(hitDestination(config, "click", "primary-cta", ["smb", "smb-nurture"], NOW)).toBe("/demo/pricing?guide=value");
    expect(hitDestination(config, "open", "banner", ["enterprise", "enterprise-warm"], NOW)).toBe("/demo/img/banner-enterprise.png");
  });

  it("falls back to the default variant of the first slot of the kind when the slot is unusable", () => {
    expect(hitDestination(config, "click", null, ["smb", "smb-qualified"], NOW)).toBe("/demo/contact");
    expect(hitDestination(config, "click", "hero", ["smb", "smb-qualified"], NOW)).toBe("/demo/contact");
    expect(hitDestination(config, "click", "no-such-slot", ["smb", "smb-qualified"], NOW)).toBe("/demo/contact");
    expect(hitDestination(config, "open", "primary-cta", ["smb", "smb-qualified"], NOW)).toBe("/demo/img/banner-default.png");
  });

  it("is null when the configuration has no slot of the kind", () => {
    const { banner: _, ...slots } = config.doc.slots;
    expect(hitDestination({ ...config, doc: { ...config.doc, slots } }, "open", "banner", ["default"], NOW)).toBeNull();
  });
});
