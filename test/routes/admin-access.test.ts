import { env } from "cloudflare:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultDocument } from "../../src/config/shipped";
import { fetchCountingD1 } from "../support/counting-d1";
import { ADA_TOKEN, jsonOf } from "../support/harness";
import { SAME_ORIGIN, signIn } from "../support/session";

/**
 * Cloudflare Access in front of the admin API: the worker verifies the
 * `Cf-Access-Jwt-Assertion` JWT (signature against the team's keys, audience, issuer,
 * expiry) and the signed-in email is the author. The keys here are made by the test and
 * handed to the worker as LF_ACCESS_JWKS, as an air-gapped deployment would.
 */

const TEAM = "leadflare-test.cloudflareaccess.com";
const ISSUER = `https://${TEAM}`;
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const KID = "test-key-1";

let signing: CryptoKey;
let stranger: CryptoKey;
let access: Partial<Cloudflare.Env>;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signing = pair.privateKey;
  stranger = (await generateKeyPair("RS256")).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" };
  access = { LF_ACCESS_TEAM_DOMAIN: TEAM, LF_ACCESS_AUD: AUD, LF_ACCESS_JWKS: JSON.stringify({ keys: [jwk] }) };
});

/** An Access application token as Cloudflare issues it; `change` alters one thing. */
async function accessToken(change: { claims?: JWTPayload; key?: CryptoKey; issuer?: string; audience?: string; expires?: string | number; kid?: string } = {}) {
  return new SignJWT({ email: "ada@example.com", type: "app", identity_nonce: "n0nce", ...change.claims })
    .setProtectedHeader({ alg: "RS256", kid: change.kid ?? KID })
    .setIssuer(change.issuer ?? ISSUER)
    .setAudience(change.audience ?? AUD)
    .setSubject("7335d417-61da-459d-899c-0a01c76a2f94")
    .setIssuedAt()
    .setExpirationTime(change.expires ?? "1h")
    .sign(change.key ?? signing);
}

function adminRequest(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  return new Request(`${SAME_ORIGIN}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function asAccess(method: string, path: string, jwt: string, options: { body?: unknown; headers?: Record<string, string>; env?: Partial<Cloudflare.Env> } = {}) {
  const request = adminRequest(method, path, { "cf-access-jwt-assertion": jwt, ...options.headers }, options.body);
  return (await fetchCountingD1(request, options.env ?? access)).response;
}

describe("Cloudflare Access (LF_ACCESS_TEAM_DOMAIN, LF_ACCESS_AUD)", () => {
  it("a valid Access token signs in: the email is the author, via access, until the token expires", async () => {
    const res = await asAccess("GET", "/v1/admin/session", await accessToken({ expires: "2h" }));
    expect(res.status).toBe(200);
    const session = await jsonOf(res);
    expect(session).toEqual({ author: "ada@example.com", via: "access", expiresAt: expect.any(String) });
    expect(Math.abs(Date.parse(session.expiresAt) - (Date.now() + 2 * 3_600_000))).toBeLessThan(60_000);
    expect((await asAccess("GET", "/v1/admin/config", await accessToken())).status).toBe(200);
  });

  it("a change is authored by the signed-in email, whatever X-Leadflare-Author says", async () => {
    const jwt = await accessToken({ claims: { email: "grace@example.com" } });
    const active = await jsonOf(await asAccess("GET", "/v1/admin/config", jwt));
    const res = await asAccess("PUT", "/v1/admin/config", jwt, {
      body: { document: active.document, message: "via Access" },
      headers: { origin: SAME_ORIGIN, "if-match": `"${active.version}"`, "x-leadflare-author": "admin" },
    });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ author: "grace@example.com", authorNote: "admin", message: "via Access" });
    const row = await env.DB.prepare("SELECT author FROM config_versions ORDER BY version DESC LIMIT 1").first<string>("author");
    expect(row).toBe("grace@example.com");
  });

  it("a wrong audience, an expired token, another key, another issuer, no email or an unsigned token is 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = (object: object) => btoa(JSON.stringify(object)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const refused = {
      "wrong audience": await accessToken({ audience: "another-application" }),
      expired: await accessToken({ expires: now - 120 }),
      "another key": await accessToken({ key: stranger }),
      "another key, unknown kid": await accessToken({ key: stranger, kid: "elsewhere" }),
      "another issuer": await accessToken({ issuer: "https://someone-else.cloudflareaccess.com" }),
      "no email": await accessToken({ claims: { email: undefined } }),
      unsigned: `${header({ alg: "none", kid: KID })}.${header({ email: "ada@example.com", iss: ISSUER, aud: AUD, exp: now + 3600 })}.`,
      garbage: "not-a-jwt",
    };
    for (const [why, jwt] of Object.entries(refused)) {
      const res = await asAccess("GET", "/v1/admin/config", jwt);
      expect(res.status, why).toBe(401);
      expect((await jsonOf(res)).error.code, why).toBe("unauthorized");
    }
  });

  it("a change signed in with Access needs this worker's own Origin too (Access adds its header from a cookie)", async () => {
    const res = await asAccess("POST", "/v1/admin/config/validate", await accessToken(), { body: { document: defaultDocument }, headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).error.code).toBe("csrf");
    const same = await asAccess("POST", "/v1/admin/config/validate", await accessToken(), { body: { document: defaultDocument }, headers: { origin: SAME_ORIGIN } });
    expect(same.status).toBe(200);
  });

  it("with Access configured, admin tokens and session cookies keep working", async () => {
    const bearer = adminRequest("GET", "/v1/admin/session", { authorization: `Bearer ${ADA_TOKEN}` });
    expect(await jsonOf((await fetchCountingD1(bearer, access)).response)).toMatchObject({ author: "ada", via: "bearer" });
    const cookie = await signIn(ADA_TOKEN);
    const session = adminRequest("GET", "/v1/admin/session", { cookie });
    expect(await jsonOf((await fetchCountingD1(session, access)).response)).toMatchObject({ author: "ada", via: "session" });
  });

  it("without LF_ACCESS_AUD (or the team domain) the header proves nothing: 401", async () => {
    const jwt = await accessToken();
    for (const missing of ["LF_ACCESS_AUD", "LF_ACCESS_TEAM_DOMAIN"] as const) {
      expect((await asAccess("GET", "/v1/admin/config", jwt, { env: { ...access, [missing]: "" } })).status, missing).toBe(401);
    }
  });

  it("LF_ACCESS_AUD may list several applications' audiences", async () => {
    const jwt = await accessToken();
    expect((await asAccess("GET", "/v1/admin/config", jwt, { env: { ...access, LF_ACCESS_AUD: `other-app, ${AUD}` } })).status).toBe(200);
  });

  it("an LF_ACCESS_JWKS that is not a key set is a 503 not_configured, not a way in", async () => {
    const res = await asAccess("GET", "/v1/admin/config", await accessToken(), { env: { ...access, LF_ACCESS_JWKS: "{not json" } });
    expect(res.status).toBe(503);
    expect((await jsonOf(res)).error).toMatchObject({ code: "not_configured", message: expect.stringContaining("LF_ACCESS_JWKS") });
  });
});
