import { describe, expect, it } from "vitest";
import { APPLE_ASN, classifyMailAgent } from "../../src/domain/mail-agents";

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const APPLE_MAIL = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
const OUTLOOK = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)";

const get = (userAgent: string | undefined, asn?: number) => ({ method: "GET", userAgent, asn });

describe("classifyMailAgent", () => {
  it("treats browsers and mail clients as a person", () => {
    for (const ua of [CHROME, APPLE_MAIL, OUTLOOK]) {
      expect(classifyMailAgent("click", get(ua))).toEqual({ agent: "person", reason: null });
      expect(classifyMailAgent("open", get(ua))).toEqual({ agent: "person", reason: null });
    }
  });

  it("flags mail-privacy and image proxies on opens", () => {
    const gmail = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    expect(classifyMailAgent("open", get(gmail))).toEqual({ agent: "proxy", reason: "gmail-image-proxy" });
    expect(classifyMailAgent("open", get("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"))).toEqual({
      agent: "proxy",
      reason: "yahoo-mail-proxy",
    });
    expect(classifyMailAgent("open", get("Mozilla/5.0"))).toEqual({ agent: "proxy", reason: "apple-mpp" });
    // Apple MPP fetches from Apple's network with Apple Mail's own user agent.
    expect(classifyMailAgent("open", get(APPLE_MAIL, APPLE_ASN))).toEqual({ agent: "proxy", reason: "apple-mpp" });
  });

  it("does not call a click from Apple's network a privacy proxy (MPP only prefetches images)", () => {
    expect(classifyMailAgent("click", get(APPLE_MAIL, APPLE_ASN))).toEqual({ agent: "person", reason: null });
    expect(classifyMailAgent("click", get("Mozilla/5.0")).agent).toBe("scanner");
  });

  it("flags security gateways, bots, HEAD requests and missing user agents as scanners", () => {
    const cases: [string | undefined, string][] = [
      ["Mozilla/5.0 (compatible; Proofpoint URL Defense)", "proofpoint"],
      ["Mimecast-URL-Protect/1.0", "mimecast"],
      ["Barracuda Sentinel (EE)", "barracuda"],
      ["Microsoft SafeLinks Scanner", "microsoft-safe-links"],
      ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "bot"],
      ["python-requests/2.32", "bot"],
      [undefined, "no-user-agent"],
      ["  ", "no-user-agent"],
    ];
    for (const [ua, reason] of cases) {
      expect(classifyMailAgent("click", get(ua))).toEqual({ agent: "scanner", reason });
      expect(classifyMailAgent("open", get(ua))).toEqual({ agent: "scanner", reason });
    }
    expect(classifyMailAgent("click", { method: "HEAD", userAgent: CHROME })).toEqual({ agent: "scanner", reason: "head-request" });
  });
});
