import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/env";
import { handleError } from "../../src/errors";
import { ipKey, limitSignIn } from "../../src/middleware/rate-limit";
import { admin } from "../support/admin";
import { call, countRows, jsonOf, newVisitorId, putLead, newEmail, SERVER_KEY } from "../support/harness";
import { EVENTS_OF_VISITOR } from "../support/events-table";

/**
 * Rate limits (wrangler.toml `[[ratelimits]]`, README "Rate limits"), through the real
 * binding that miniflare runs: public endpoints per client IP and per visitor id, new leads
 * per IP, the server API per key, the admin API per IP. Every test uses its own IPs, visitors
 * and keys, so tests never share a counter. Requests without CF-Connecting-IP (every other
 * test file's) are never limited per IP: Cloudflare always sets the header.
 */

/** The limits in effect: wrangler.toml's, the server key's lowered for tests (vitest.config.ts). */
const LIMITS = {
  publicIp: env.TEST_RATE_LIMITS.LIMIT_PUBLIC_IP!,
  publicVisitor: env.TEST_RATE_LIMITS.LIMIT_PUBLIC_VISITOR!,
  newLeadsIp: env.TEST_RATE_LIMITS.LIMIT_NEW_LEADS_IP!,
  serverKey: env.TEST_RATE_LIMITS.LIMIT_SERVER_KEY!,
  adminIp: env.TEST_RATE_LIMITS.LIMIT_ADMIN_IP!,
};
/** Long enough for a scenario run twice (see inOneWindow). */
const SLOW = 120_000;
const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0" };

/** A fresh client address (10.0.0.0/8), so no two tests share a counter. */
const newIp = () => `10.${crypto.getRandomValues(new Uint8Array(3)).join(".")}`;
const from = (ip: string) => ({ ...BROWSER, "cf-connecting-ip": ip });

// A page worth 1 point: one visitor's 120 views a minute stay under the daily points cap (200),
// so what refuses them here is the rate limit alone.
const pageView = (visitorId: string, headers: Record<string, string>) =>
  call("POST", "/v1/personalize", { body: { visitorId, page: { url: "/" } }, headers });
const oneEvent = (visitorId: string, headers: Record<string, string>) =>
  call("POST", "/v1/events", { body: { visitorId, events: [{ id: crypto.randomUUID(), type: "cta_click", url: "/" }] }, headers });

/**
 * The binding counts in fixed windows of its period aligned to the clock (miniflare:
 * floor(now / 60 s)), so a run that spans two windows gets a fresh count midway. Such a run
 * is set aside and the scenario runs again with fresh ids: it then starts just after a
 * boundary and fits in one window. Assertions are on the run that did.
 */
async function inOneWindow<T>(scenario: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const start = Date.now();
    const result = await scenario();
    if (Math.floor(start / 60_000) === Math.floor(Date.now() / 60_000) || attempt === 2) return result;
  }
}

/** Sends the requests one after another; the statuses in order, and every refusal's response. */
async function inSequence(count: number, send: (i: number) => Promise<Response>) {
  const statuses: number[] = [];
  const refused: Response[] = [];
  for (let i = 0; i < count; i++) {
    const res = await send(i);
    statuses.push(res.status);
    if (res.status === 429) refused.push(res);
    else await res.body?.cancel();
  }
  return { statuses, refused };
}

