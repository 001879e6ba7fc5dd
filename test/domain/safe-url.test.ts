import { describe, expect, it } from "vitest";
import { isSafeContentUrl } from "../../src/domain/safe-url";
import { SAFE_CONTENT_URLS, UNSAFE_CONTENT_URLS } from "../support/urls";

describe("isSafeContentUrl", () => {
  const bases = ["https://site.invalid", "http://localhost:8787/demo/pricing?x=1", "https://www.example.com/"];

  it.each(UNSAFE_CONTENT_URLS)("refuses %j against any site origin", (url) => {
    for (const base of bases) expect(isSafeContentUrl(url, base), base).toBe(false);
  });

  it.each(SAFE_CONTENT_URLS)("accepts %j against any site origin", (url) => {
    for (const base of bases) expect(isSafeContentUrl(url, base), base).toBe(true);
  });

  it("a leading space or control character is stripped as a browser does, so it decides nothing", () => {
    expect(isSafeContentUrl(" /pricing", "https://site.invalid")).toBe(true);
    expect(isSafeContentUrl("\u0001/pricing", "https://site.invalid")).toBe(true);
    expect(isSafeContentUrl(" //evil.example", "https://site.invalid")).toBe(false);
    expect(isSafeContentUrl("\u0001/\\evil.example", "https://site.invalid")).toBe(false);
  });

  it("is false for a base that is not a URL", () => {
    expect(isSafeContentUrl("/pricing", "not a url")).toBe(false);
  });
});
