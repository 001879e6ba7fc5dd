import { describe, expect, it } from "vitest";
import { EMAIL_TOKEN_TTL_DAYS, emailTokenPayload, readEmailToken, signEmailToken } from "../../src/domain/email-tokens";
import { signToken } from "../../src/domain/tokens";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0, 500);
const SECRET = "email-secret";
const LEAD = "0b7e2c3a-5d7e-4c1f-9a55-1f2e3d4c5b6a";

describe("email tokens", () => {
  it("carry the lead id, slot, campaign and an expiry in seconds, with short names", () => {
    const payload = emailTokenPayload(LEAD, "primary-cta", "spring", NOW);
    expect(payload).toEqual({ l: LEAD, s: "primary-cta", c: "spring", exp: Math.floor(NOW / 1000) + EMAIL_TOKEN_TTL_DAYS * 86_400 });
    expect(emailTokenPayload(null, "hero", undefined, NOW)).toEqual({ s: "hero", exp: payload.exp });
  });

  it("round-trip for their purpose only, and expire", async () => {
    const payload = emailTokenPayload(LEAD, "primary-cta", "spring", NOW);
    const token = await signEmailToken(SECRET, "link", payload);
    expect(token.length).toBeLessThan(200);
    expect(await readEmailToken(SECRET, "link", token, NOW)).toEqual(payload);
    expect(await readEmailToken(SECRET, "image", token, NOW)).toBeNull();
    expect(await readEmailToken("other", "link", token, NOW)).toBeNull();
    expect(await readEmailToken("", "link", token, NOW)).toBeNull();
    expect(await readEmailToken(SECRET, "link", token, payload.exp * 1000)).toBeNull();
  });

  it("reject a genuine token whose payload is not an email payload", async () => {
    const token = await signToken(SECRET, "link", { exp: NOW / 1000 + 60, l: 42 });
    expect(await readEmailToken(SECRET, "link", token, NOW)).toBeNull();
    const withEmail = await signToken(SECRET, "link", { exp: NOW / 1000 + 60, s: "hero", c: "ada@example.com" });
    expect(await readEmailToken(SECRET, "link", withEmail, NOW)).toBeNull();
  });
});