async function expectRefusals(refused: Response[]) {
  for (const res of refused) {
    expect(res.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    const body = await jsonOf(res);
    expect(body).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
  }
}

/** The events of these visitors' leads (each visitor here has a lead of its own). */
const sameIn = (list: string[]) => `lead_id IN (SELECT lead_id FROM visitors WHERE id IN (${list.map(() => "?").join(",")}))`;

describe("rate limits", () => {
  it(`1,000 rapid public requests from one IP: the first ${LIMITS.publicIp} are answered, the rest get 429 with Retry-After, and only the answered ones are recorded`, async () => {
    expect(LIMITS.publicIp).toBeLessThan(1000);
    expect(LIMITS.publicVisitor).toBeGreaterThan(1000 / 20 + 1);
    const run = await inOneWindow(async () => {
      // Known visitors (first seen without an IP, as in every other test), so that neither the
      // per-visitor limit (50 requests each) nor the new-lead limit comes into play.
      const visitors = Array.from({ length: 20 }, newVisitorId);
      for (const v of visitors) expect((await oneEvent(v, BROWSER)).status).toBe(202);
      const ip = newIp();
      const sent = await inSequence(1000, (i) => (i % 2 ? oneEvent : pageView)(visitors[i % 20]!, from(ip)));
      return { visitors, ip, ...sent };
    });
    const answered = run.statuses.filter((s) => s !== 429).length;
    expect(run.statuses.slice(0, LIMITS.publicIp).every((s) => s === 200 || s === 202)).toBe(true);
    expect(run.statuses.slice(LIMITS.publicIp).every((s) => s === 429)).toBe(true);
    expect(answered).toBe(LIMITS.publicIp);
    await expectRefusals(run.refused.slice(0, 20));
    expect(run.refused[0]!.headers.get("retry-after")).toBe("60");
    // One event each from the first requests, one per answered request: nothing from the refused.
    expect(await countRows("events", sameIn(run.visitors), ...run.visitors)).toBe(20 + LIMITS.publicIp);
    // Another client is not affected.
    expect((await oneEvent(run.visitors[0]!, from(newIp()))).status).toBe(202);
  }, SLOW);

  it("limits each visitor id, whatever IP its requests come from", async () => {
    const run = await inOneWindow(async () => {
      const visitor = newVisitorId();
      return { visitor, ...(await inSequence(LIMITS.publicVisitor + 10, () => pageView(visitor, from(newIp())))) };
    });
    expect(run.statuses.slice(0, LIMITS.publicVisitor).every((s) => s === 200)).toBe(true);
    expect(run.statuses.slice(LIMITS.publicVisitor).every((s) => s === 429)).toBe(true);
    await expectRefusals(run.refused);
    expect(await countRows("events", EVENTS_OF_VISITOR, run.visitor)).toBe(LIMITS.publicVisitor);
    // The read-only GET counts too; another visitor is not affected.
    expect((await call("GET", `/v1/personalize?visitorId=${run.visitor}`, { headers: BROWSER })).status).toBe(429);
    expect((await call("GET", `/v1/personalize?visitorId=${newVisitorId()}`, { headers: BROWSER })).status).toBe(200);
  }, SLOW);

  it("limits new leads per IP: past the limit (one more, which finds it out), that IP's writes are refused and record nothing", async () => {
    const run = await inOneWindow(async () => {
      const ip = newIp();
      const returning = newVisitorId();
      expect((await oneEvent(returning, BROWSER)).status).toBe(202);
      const visitors = Array.from({ length: LIMITS.newLeadsIp + 10 }, newVisitorId);
      const sent = await inSequence(visitors.length, (i) => (i % 2 ? oneEvent : pageView)(visitors[i]!, from(ip)));
      const afterwards = await oneEvent(returning, from(ip));
      return { ip, returning, visitors, afterwards, ...sent };
    });
    const created = LIMITS.newLeadsIp + 1;
    expect(run.statuses.slice(0, created).every((s) => s === 200 || s === 202)).toBe(true);
    expect(run.statuses.slice(created).every((s) => s === 429)).toBe(true);
    await expectRefusals(run.refused);
    expect(await countRows("visitors", `id IN (${run.visitors.map(() => "?").join(",")})`, ...run.visitors)).toBe(created);
    expect(await countRows("events", sameIn(run.visitors), ...run.visitors)).toBe(created);
    // Returning visitors behind that IP wait too (a write cannot tell in advance whether it creates a lead).
    expect(run.afterwards.status).toBe(429);
    expect(await countRows("events", EVENTS_OF_VISITOR, run.returning)).toBe(1);
    // Identify writes too; the read-only GET and other IPs are not affected.
    const identify = await call("POST", "/v1/identify", { body: { visitorId: run.returning, email: newEmail() }, headers: from(run.ip) });
    expect(identify.status).toBe(429);
    expect((await call("GET", `/v1/personalize?visitorId=${run.returning}`, { headers: from(run.ip) })).status).toBe(200);
    expect((await pageView(newVisitorId(), from(newIp()))).status).toBe(200);
  }, SLOW);

  it("counts an IPv6 client as its /64: rotating addresses within it does not reset the count", async () => {
    const run = await inOneWindow(async () => {
      const prefix = `2001:db8:${[...crypto.getRandomValues(new Uint16Array(2))].map((n) => n.toString(16)).join(":")}`;
      const visitors = Array.from({ length: LIMITS.newLeadsIp + 5 }, newVisitorId);
      return { visitors, ...(await inSequence(visitors.length, (i) => oneEvent(visitors[i]!, from(`${prefix}:0:0:${(i + 1).toString(16)}:1`)))) };
    });
    expect(run.statuses.filter((s) => s === 202)).toHaveLength(LIMITS.newLeadsIp + 1);
    expect(run.statuses.slice(LIMITS.newLeadsIp + 1).every((s) => s === 429)).toBe(true);
    expect(ipKey("2001:DB8:0:1::1")).toBe(ipKey("2001:db8::1:ffff:ffff:ffff:ffff"));
    expect(ipKey("2001:db8:0:1::1")).not.toBe(ipKey("2001:db8:0:2::1"));
    expect(ipKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(ipKey("192.0.2.1")).not.toBe(ipKey("192.0.2.2"));
  }, SLOW);

  it("a site's server: its visitors' forwarded IPs count, not the server's own", async () => {
    const serverIp = newIp();
    const serverCall = (visitorId: string, ip: string) =>
      call("POST", "/v1/events", {
        body: { visitorId, events: [{ id: crypto.randomUUID(), type: "page_view", url: "/" }], context: { userAgent: BROWSER["user-agent"], ip } },
        headers: { "cf-connecting-ip": serverIp },
        key: SERVER_KEY,
      });
    const run = await inOneWindow(async () => {
      const visitorIp = newIp();
      const many = await inSequence(LIMITS.newLeadsIp + 5, () => serverCall(newVisitorId(), newIp()));
      const one = await inSequence(LIMITS.newLeadsIp + 5, () => serverCall(newVisitorId(), visitorIp));
      return { many, one };
    });
    expect(run.many.statuses.every((s) => s === 202)).toBe(true);
    expect(run.one.statuses.filter((s) => s === 202)).toHaveLength(LIMITS.newLeadsIp + 1);
    expect(run.one.statuses.slice(LIMITS.newLeadsIp + 1).every((s) => s === 429)).toBe(true);
    await expectRefusals(run.one.refused);
  }, SLOW);

  it("limits the server API per key (a hash of it): past the limit 429, while another key is unaffected", async () => {
    // A wrong key has a counter of its own: its requests are counted before they are refused
    // with 401, and cannot use up the real key's.
    const email = newEmail();
    const run = await inOneWindow(async () => {
      // A fresh key per attempt: a retry after a window boundary must not inherit the counter.
      const wrongKey = `wrong-${crypto.randomUUID()}`;
      const statuses: number[] = [];
      const refused: Response[] = [];
      for (let sent = 0; sent < LIMITS.serverKey + 50; sent += 50) {
        const batch = await Promise.all(Array.from({ length: 50 }, () => call("GET", `/v1/leads/${email}`, { key: wrongKey })));
        for (const res of batch) {
          statuses.push(res.status);
          if (res.status === 429) refused.push(res);
          else await res.body?.cancel();
        }
      }
      return { statuses, refused };
    });
    expect(run.statuses.filter((s) => s === 401)).toHaveLength(LIMITS.serverKey);
    expect(run.statuses.filter((s) => s === 429)).toHaveLength(run.statuses.length - LIMITS.serverKey);
    await expectRefusals(run.refused.slice(0, 10));
    await putLead(email, { company: { employees: 40 } });
    expect((await call("GET", `/v1/leads/${email}`, { key: SERVER_KEY })).status).toBe(200);
  }, SLOW);

  it("limits the admin API per IP", async () => {
    const run = await inOneWindow(async () => {
      const ip = newIp();
      return { ip, ...(await inSequence(LIMITS.adminIp + 5, () => admin("GET", "/v1/admin/config", undefined, { "cf-connecting-ip": ip }))) };
    });
    expect(run.statuses.slice(0, LIMITS.adminIp).every((s) => s === 200)).toBe(true);
    expect(run.statuses.slice(LIMITS.adminIp).every((s) => s === 429)).toBe(true);
    await expectRefusals(run.refused);
    expect((await admin("GET", "/v1/admin/config", undefined, { "cf-connecting-ip": newIp() })).status).toBe(200);
  }, SLOW);

  it("offers a stricter per-IP limit for an admin sign-in route (limitSignIn)", async () => {
    const signIn = new Hono<AppEnv>().post("/sign-in", limitSignIn, (c) => c.text("checked"));
    signIn.onError(handleError);
    const run = await inOneWindow(async () => {
      const ip = newIp();
      const attempt = async () => signIn.fetch(new Request("https://leadflare.test/sign-in", { method: "POST", headers: { "cf-connecting-ip": ip } }), env);
      return inSequence(env.TEST_RATE_LIMITS.LIMIT_SIGN_IN_IP! + 3, attempt);
    });
    expect(run.statuses.filter((s) => s === 200)).toHaveLength(env.TEST_RATE_LIMITS.LIMIT_SIGN_IN_IP!);
    expect(run.statuses.slice(env.TEST_RATE_LIMITS.LIMIT_SIGN_IN_IP!).every((s) => s === 429)).toBe(true);
    await expectRefusals(run.refused);
  });

  it("documents 429 on every rate-limited route", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const limited = [
      ["/v1/personalize", "post"], ["/v1/personalize", "get"], ["/v1/events", "post"], ["/v1/identify", "post"],
      ["/v1/leads/{email}", "put"], ["/v1/leads/{email}", "get"], ["/v1/leads/{email}/events", "post"], ["/v1/leads/{email}/merge", "post"],
      ["/v1/leads:batch", "post"], ["/v1/email/content", "get"], ["/v1/email/content", "post"], ["/v1/admin/config", "get"], ["/v1/admin/config", "put"],
    ] as const;
    for (const [path, method] of limited) {
      const response = doc.paths[path][method].responses["429"];
      expect(response, `${method} ${path}`).toBeDefined();
      expect(response.headers["Retry-After"], `${method} ${path}`).toBeDefined();
    }
  });
});
