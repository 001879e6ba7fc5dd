import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { defaultDocument } from "../../src/config/shipped";
import { call } from "../support/harness";

describe("demo site", () => {
  it.each(["/demo", "/demo/", "/demo/pricing", "/demo/contact"])("%s is an HTML page using the script tag", async (path) => {
    const res = await call("GET", path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain('<script async src="/p.js"></script>');
    expect(html).toContain('data-lf-slot="hero"');
    expect(html).toContain('<style id="lf-hide">[data-lf-slot]{visibility:hidden}</style>');
  });

  it("serves its stylesheet", async () => {
    const res = await call("GET", "/demo/site.css");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("the contact form posts, keeps nothing and redirects to the thank-you note", async () => {
    const worker = (exports as unknown as { default: Fetcher }).default;
    const res = await worker.fetch(
      new Request("https://leadflare.test/demo/contact", {
        method: "POST",
        body: "email=ada%40example.com",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        redirect: "manual",
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/demo/contact?sent=1#thanks");
  });

  it("keeps the anti-flicker snippet under 300 bytes", async () => {
    const html = await (await call("GET", "/demo")).text();
    const snippet = /<style id="lf-hide">.*?<\/style>\n<script>.*?<\/script>/s.exec(html)?.[0];
    expect(snippet).toBeDefined();
    expect(new TextEncoder().encode(snippet).length).toBeLessThan(300);
  });

  it("unknown demo paths are 404 in the error envelope", async () => {
    const res = await call("GET", "/demo/nope");
    expect(res.status).toBe(404);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "not_found" } });
  });

  it("serves every email banner the default configuration names, as a PNG", async () => {
    const banners = Object.values(defaultDocument.slots.banner.variants).map((v) => (v as { src: string }).src);
    expect(banners.length).toBeGreaterThan(3);
    for (const src of banners) {
      const res = await call("GET", src);
      expect(res.status, src).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    for (const path of ["/demo/img/banner-nope.png", "/demo/img/toString", "/demo/img/__proto__"]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(404);
      expect((await res.json()) as unknown).toMatchObject({ error: { code: "not_found" } });
    }
  });
});
