import { describe, expect, it } from "vitest";
import { signToken, verifyToken } from "../../src/domain/tokens";
import { otherSpellings } from "../support/base64url";

const NOW = Date.UTC(2026, 10, 23, 12);
const SECRET = "secret-one";

describe("signed tokens", () => {
  it("verifies a genuine token before its expiry and returns the payload", async () => {
    const token = await signToken(SECRET, "link", { exp: NOW / 1000 + 60, l: "lead-1", s: "hero" });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await verifyToken(SECRET, "link", token, NOW)).toEqual({ exp: NOW / 1000 + 60, l: "lead-1", s: "hero" });
  });

  it("rejects expired, altered, wrongly keyed, wrong-purpose and malformed tokens", async () => {
    const token = await signToken(SECRET, "link", { exp: NOW / 1000 + 60, l: "lead-1" });
    const [body, mac] = token.split(".") as [string, string];
    const forgedBody = btoa(JSON.stringify({ exp: NOW / 1000 + 60, l: "lead-2" })).replace(/=+$/, "");
    expect(await verifyToken(SECRET, "link", token, NOW + 61_000)).toBeNull();
    expect(await verifyToken(SECRET, "link", `${forgedBody}.${mac}`, NOW)).toBeNull();
    expect(await verifyToken(SECRET, "link", `${body}.${mac.slice(0, -2)}AA`, NOW)).toBeNull();
    expect(await verifyToken("other-secret", "link", token, NOW)).toBeNull();
    expect(await verifyToken(SECRET, "preview", token, NOW)).toBeNull();
    for (const junk of ["", "abc", "a.b.c", "!!!.???", `${body}.`]) {
      expect(await verifyToken(SECRET, "link", junk, NOW)).toBeNull();
    }
  });

  it("accepts only the canonical spelling of a signature: one token, one string", async () => {
    const token = await signToken(SECRET, "link", { exp: NOW / 1000 + 60, l: "lead-1" });
    const [body, mac] = token.split(".") as [string, string];
    const variants = otherSpellings(mac);
    expect(new Set(variants).size).toBe(3);
    for (const variant of variants) {
      expect(variant).not.toBe(mac);
      expect(await verifyToken(SECRET, "link", `${body}.${variant}`, NOW)).toBeNull();
    }
    expect(await verifyToken(SECRET, "link", `${body}=.${mac}`, NOW)).toBeNull();
  });
});
