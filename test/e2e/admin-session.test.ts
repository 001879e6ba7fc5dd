import { describe, expect, inject, it } from "vitest";
import { newVisitor, useChromium, workerUrl } from "./support/browser";
import { admin } from "./support/server";
import { customerSite } from "./support/site";
import { ADMIN_TOKEN } from "./support/worker";

/**
 * The admin sign-in as a browser lives it, on the worker served over plain http://127.0.0.1
 * (where Chromium keeps Secure cookies: loopback is a secure context): the cookie is kept,
 * hidden from scripts and sent back; a page of another origin on the same site (another
 * port: SameSite does not stop it) gets its changes refused; signing out ends the session.
 */

const chromium = useChromium();

type Answer = { status: number; body: any };

/** `fetch` from the page, with the cookie (same-origin): the status and the JSON body. */
function fromPage(page: import("playwright-core").Page, method: string, path: string, body?: unknown): Promise<Answer> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

describe("admin sign-in in a browser", () => {
  it("signs in with the token, keeps an HttpOnly cookie, refuses another origin's changes, and signs out", async () => {
    const { context, page } = await newVisitor(chromium());
    await page.goto("/demo");
    expect((await fromPage(page, "POST", "/v1/admin/session", { token: ADMIN_TOKEN })).status).toBe(204);
    const [cookie, ...others] = (await context.cookies(workerUrl())).filter((c) => c.name === "lf_admin_session");
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("lf_admin_session");
    expect(await fromPage(page, "GET", "/v1/admin/session")).toMatchObject({ status: 200, body: { author: "admin", via: "session" } });
    const active = (await (await admin("GET", "/v1/admin/config")).json()) as { version: number; document: unknown };
    expect((await fromPage(page, "POST", "/v1/admin/config/validate", { document: active.document })).status).toBe(200);

    // A page on another port of the same host: the browser sends the cookie, the worker refuses.
    const site = await customerSite(inject("sitePort"), { "/": "<!doctype html><title>elsewhere</title>" });
    try {
      const elsewhere = await context.newPage();
      await elsewhere.goto(`${site.origin}/`);
      const refused = elsewhere.waitForResponse((r) => r.url().endsWith("/v1/admin/config/rollback"));
      await elsewhere.evaluate(async (url) => {
        await fetch(url, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: '{"version":1}' });
      }, `${workerUrl()}/v1/admin/config/rollback`);
      const response = await refused;
      // 403, not 401: the cookie went along (without one the request is not signed in) and
      // the Origin check refused it. A no-cors answer is opaque: its status is all there is to read.
      expect(response.status()).toBe(403);
      expect((await admin("GET", "/v1/admin/config").then((r) => r.json()) as { version: number }).version).toBe(active.version);
    } finally {
      await site.close();
    }

    expect((await fromPage(page, "DELETE", "/v1/admin/session")).status).toBe(204);
    expect((await context.cookies(workerUrl())).filter((c) => c.name === "lf_admin_session")).toEqual([]);
    // The browser forgot it; the API refuses it too, sent again as it was.
    const stale = await fetch(`${workerUrl()}/v1/admin/session`, { headers: { cookie: `lf_admin_session=${cookie!.value}` } });
    expect(stale.status).toBe(401);
  });
});
