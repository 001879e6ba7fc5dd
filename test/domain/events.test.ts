import { describe, expect, it } from "vitest";
import { categorizePath, globToRegExp } from "../../src/domain/compile";
import { evaluateLead } from "../../src/domain/evaluate";
import { clampClientTime, CLIENT_TS_MAX_AGE_MS, futureImports, parsePageUrl, primaryLanguage, requestContext } from "../../src/domain/events";
import { compile, defaultDocCopy } from "../support/config";
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

describe("request context facts", () => {
  it("come from cf.country, Accept-Language and the page URL, and segments can use them", () => {
    const context = requestContext("https://x.example/de/pricing?utm_source=ads", "de", "de-CH,de;q=0.9");
    expect(context).toEqual({ country: "DE", language: "de", path: "/de/pricing", utm: { source: "ads" } });
    const doc = defaultDocCopy();
    doc.segments.splice(doc.segments.length - 1, 0, {
      id: "dach-ads",
      name: "DACH from ads",
      when: { "context.country": { $in: ["DE", "AT", "CH"] }, "context.utm.source": "ads", "context.language": "de" },
    });
    const config = compile(doc);
    const lead = { traits: {}, activity: [] };
    expect(evaluateLead(config, lead, context, NOW).segment.id).toBe("dach-ads");
    expect(evaluateLead(config, lead, { ...context, country: "FR" }, NOW).segment.id).toBe("default");
  });
});

describe("imports", () => {
  it("flag timestamps in the future beyond five minutes of skew", () => {
    expect(futureImports([{ ts: NOW }, { ts: NOW + 4 * 60_000 }, { ts: NOW + 6 * 60_000 }], NOW)).toEqual([2]);
  });
});
