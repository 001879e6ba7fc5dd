import { describe, expect, it } from "vitest";
import { shippedConfig } from "../../src/config/shipped";
import { absoluteUrl, buildEmailContent, siteOrigin } from "../../src/domain/email-content";
import { fragmentOrder, renderEmailHtml, renderEmailText } from "../../src/domain/email-fragments";
import { readEmailToken } from "../../src/domain/email-tokens";
import { evaluateLead } from "../../src/domain/evaluate";

const NOW = Date.UTC(2026, 10, 23, 12);
const SECRET = "content-secret";
const options = { leadId: "lead-1", campaign: "spring", now: NOW, secret: SECRET, linkOrigin: "https://lf.example", siteOrigin: "https://www.example.com" };

async function smbNurture() {
  const result = evaluateLead(shippedConfig(), { traits: { company: { employees: 50 } }, activity: [] }, {}, NOW);
  return buildEmailContent(result.segment, result.slots, options);
}

describe("buildEmailContent", () => {
  it("makes a click-time link per cta slot and a tracked image per image slot, nothing for the rest", async () => {
    const content = await smbNurture();
    expect(content.segment).toEqual({ id: "smb-nurture", name: "SMB Nurture" });
    expect(Object.keys(content.links)).toEqual(["primary-cta"]);
    expect(Object.keys(content.images)).toEqual(["banner"]);
    const token = content.links["primary-cta"]!.replace("https://lf.example/r/", "");
    expect(await readEmailToken(SECRET, "link", token, NOW)).toMatchObject({ l: "lead-1", s: "primary-cta", c: "spring" });
    const image = content.images.banner!.replace("https://lf.example/i/", "");
    expect(await readEmailToken(SECRET, "image", image, NOW)).toMatchObject({ l: "lead-1", s: "banner" });
  });

  it("makes relative CTA and image URLs absolute against the site origin", async () => {
    const content = await smbNurture();
    expect(content.slots["primary-cta"]).toMatchObject({ url: "https://www.example.com/demo/pricing?guide=value" });
    expect(content.slots.banner).toMatchObject({ src: "https://www.example.com/demo/img/banner-smb-nurture.png" });
  });
});

describe("URLs", () => {
  it("resolve relative paths and keep absolute URLs", () => {
    expect(absoluteUrl("/demo/contact?plan=trial", "https://www.example.com")).toBe("https://www.example.com/demo/contact?plan=trial");
    expect(absoluteUrl("https://other.example/x", "https://www.example.com")).toBe("https://other.example/x");
  });

  it("never link to or follow a URL that leaves the site or is not http(s): the site's home page stands in", () => {
    for (const url of ["/\\evil.example/x", "\\\\evil.example", "//evil.example", "/\t/evil.example", "java\tscript:alert(1)", "data:text/html,x"]) {
      expect(absoluteUrl(url, "https://www.example.com"), url).toBe("https://www.example.com/");
    }
    expect(absoluteUrl("/%5Cevil.example", "https://www.example.com")).toBe("https://www.example.com/%5Cevil.example");
  });

  it("use LF_SITE_ORIGIN when it is an http(s) URL, and nothing else (never the request's origin)", () => {
    expect(siteOrigin("https://www.example.com/en/")).toBe("https://www.example.com");
    expect(siteOrigin(" http://127.0.0.1:8787 ")).toBe("http://127.0.0.1:8787");
    for (const value of ["", "   ", undefined, "javascript:alert(1)", "not a url", "ftp://files.example"]) expect(siteOrigin(value)).toBeNull();
  });
});

describe("fragments", () => {
  const content = {
    segment: { id: "x", name: "X" },
    slots: {
      hero: { kind: "text" as const, text: `Tom & Jerry's <b>"deal"</b>`, variant: "x" },
      cta: { kind: "cta" as const, label: "Go <now>", url: "https://www.example.com/a?b=1&c=2", variant: "x" },
      offer: { kind: "offer" as const, title: "50% <off>", body: "Body & more", code: "SAVE\"50", variant: "x" },
      raw: { kind: "html" as const, html: "<em>trusted</em>", variant: "x" },
      pic: { kind: "image" as const, src: "https://www.example.com/p.png", alt: `"quoted" <alt>`, variant: "x" },
    },
    links: { cta: "https://lf.example/r/abc.def?x=1&y=2" },
    images: { pic: "https://lf.example/i/ghi.jkl" },
  };

  it("escape every configured value in HTML and use the tracked link and image", () => {
    const out = renderEmailHtml(content, ["hero", "cta", "offer", "raw", "pic"]);
    expect(out.split("\n")).toEqual([
      `<p data-lf-slot="hero">Tom &amp; Jerry&#39;s &lt;b&gt;&quot;deal&quot;&lt;/b&gt;</p>`,
      `<a data-lf-slot="cta" href="https://lf.example/r/abc.def?x=1&amp;y=2">Go &lt;now&gt;</a>`,
      `<div data-lf-slot="offer"><p><strong>50% &lt;off&gt;</strong></p><p>Body &amp; more</p><p>Code: <strong>SAVE&quot;50</strong></p></div>`,
      `<div data-lf-slot="raw"><em>trusted</em></div>`,
      `<img data-lf-slot="pic" src="https://lf.example/i/ghi.jkl" alt="&quot;quoted&quot; &lt;alt&gt;">`,
    ]);
  });

  it("render plain text without html or image slots", () => {
    expect(renderEmailText(content, ["cta", "hero", "raw", "pic", "offer"])).toBe(
      [`Go <now>: https://lf.example/r/abc.def?x=1&y=2`, `Tom & Jerry's <b>"deal"</b>`, `50% <off>\nBody & more\nCode: SAVE"50`].join("\n\n"),
    );
  });

  it("follow the order asked for, once each, skipping slots that are not there", () => {
    expect(fragmentOrder(content, ["offer", "nope", "hero", "offer"])).toEqual(["offer", "hero"]);
    expect(fragmentOrder(content, undefined)).toEqual(["hero", "cta", "offer", "raw", "pic"]);
  });
});
