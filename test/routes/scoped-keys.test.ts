import { describe, expect, it } from "vitest";
import { getActive } from "../support/admin";
import { basicAuth, contentQuery } from "../support/email";
import { fetchCountingD1 } from "../support/counting-d1";
import { ADA_TOKEN, ADMIN_TOKEN, call, countRows, ESP_KEY, jsonOf, newEmail, newVisitorId, NEXT_SERVER_KEY, OPS_TOKEN, SERVER_KEY } from "../support/harness";
import { authenticated, operations } from "../support/openapi";

/**
 * Scoped keys: LF_API_KEY (the server API), LF_ESP_KEY (email content only), admin tokens
 * with names. Each variable may list several comma-separated keys, so a key is rotated by
 * adding the new one, moving the callers, then removing the old one.
 */

const EMAIL_CONTENT = "/v1/email/content";

describe("LF_API_KEY: several comma-separated keys", () => {
  it("each listed key is the server key, whitespace around the comma aside; any other key is 401", async () => {
    const email = newEmail();
    for (const key of [SERVER_KEY, NEXT_SERVER_KEY]) {
      const res = await call("PUT", `/v1/leads/${email}`, { body: { company: { employees: 5 } }, key });
      expect(res.status, key).toBe(200);
      expect((await call("GET", `/v1/leads/${email}`, { key })).status).toBe(200);
      expect((await call("GET", contentQuery({ email }), { key })).status).toBe(200);
    }
    for (const key of ["test-server-key,", "test-server-key-nex", `${SERVER_KEY},${NEXT_SERVER_KEY}`, "test-server-key test-server-key-next"]) {
      const res = await call("GET", `/v1/leads/${email}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status, key).toBe(401);
    }
  });

  it("a key removed from the list is refused at once", async () => {
    const request = () => new Request(`https://leadflare.test/v1/leads/${newEmail()}`, { headers: { authorization: `Bearer ${SERVER_KEY}` } });
    expect((await fetchCountingD1(request(), { LF_API_KEY: `${SERVER_KEY},${NEXT_SERVER_KEY}` })).response.status).toBe(404);
    const { response } = await fetchCountingD1(request(), { LF_API_KEY: NEXT_SERVER_KEY });
    expect(response.status).toBe(401);
    expect((await jsonOf(response)).error.code).toBe("unauthorized");
  });

  it("an empty list accepts no key at all, not even an empty one", async () => {
    for (const configured of ["", " , ", ","]) {
      const request = new Request(`https://leadflare.test/v1/leads/${newEmail()}`, { headers: { authorization: "Bearer ," } });
      expect((await fetchCountingD1(request, { LF_API_KEY: configured })).response.status, JSON.stringify(configured)).toBe(401);
    }
  });
});

describe("LF_ESP_KEY: email content, and nothing else", () => {
  it("reads email content as a Bearer token or as the Basic password, GET and POST", async () => {
    const email = newEmail();
    for (const authorization of [`Bearer ${ESP_KEY}`, basicAuth(ESP_KEY), basicAuth(ESP_KEY, "iterable")]) {
      expect((await call("GET", contentQuery({ email }), { headers: { authorization } })).status, authorization).toBe(200);
      expect((await call("POST", EMAIL_CONTENT, { body: { email }, headers: { authorization } })).status, authorization).toBe(200);
    }
  });

  it("gets 403 forbidden on every other route that takes a key (every one /openapi.json lists), and writes nothing", async () => {
    await getActive();
    const visitor = newVisitorId();
    const others = (await operations()).filter((op) => authenticated(op) && op.path !== EMAIL_CONTENT);
    expect(others.length).toBeGreaterThan(10);
    const emails: string[] = [];
    for (const op of others) {
      const email = newEmail();
      emails.push(email);
      const body = op.method === "GET" ? undefined : { visitorId: visitor, page: { url: "/" }, events: [], email, company: { employees: 5 } };
      const res = await call(op.method, op.url.replace("/v1/leads/1", `/v1/leads/${email}`), { body, key: ESP_KEY, headers: { "if-match": '"1"' } });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
      expect((await jsonOf(res)).error, `${op.method} ${op.path}`).toEqual({ code: "forbidden", message: expect.stringMatching(/only read email content/) });
      expect(op.statuses, `${op.method} ${op.path} documents it`).toContain("403");
    }
    // Basic is only ever accepted on the email content routes; elsewhere it is not a key at all.
    expect((await call("GET", `/v1/leads/${newEmail()}`, { headers: { authorization: basicAuth(ESP_KEY) } })).status).toBe(401);
    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
    for (const email of emails) expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("without LF_ESP_KEY the email content routes take the server key only", async () => {
    const request = (key: string) => new Request(`https://leadflare.test${contentQuery({ email: newEmail() })}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await fetchCountingD1(request(ESP_KEY), { LF_ESP_KEY: "" })).response.status).toBe(401);
    expect((await fetchCountingD1(request(SERVER_KEY), { LF_ESP_KEY: "" })).response.status).toBe(200);
  });
});

describe("admin tokens: LF_ADMIN_TOKENS name:token pairs, and LF_ADMIN_TOKEN named admin", () => {
  it("every token opens the admin API; the server key, a name, or a name:token pair do not", async () => {
    for (const key of [ADA_TOKEN, OPS_TOKEN, ADMIN_TOKEN]) expect((await call("GET", "/v1/admin/config", { key })).status, key).toBe(200);
    expect((await call("GET", "/v1/admin/config", { key: SERVER_KEY })).status).toBe(401);
    expect((await call("GET", "/v1/admin/config", { key: "ada" })).status).toBe(401);
    expect((await call("GET", "/v1/admin/config", { key: "ada:test-admin-ada" })).status).toBe(401);
  });

  it("the token's name is the author whatever X-Leadflare-Author says; the header is kept as a note", async () => {
    const before = await getActive();
    const changes = [
      { key: ADA_TOKEN, header: "mallory@example.com", author: "ada" },
      { key: OPS_TOKEN, header: undefined, author: "ops" },
      { key: ADMIN_TOKEN, header: "ci: nightly", author: "admin" },
    ];
    for (const { key, header, author } of changes) {
      const { version } = await getActive();
      const headers: Record<string, string> = { "if-match": `"${version}"`, ...(header ? { "x-leadflare-author": header } : {}) };
      const res = await call("PUT", "/v1/admin/config", { body: { document: before.document, message: `by ${author}` }, key, headers });
      expect(res.status).toBe(200);
      expect(await jsonOf(res)).toMatchObject({ version: version + 1, author, authorNote: header ?? null, message: `by ${author}` });
    }
    const versions = (await jsonOf(await call("GET", "/v1/admin/config/versions?limit=3", { key: OPS_TOKEN }))).versions;
    expect(versions.map((v: { author: string; authorNote: string | null }) => [v.author, v.authorNote])).toEqual([
      ["admin", "ci: nightly"],
      ["ops", null],
      ["ada", "mallory@example.com"],
    ]);
    const rollback = await call("POST", "/v1/admin/config/rollback", { body: { version: before.version }, key: ADA_TOKEN, headers: { "x-leadflare-author": "admin" } });
    expect(await jsonOf(rollback)).toMatchObject({ action: "rollback", author: "ada", authorNote: "admin" });
  });

  it("a token removed from LF_ADMIN_TOKENS is refused; LF_ADMIN_TOKEN alone still works as admin", async () => {
    const request = (key: string) => new Request("https://leadflare.test/v1/admin/config", { headers: { authorization: `Bearer ${key}` } });
    const onlyOps = { LF_ADMIN_TOKENS: `ops:${OPS_TOKEN}`, LF_ADMIN_TOKEN: "" };
    expect((await fetchCountingD1(request(ADA_TOKEN), onlyOps)).response.status).toBe(401);
    expect((await fetchCountingD1(request(OPS_TOKEN), onlyOps)).response.status).toBe(200);
    const legacy = { LF_ADMIN_TOKENS: "", LF_ADMIN_TOKEN: ADMIN_TOKEN };
    const { response } = await fetchCountingD1(request(ADMIN_TOKEN), legacy);
    expect(response.status).toBe(200);
    // An entry without a name is never a way in: no change could say who made it.
    for (const broken of [ADA_TOKEN, `:${ADA_TOKEN}`, ` :${ADA_TOKEN}`]) {
      const res = (await fetchCountingD1(request(ADA_TOKEN), { LF_ADMIN_TOKENS: broken, LF_ADMIN_TOKEN: "" })).response;
      expect(res.status, broken).toBe(401);
    }
    const spaced = { LF_ADMIN_TOKENS: ` ada : ${ADA_TOKEN} ,, ops:${OPS_TOKEN},`, LF_ADMIN_TOKEN: "" };
    for (const key of [ADA_TOKEN, OPS_TOKEN]) expect((await fetchCountingD1(request(key), spaced)).response.status, key).toBe(200);
  });
});
