import { describe, expect, it } from "vitest";
import { defaultDocCopy } from "../support/config";
import { ADMIN_TOKEN, call, countRows, DAY, getLead, jsonOf, newEmail, newVisitorId, SERVER_KEY } from "../support/harness";

/** Key holders' bodies (server and admin APIs) may be 1 MiB; browsers' stay at 64 KiB. */

const KiB = 1024;
const MiB = 1024 * KiB;
const byteLength = (s: string) => new TextEncoder().encode(s).byteLength;

/** `value` as JSON of exactly `bytes` bytes (spaces before the closing brace). */
function jsonOfSize(value: Record<string, unknown>, bytes: number): string {
  const text = JSON.stringify(value);
  return `${text.slice(0, -1)}${" ".repeat(bytes - byteLength(text))}}`;
}

const send = (method: string, path: string, body: string, key: string | null) => call(method, path, { body, key });

async function expectTooLarge(res: Response, limit: string) {
  expect(res.status).toBe(413);
  expect((await jsonOf(res)).error).toEqual({ code: "payload_too_large", message: `The body is larger than ${limit}.` });
}

describe("body limits", () => {
  it("imports 500 events with 300-character URLs in one request, and the lead report counts all of them", async () => {
    const email = newEmail();
    const now = Date.now();
    // Three page categories: each kind stays within the newest 200 timestamps a lead keeps per kind.
    const sections = ["/pricing/", "/docs/", "/blog/"];
    const events = Array.from({ length: 500 }, (_, i) => {
      const prefix = `https://www.site.example${sections[i % 3]}`;
      const query = `?utm_source=n${i}`;
      const url = `${prefix}${"a".repeat(300 - prefix.length - query.length)}${query}`;
      return { id: crypto.randomUUID(), type: "page_view", url, ts: now - (i + 1) * 60_000 };
    });
    expect(events.every((e) => e.url.length === 300)).toBe(true);
    const body = JSON.stringify({ events });
    expect(byteLength(body)).toBeGreaterThan(150 * KiB);
    const res = await send("POST", `/v1/leads/${encodeURIComponent(email)}/events`, body, SERVER_KEY);
    expect(res.status).toBe(202);
    expect(await jsonOf(res)).toEqual({ accepted: 500, duplicates: 0 });
    expect((await getLead(email)).signals.page_views_30d).toBe(500);
  });

  it("server routes take 1 MiB and refuse 1 MiB + 1 byte with 413, writing nothing", async () => {
    const email = newEmail();
    const lead = `/v1/leads/${encodeURIComponent(email)}`;
    const traits = { company: { employees: 50 } };
    const event = { events: [{ id: crypto.randomUUID(), type: "page_view", url: "/pricing", ts: Date.now() - DAY }] };
    const cases: [string, string, Record<string, unknown>, number][] = [
      ["PUT", lead, traits, 200],
      ["POST", `${lead}/events`, event, 202],
      ["POST", `${lead}/merge`, { from: newEmail() }, 404],
      ["POST", "/v1/email/content", { email }, 200],
    ];
    for (const [method, path, value] of cases) {
      await expectTooLarge(await send(method, path, jsonOfSize(value, MiB + 1), SERVER_KEY), "1 MiB");
    }
    expect(await countRows("leads", "email = ?", email)).toBe(0);
    for (const [method, path, value, status] of cases) {
      expect((await send(method, path, jsonOfSize(value, MiB), SERVER_KEY)).status, `${method} ${path}`).toBe(status);
    }
  });

  it("POST /v1/leads:batch takes 1.5 MiB (1,000 leads with every trait at its longest) and refuses 1.5 MiB + 1 byte", async () => {
    const email = newEmail();
    const leads = { leads: [{ email, traits: { company: { employees: 50 } } }] };
    await expectTooLarge(await send("POST", "/v1/leads:batch", jsonOfSize(leads, 1.5 * MiB + 1), SERVER_KEY), "1.5 MiB");
    expect(await countRows("leads", "email = ?", email)).toBe(0);
    expect((await send("POST", "/v1/leads:batch", jsonOfSize(leads, 1.5 * MiB), SERVER_KEY)).status).toBe(200);
    const label = "x".repeat(120);
    const host = `${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(53)}.example`;
    const longest = Array.from({ length: 1000 }, () => ({
      email: `${crypto.randomUUID()}${"a".repeat(28)}@${host}`,
      traits: {
        company: { employees: 10_000_000, industry: label, revenue: 123456789012.5, country: "DE", domain: `${"d".repeat(249)}.com` },
        person: { role: label, seniority: label, department: label },
      },
    }));
    expect(longest[0]!.email).toHaveLength(254);
    const body = JSON.stringify({ leads: longest });
    expect(byteLength(body)).toBeGreaterThan(MiB);
    expect(byteLength(body)).toBeLessThan(1.5 * MiB);
    const res = await send("POST", "/v1/leads:batch", body, SERVER_KEY);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ created: 1000, updated: 0 });
  });

  it("admin routes carry whole documents: 1 MiB in, 1 MiB + 1 byte → 413", async () => {
    const document = defaultDocCopy();
    const validate = (bytes: number) => send("POST", "/v1/admin/config/validate", jsonOfSize({ document }, bytes), ADMIN_TOKEN);
    const evaluate = (bytes: number) => send("POST", "/v1/admin/evaluate", jsonOfSize({ facts: { score: 1 }, config: document }, bytes), ADMIN_TOKEN);
    expect((await validate(MiB)).status).toBe(200);
    expect((await evaluate(MiB)).status).toBe(200);
    await expectTooLarge(await validate(MiB + 1), "1 MiB");
    await expectTooLarge(await evaluate(MiB + 1), "1 MiB");
  });

  it("public routes keep 64 KiB: 64 KiB in, 64 KiB + 1 byte → 413 and nothing recorded", async () => {
    const visitorId = newVisitorId();
    const bodies = {
      "/v1/events": { visitorId, events: [{ id: crypto.randomUUID(), type: "page_view", url: "/" }] },
      "/v1/personalize": { visitorId, page: { url: "/" } },
      "/v1/identify": { visitorId, email: newEmail() },
    };
    for (const [path, value] of Object.entries(bodies)) await expectTooLarge(await send("POST", path, jsonOfSize(value, 64 * KiB + 1), null), "64 KiB");
    expect(await countRows("visitors", "id = ?", visitorId)).toBe(0);
    expect((await send("POST", "/v1/events", jsonOfSize(bodies["/v1/events"], 64 * KiB), null)).status).toBe(202);
  });

  it("/openapi.json states each route's own limit", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const limitOf = (path: string, method: string) => doc.paths[path][method].responses["413"].description;
    for (const [path, method] of [["/v1/events", "post"], ["/v1/personalize", "post"], ["/v1/identify", "post"]]) {
      expect(limitOf(path!, method!)).toBe("Body larger than 64 KiB");
    }
    for (const [path, method] of [
      ["/v1/leads/{email}", "put"],
      ["/v1/leads/{email}/events", "post"],
      ["/v1/leads/{email}/merge", "post"],
      ["/v1/email/content", "post"],
      ["/v1/admin/config", "put"],
      ["/v1/admin/config/validate", "post"],
      ["/v1/admin/evaluate", "post"],
    ]) {
      expect(limitOf(path!, method!), `${method} ${path}`).toBe("Body larger than 1 MiB");
    }
    expect(limitOf("/v1/leads:batch", "post")).toBe("Body larger than 1.5 MiB");
  });
});
