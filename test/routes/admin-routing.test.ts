import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { defaultDocument } from "../../src/config/shipped";
import { ADMIN_TOKEN, call, jsonOf } from "../support/harness";

/**
 * GET /v1/admin/routing, the console's Routing page's data: the active configuration's rules
 * and destinations, each live (its secrets set) or inert, disabled after a 410 or not, with its
 * deliveries of the last 24 hours. It names the secrets and never shows their values.
 */

const URL_VALUE = "https://hooks.example/very-secret-path-0b1c2d";
const SECRET_VALUE = env.TEST_WEBHOOK_SECRET;

async function asLive(path: string): Promise<Response> {
  const live = { ...env, LF_ROUTING_WEBHOOK_URL: URL_VALUE, LF_ROUTING_WEBHOOK_SECRET: SECRET_VALUE } as unknown as Cloudflare.Env;
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://leadflare.test${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }) as never, live, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function delivery(status: string, createdAt: number) {
  await env.DB.prepare(
    `INSERT INTO routing_deliveries (id, lead_id, destination, to_segment, cause, at, config_version, rule, status, next_at, created_at)
     VALUES (?, ?, 'crm-webhook', 'smb-qualified', 'event', ?, 1, 0, ?, ?, ?)`,
  ).bind(`msg_${crypto.randomUUID().replaceAll("-", "")}`, crypto.randomUUID(), createdAt, status, createdAt, createdAt).run();
}

describe("GET /v1/admin/routing", () => {
  it("the default configuration: its rules, and crm-webhook inert until its two secrets are set", async () => {
    const res = await call("GET", "/v1/admin/routing", { key: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await jsonOf(res);
    expect(body).toEqual({
      quietMinutes: 60,
      rules: defaultDocument.routing.rules,
      destinations: [
        {
          name: "crm-webhook",
          type: "webhook",
          url: "env:LF_ROUTING_WEBHOOK_URL",
          secret: "env:LF_ROUTING_WEBHOOK_SECRET",
          live: false,
          disabled: null,
          last24h: { finished: 0, delivered: 0, waiting: 0, successRate: null },
        },
      ],
    });
    expect(body.rules.length).toBeGreaterThan(0);
  });

  it("with its secrets set it is live; the last 24 hours' success rate; a 410 disables it; no secret's value is shown", async () => {
    const now = Date.now();
    for (const status of ["delivered", "delivered", "delivered", "dead", "pending", "held"]) await delivery(status, now - 60_000);
    // Older than 24 hours: not counted.
    await delivery("dead", now - 25 * 3600_000);
    const res = await asLive("/v1/admin/routing");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(URL_VALUE);
    expect(text).not.toContain(SECRET_VALUE);
    const [crm] = JSON.parse(text).destinations;
    expect(crm).toMatchObject({ live: true, disabled: null, url: "env:LF_ROUTING_WEBHOOK_URL", last24h: { finished: 4, delivered: 3, waiting: 2, successRate: 0.75 } });

    await env.DB.prepare("INSERT INTO routing_disabled (destination, disabled_at, reason) VALUES ('crm-webhook', ?, 'answered 410 Gone')").bind(now).run();
    const [disabled] = (await jsonOf(await asLive("/v1/admin/routing"))).destinations;
    expect(disabled).toMatchObject({ live: true, disabled: { at: new Date(now).toISOString(), reason: "answered 410 Gone" } });
  });

  it("is for admins only: the server key is refused", async () => {
    expect((await call("GET", "/v1/admin/routing", { key: "test-server-key" })).status).toBe(401);
  });
});
