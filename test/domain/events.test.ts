import { describe, expect, it } from "vitest";
import { categorizePath, globToRegExp } from "../../src/domain/compile";
import { clampClientTime, CLIENT_TS_MAX_AGE_MS, parsePageUrl, primaryLanguage } from "../../src/domain/events";
import { defaultConfig } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 12);

describe("event intake", () => {
  it("clamps client timestamps to [now - 24 h, now]", () => {
    expect(clampClientTime(undefined, NOW)).toBe(NOW);
    expect(clampClientTime(NOW + 60_000, NOW)).toBe(NOW);
    expect(clampClientTime(NOW - 1000, NOW)).toBe(NOW - 1000);
    expect(clampClientTime(0, NOW)).toBe(NOW - CLIENT_TS_MAX_AGE_MS);
  });

  it("categorizes paths by the first matching rule", () => {
    const config = defaultConfig();
    expect(categorizePath(config, "/pricing")).toBe("pricing");
    expect(categorizePath(config, "/pricing/teams")).toBe("pricing");
    expect(categorizePath(config, "/demo/pricing")).toBe("pricing");
    expect(categorizePath(config, "/demo-request")).toBe("demo");
    expect(categorizePath(config, "/docs/api")).toBe("docs");
    expect(categorizePath(config, "/about")).toBe("other");
    expect(globToRegExp("/a.b*").test("/aXb")).toBe(false);
  });

  it("keeps the path and UTM parameters of a page URL, nothing else", () => {
    expect(parsePageUrl("https://x.example/pricing?utm_source=ads&email=a@b.c#top")).toEqual({ path: "/pricing", utm: { source: "ads" } });
    expect(parsePageUrl("/docs?utm_campaign=launch")).toEqual({ path: "/docs", utm: { campaign: "launch" } });
  });

  it("takes the primary language of Accept-Language", () => {
    expect(primaryLanguage("de-CH,de;q=0.9,en;q=0.8")).toBe("de");
    expect(primaryLanguage(undefined)).toBeUndefined();
    expect(primaryLanguage("*")).toBeUndefined();
  });
});
