import { describe, expect, it } from "vitest";
import defaults from "../../src/config/default.json";
import { call } from "../support/harness";

/**
 * The console at /admin: static files (Workers Static Assets), index.html for the SPA's own
 * routes, the security headers on every answer, and no data in any of its files.
 */

const get = (path: string) => call("GET", path);

function expectConsoleHeaders(res: Response, path: string) {
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  expect(directives, path).toMatchObject({
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
  });
  expect(csp, path).not.toMatch(/unsafe-(inline|eval)/);
  expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
  expect(res.headers.get("x-frame-options"), path).toBe("DENY");
}

/** The console's own files: index.html and everything it references. */
async function consoleFiles(): Promise<Map<string, string>> {
  const html = await (await get("/admin/")).text();
  const files = new Map([["/admin/index.html", html]]);
  for (const [, path] of html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)) {
    const res = await get(path!);
    expect(res.status, path).toBe(200);
    const body = await res.text();
    files.set(path!, body);
    // Lazily loaded pages, named by the entry chunk.
    for (const [, chunk] of body.matchAll(/"\.?\/?(?:assets\/)?([\w-]+\.js)"/g)) {
      const chunkPath = `/admin/assets/${chunk}`;
      if (files.has(chunkPath)) continue;
      const chunkRes = await get(chunkPath);
      if (chunkRes.status === 200) files.set(chunkPath, await chunkRes.text());
    }
  }
  return files;
}

describe("the console's files", () => {
  it("serves index.html at /admin, /admin/ and every client route (deep links, reloads), with the security headers", async () => {
    const index = await get("/admin/");
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await index.text();
    expect(html).toContain('<div id="app">');
    for (const path of ["/admin", "/admin/", "/admin/segments", "/admin/history/12", "/admin/some/client/route"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe(html);
      expectConsoleHeaders(res, path);
    }
  });

  it("serves its scripts and stylesheet as files, with the headers, and a missing file as 404 with them too", async () => {
    const html = await (await get("/admin/")).text();
    const script = /<script type="module" crossorigin src="(\/admin\/assets\/[\w-]+\.js)">/.exec(html)?.[1];
    const style = /<link rel="stylesheet" crossorigin href="(\/admin\/assets\/[\w-]+\.css)">/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await get(script!);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expectConsoleHeaders(js, script!);
    const css = await get(style!);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expectConsoleHeaders(css, style!);
    const missing = await get("/admin/assets/not-there.js");
    expect(missing.status).toBe(404);
    expectConsoleHeaders(missing, "/admin/assets/not-there.js");
    // Outside assets/, a path that looks like a file name is one of the app's routes (a lead's page).
    const lead = await get("/admin/leads/ada%40example.com");
    expect(lead.status).toBe(200);
    expect(await lead.text()).toBe(html);
    expectConsoleHeaders(lead, "/admin/leads/ada%40example.com");
  });

  it("has no inline script or style, and no data: no configuration content, no secrets", async () => {
    const files = await consoleFiles();
    // index.html, the entry, its stylesheet, and the lazily loaded pages.
    expect([...files.keys()].filter((path) => /\/(segments|history)-[\w-]+\.js$/.test(path))).toHaveLength(2);
    const html = files.get("/admin/index.html")!;
    for (const [, attributes] of html.matchAll(/<script\b([^>]*)>/g)) expect(attributes).toMatch(/\bsrc="/);
    expect(html).not.toMatch(/<style\b|\sstyle="/);
    const configured = [
      ...defaults.segments.flatMap((s) => ("sales" in s && s.sales ? [s.sales.action, s.sales.track] : [])),
      ...Object.values(defaults.slots.hero.variants),
      "test-admin-token", "test-session-secret", "test-server-key",
    ];
    for (const [path, body] of files) {
      for (const value of configured) expect(body.includes(value), `${path} contains "${value}"`).toBe(false);
    }
  });

  it("is not the API: /admin answers only GET (and HEAD)", async () => {
    expect((await call("POST", "/admin/", { body: {} })).status).toBe(404);
    const head = await call("HEAD", "/admin/history");
    expect(head.status).toBe(200);
    expectConsoleHeaders(head, "HEAD /admin/history");
  });
});
