import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { expect, inject } from "vitest";
import worker from "../../src/index";
import { BROWSER_UA, leadIdOf } from "./email";
import { newEmail, newVisitorId, SERVER_KEY } from "./harness";

/**
 * Routing's tests through the worker (test/routes/routing*.test.ts): a receiver path of the
 * test's own on the real listener (./receiver-server.ts), the worker's env with routing's
 * default destination made live and the queue's messages kept, and the queue handler driven
 * with vitest's queue helpers.
 */

export const SECRET = env.TEST_WEBHOOK_SECRET;
export const receiver = (path: string) => `http://127.0.0.1:${inject("receiverPort")}${path}`;

export interface Received {
  method: string;
  path: string;
  problem?: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean | null;
}

/** A receiver path of this test's own, answering `responses` in turn (then 200). */
export async function hook(responses: { path?: string; status: number; retryAfter?: string; location?: string }[] = [], prefix = "hook") {
  const name = crypto.randomUUID();
  const res = await fetch(receiver(`/script/${name}`), { method: "POST", body: JSON.stringify({ responses, secret: SECRET }) });
  expect(res.status).toBe(204);
  return {
    url: receiver(`/${prefix}/${name}`),
    received: async () => (await (await fetch(receiver(`/received/${name}`))).json()) as Received[],
  };
}

/** The worker's env with routing live at `url`, and its queue's messages kept for the test to deliver. */
export function routedEnv(url: string) {
  const sent: { id: string; delaySeconds: number }[] = [];
  /** Each message's kind (`deliver`, or `erasure` for a lead.erased notice), by id. */
  const kinds = new Map<string, string>();
  const queue = {
    async send(body: { id: string; kind: string }, options?: { delaySeconds?: number }) {
      kinds.set(body.id, body.kind);
      sent.push({ id: body.id, delaySeconds: options?.delaySeconds ?? 0 });
    },
    async sendBatch(messages: { body: { id: string; kind: string }; delaySeconds?: number }[]) {
      for (const m of messages) await queue.send(m.body, m);
    },
  };
  return { env: { ...env, LF_ROUTING_WEBHOOK_URL: url, LF_ROUTING_WEBHOOK_SECRET: SECRET, ROUTING_QUEUE: queue } as unknown as Cloudflare.Env, sent, kinds };
}

export type TestEnv = ReturnType<typeof routedEnv>;

export async function settle(testEnv: TestEnv, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as never, testEnv.env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export const server = (testEnv: TestEnv, method: string, path: string, body: unknown) =>
  settle(testEnv, new Request(`https://leadflare.test${path}`, {
    method, headers: { "content-type": "application/json", authorization: `Bearer ${SERVER_KEY}` }, body: JSON.stringify(body),
  }));

export const pricingView = (testEnv: TestEnv, visitorId: string) =>
  settle(testEnv, new Request("https://leadflare.test/v1/personalize", {
    method: "POST", headers: { "content-type": "application/json", "user-agent": BROWSER_UA },
    body: JSON.stringify({ visitorId, page: { url: "/pricing" } }),
  }));

/** Delivers the queue's messages so far through the worker's queue handler (and forgets them). */
export async function drain(testEnv: TestEnv) {
  const messages = testEnv.sent.splice(0).map((m, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body: { kind: testEnv.kinds.get(m.id) ?? "deliver", id: m.id } }));
  const batch = createMessageBatch("leadflare-routing", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch as never, testEnv.env, ctx);
  const result = await getQueueResult(batch, ctx);
  expect(result.explicitAcks.length).toBe(messages.length);
}

export async function runCron(testEnv: TestEnv, scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), testEnv.env, ctx);
  await waitOnExecutionContext(ctx);
}

export const SMB = { company: { employees: 50, industry: "saas" }, person: { seniority: "director" } };

/** The seed's SMB lead verified by the site's server with one browser. */
export async function smbLead(testEnv: TestEnv) {
  const email = newEmail();
  const visitor = newVisitorId();
  const path = `/v1/leads/${encodeURIComponent(email)}`;
  expect((await server(testEnv, "PUT", path, SMB)).status).toBe(200);
  expect((await server(testEnv, "POST", `${path}/visitors`, { visitorId: visitor })).status).toBe(200);
  return { email, visitor, leadId: await leadIdOf(email) };
}

