import { describe, expect, it } from "vitest";
import { ADA_TOKEN, call, jsonOf } from "../support/harness";
import { operations } from "../support/openapi";
import { SESSION_COOKIE } from "../support/session";

/**
 * Every admin route, enumerated from /openapi.json so that a new one cannot be forgotten,
 * answers 401 to a request that is not signed in, whatever else it carries.
 */

const SIGN_IN = "POST /v1/admin/session";

describe("the admin API without credentials", () => {
  it("every /v1/admin route answers 401 unauthorized, before reading anything else of the request", async () => {
    const admin = (await operations()).filter((op) => op.path.startsWith("/v1/admin/"));
    expect(admin.map((op) => `${op.method} ${op.path}`)).toEqual(expect.arrayContaining([SIGN_IN, "GET /v1/admin/session", "DELETE /v1/admin/session", "PUT /v1/admin/config"]));
    const attempts: Record<string, string>[] = [
      {},
      { cookie: `${SESSION_COOKIE}=made-up.c2lnbmF0dXJl` },
      { cookie: "lf_vid=2f1f9b3c-1111-4c1c-8a1a-1f1f1f1f1f1f" },
      // Cloudflare Access is not configured in these tests: its header proves nothing.
      { "cf-access-jwt-assertion": "eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImFkYUBleGFtcGxlLmNvbSJ9." },
      { authorization: "Basic YWRtaW46dGVzdC1hZG1pbi1hZGE=" },
    ];
    for (const op of admin.filter((op) => `${op.method} ${op.path}` !== SIGN_IN)) {
      expect(op.security, `${op.method} ${op.path}`).toEqual([{ adminToken: [] }, { adminSession: [] }, { accessJwt: [] }]);
      expect(op.statuses, `${op.method} ${op.path}`).toContain("401");
      for (const headers of attempts) {
        const res = await call(op.method, op.url, { body: op.method === "GET" ? undefined : {}, headers: { origin: "https://leadflare.test", ...headers } });
        expect(res.status, `${op.method} ${op.path} ${JSON.stringify(headers)}`).toBe(401);
        expect((await jsonOf(res)).error, `${op.method} ${op.path}`).toMatchObject({ code: "unauthorized", message: expect.any(String) });
      }
    }
  });

  it("the sign-in itself takes no credentials but the token in its body: a wrong one is 401", async () => {
    const signIn = (await operations()).find((op) => `${op.method} ${op.path}` === SIGN_IN)!;
    expect(signIn.security).toEqual([]);
    const res = await call("POST", "/v1/admin/session", { body: { token: `${ADA_TOKEN}-not` } });
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe("unauthorized");
  });
});
