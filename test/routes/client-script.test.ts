import { describe, expect, it } from "vitest";
// The file `npm run build` wrote, which the worker serves from its static assets.
import built from "../../console/dist/site/p.js?raw";
import { clientScript } from "../../src/generated/assets";
import { etagMatches } from "../../src/routes/client-script";
import { call } from "../support/harness";

describe("GET /p.js", () => {
  it("serves the built script as JavaScript with an ETag and caching", async () => {
    const res = await call("GET", "/p.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("etag")).toBe(`"${clientScript.version}"`);
    expect(res.headers.get("cache-control")).toMatch(/max-age=3600/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const body = await res.text();
    expect(body).toBe(built);
    expect(body).toContain("v1/personalize");
    // The ETag names this very body (the build's version: its SHA-256, 16 hex digits).
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
    expect(clientScript.version).toBe([...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(""));
  });

  it("is not served at its static asset's own path", async () => {
    for (const path of ["/site/p.js", "/admin/../site/p.js", "/admin/%2e%2e/site/p.js", "/admin/..%2fsite/p.js", "/admin/%2e%2e%2fsite%2fp.js"]) {
      const res = await call("GET", path);
      expect(await res.text(), path).not.toContain("v1/personalize");
    }
  });

  it("answers 304 without a body when the ETag matches", async () => {
    const etag = `"${clientScript.version}"`;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const res = await call("GET", "/p.js", { headers: { "if-none-match": header } });
      expect(res.status, header).toBe(304);
      expect(await res.text()).toBe("");
      expect(res.headers.get("etag")).toBe(etag);
    }
    const stale = await call("GET", "/p.js", { headers: { "if-none-match": '"0000000000000000"' } });
    expect(stale.status).toBe(200);
  });

  it("caches a versioned URL for a year, and an outdated version only briefly", async () => {
    const pinned = await call("GET", `/p.js?v=${clientScript.version}`);
    expect(pinned.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const outdated = await call("GET", "/p.js?v=0000000000000000");
    expect(outdated.headers.get("cache-control")).toMatch(/max-age=3600,/);
  });

  it("matches If-None-Match lists weakly and nothing else", () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches('"b"', '"a"')).toBe(false);
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches(' W/"a" ', '"a"')).toBe(true);
    expect(etagMatches('"b", "a"', '"a"')).toBe(true);
  });
});
