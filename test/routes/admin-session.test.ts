import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { defaultDocument } from "../../src/config/shipped";
import { getActive } from "../support/admin";
import { fetchCountingD1 } from "../support/counting-d1";
import { ADA_TOKEN, call, ESP_KEY, jsonOf, OPS_TOKEN, SERVER_KEY } from "../support/harness";
import { cookieOf, SAME_ORIGIN, SESSION_COOKIE, sessionIdOf, signIn, withCookie } from "../support/session";

/**
 * The console's sign-in without Cloudflare Access: the admin token is exchanged for a
 * signed, expiring, HttpOnly session cookie, stored in D1 so that signing out ends it.
 */

const sessionRows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM admin_sessions").first<number>("n"))!;

describe("POST /v1/admin/session: sign in with an admin token", () => {
  it("answers 204 with an HttpOnly, Secure, SameSite=Strict cookie for 8 hours; the session is the token's name", async () => {
    const before = Date.now();
    const res = await call("POST", "/v1/admin/session", { body: { token: ADA_TOKEN }, headers: { origin: SAME_ORIGIN } });
    expect(res.status).toBe(204);
    const [header, ...others] = res.headers.getSetCookie();
    expect(others).toEqual([]);
    const attributes = header!.split(/;\s*/).slice(1).map((a) => a.toLowerCase());
    expect(attributes.sort()).toEqual(["httponly", "max-age=28800", "path=/", "samesite=strict", "secure"]);
    const cookie = cookieOf(res);
    const session = await jsonOf(await withCookie("GET", "/v1/admin/session", cookie));
    expect(session).toEqual({ author: "ada", via: "session", expiresAt: expect.any(String) });
    const expiresAt = Date.parse(session.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 8 * 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 8 * 3_600_000);
  });

  it("a wrong token or the server key is 401, the ESP key 403, with no cookie and no session; a missing token is 422", async () => {
    const before = await sessionRows();
    for (const [token, status, code] of [
      ["wrong", 401, "unauthorized"],
      [SERVER_KEY, 401, "unauthorized"],
      ["ada", 401, "unauthorized"],
      [`ada:${ADA_TOKEN}`, 401, "unauthorized"],
      [ESP_KEY, 403, "forbidden"],
    ] as const) {
      const res = await call("POST", "/v1/admin/session", { body: { token } });
      expect(res.status, token).toBe(status);
      expect((await jsonOf(res)).error.code).toBe(code);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect((await call("POST", "/v1/admin/session", { body: {} })).status).toBe(422);
    expect(await sessionRows()).toBe(before);
  });

  it("without LF_SESSION_SECRET there is no sign-in (503 not_configured); Bearer tokens still work", async () => {
    const post = new Request(`${SAME_ORIGIN}/v1/admin/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: ADA_TOKEN }) });
    const { response } = await fetchCountingD1(post, { LF_SESSION_SECRET: "" });
    expect(response.status).toBe(503);
    expect((await jsonOf(response)).error).toMatchObject({ code: "not_configured", message: expect.stringContaining("LF_SESSION_SECRET") });
    const cookie = await signIn(ADA_TOKEN);
    const get = (headers: Record<string, string>) => new Request(`${SAME_ORIGIN}/v1/admin/session`, { headers });
    expect((await fetchCountingD1(get({ cookie }), { LF_SESSION_SECRET: "" })).response.status).toBe(401);
    expect((await fetchCountingD1(get({ authorization: `Bearer ${ADA_TOKEN}` }), { LF_SESSION_SECRET: "" })).response.status).toBe(200);
  });

  it("removes expired sessions as it signs someone in", async () => {
    await env.DB.prepare("INSERT INTO admin_sessions (id, author, created_at, expires_at) VALUES ('long-gone', 'ada', 0, 1)").run();
    await signIn(OPS_TOKEN);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM admin_sessions WHERE id = 'long-gone'").first<number>("n")).toBe(0);
  });
});

describe("the session cookie on the admin API", () => {
  it("opens every admin route; a change is authored by the token's name, whatever X-Leadflare-Author says", async () => {
    const cookie = await signIn(OPS_TOKEN);
    const active = await getActive();
    expect((await withCookie("GET", "/v1/admin/config", cookie)).status).toBe(200);
    const put = await withCookie("PUT", "/v1/admin/config", cookie, {
      body: { document: active.document, message: "from the console" },
      headers: { "if-match": `"${active.version}"`, "x-leadflare-author": "somebody else" },
    });
    expect(put.status).toBe(200);
    expect(await jsonOf(put)).toMatchObject({ author: "ops", authorNote: "somebody else", message: "from the console" });
  });

  it("a change needs this worker's own Origin (CSRF): another origin, or none, is 403 csrf and changes nothing", async () => {
    const cookie = await signIn(ADA_TOKEN);
    const active = await getActive();
    for (const origin of ["https://evil.example", "http://leadflare.test", "https://leadflare.test.evil.example", "null", null]) {
      for (const [method, path, body] of [
        ["PUT", "/v1/admin/config", { document: active.document }],
        ["POST", "/v1/admin/config/validate", { document: defaultDocument }],
        ["POST", "/v1/admin/config/rollback", { version: 1 }],
        ["DELETE", "/v1/admin/session", undefined],
      ] as const) {
        const res = await withCookie(method, path, cookie, { body, origin, headers: { "if-match": `"${active.version}"` } });
        expect(res.status, `${origin} ${method} ${path}`).toBe(403);
        expect((await jsonOf(res)).error.code).toBe("csrf");
      }
    }
    expect((await getActive()).version).toBe(active.version);
    // Reads are not changes; and the cookie survived every refused sign-out above.
    expect((await withCookie("GET", "/v1/admin/config", cookie, { origin: "https://evil.example" })).status).toBe(200);
    expect((await withCookie("POST", "/v1/admin/config/validate", cookie, { body: { document: defaultDocument } })).status).toBe(200);
  });

  it("Bearer tokens are not subject to the Origin check (scripts send none; browsers cannot send it cross-origin)", async () => {
    const res = await call("POST", "/v1/admin/config/validate", { body: { document: defaultDocument }, key: ADA_TOKEN, headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(200);
    expect(await jsonOf(await call("GET", "/v1/admin/session", { key: ADA_TOKEN }))).toEqual({ author: "ada", via: "bearer", expiresAt: null });
  });

  it("DELETE /v1/admin/session signs out: the cookie is cleared and the API refuses it from then on", async () => {
    const cookie = await signIn(ADA_TOKEN);
    const id = sessionIdOf(cookie);
    const res = await withCookie("DELETE", "/v1/admin/session", cookie);
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`))]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM admin_sessions WHERE id = ?").bind(id).first<number>("n")).toBe(0);
    for (const path of ["/v1/admin/session", "/v1/admin/config"]) {
      const after = await withCookie("GET", path, cookie);
      expect(after.status, path).toBe(401);
      expect((await jsonOf(after)).error.code).toBe("unauthorized");
    }
  });

  it("an expired session is refused, though its cookie is still well signed", async () => {
    const cookie = await signIn(ADA_TOKEN);
    await env.DB.prepare("UPDATE admin_sessions SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, sessionIdOf(cookie)).run();
    expect((await withCookie("GET", "/v1/admin/session", cookie)).status).toBe(401);
  });

  it("a tampered or forged cookie is refused", async () => {
    const cookie = await signIn(ADA_TOKEN);
    const [name, value] = [SESSION_COOKIE, decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1))];
    const [body, signature] = value.split(".") as [string, string];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
    for (const forged of [
      `${flip(body, 0)}.${signature}`,
      `${body}.${flip(signature, 3)}`,
      body,
      `${body}.`,
      `${body}.${signature}x`,
      `${body}.${signature}.${signature}`,
      "x".repeat(5000),
    ]) {
      const res = await withCookie("GET", "/v1/admin/session", `${name}=${encodeURIComponent(forged)}`);
      expect(res.status, forged.slice(0, 60)).toBe(401);
      expect((await jsonOf(res)).error.code).toBe("unauthorized");
    }
    expect((await withCookie("GET", "/v1/admin/session", cookie)).status).toBe(200);
  });

  it("a session ends when its token's name is no longer in LF_ADMIN_TOKENS", async () => {
    const cookie = await signIn(ADA_TOKEN);
    const request = () => new Request(`${SAME_ORIGIN}/v1/admin/session`, { headers: { cookie } });
    expect((await fetchCountingD1(request(), { LF_ADMIN_TOKENS: `ops:${OPS_TOKEN}` })).response.status).toBe(401);
    // A rotated token keeps the name: the session goes on.
    expect((await fetchCountingD1(request(), { LF_ADMIN_TOKENS: "ada:a-new-token" })).response.status).toBe(200);
  });
});
