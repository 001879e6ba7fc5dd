import { createServer, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { newEmail, serverApi, withConfig } from "./support/server";
import { E2E_WEBHOOK_SECRET } from "./support/worker";

/**
 * Routing end to end under `wrangler dev`: its queue, its consumer and a real webhook
 * receiver on 127.0.0.1 that this file starts and stops, verifying signatures with the
 * `standardwebhooks` package. The configuration sends entering SMB Qualified to it.
 */

interface Message {
  verified: boolean;
  at: number;
  body: { type: string; data: { lead: { id: string; email: string }; from: string | null; to: string } };
}

const received: Message[] = [];
let server: Server;
let hookUrl = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified = true;
      try {
        new Webhook(E2E_WEBHOOK_SECRET).verify(body, headers);
      } catch {
        verified = false;
      }
      received.push({ verified, at: Date.now(), body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const BROWSER = { "content-type": "application/json", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36" };
const pricingView = async (visitorId: string) => {
  const res = await fetch(`${inject("workerUrl")}/v1/personalize`, { method: "POST", headers: BROWSER, body: JSON.stringify({ visitorId, page: { url: "/pricing" } }) });
  expect(res.status).toBe(200);
};

/** The seed's SMB lead (fit 52): three pricing views qualify it. */
async function smbLead(email: string) {
  const path = `/v1/leads/${encodeURIComponent(email)}`;
  expect((await serverApi("PUT", path, { company: { employees: 50, industry: "saas" }, person: { seniority: "director" } })).status).toBe(200);
}

const messagesFor = (email: string) => received.filter((m) => m.body.data.lead.email === email);

async function waitFor<T>(read: () => T | undefined, ms: number): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function routeToReceiver(doc: any) {
  doc.routing.destinations["e2e-hook"] = { type: "webhook", url: hookUrl, secret: "env:LF_E2E_WEBHOOK_SECRET" };
  doc.routing.rules = [{ on: "enter", segments: ["smb-qualified"], send: ["e2e-hook"] }];
}

describe("routing under wrangler dev", () => {
  it("a lead verified by the server crosses into smb-qualified: the receiver gets that one move within 10 s; an unverified claim's same move sends nothing", async () => {
    await withConfig(routeToReceiver, async () => {
      const email = newEmail();
      await smbLead(email);
      const visitor = crypto.randomUUID();
      expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/visitors`, { visitorId: visitor })).status).toBe(200);
      await pricingView(visitor);
      await pricingView(visitor);
      const tipped = Date.now();
      await pricingView(visitor);
      const message = await waitFor(() => messagesFor(email)[0], 10_000);
      expect(message, "no delivery within 10 s").toBeDefined();
      expect(message!.verified).toBe(true);
      expect(message!.body).toMatchObject({ type: "lead.segment_changed", data: { from: "smb-nurture", to: "smb-qualified" } });

      // A stranger's browser claims another known SMB lead's email and does the same.
      const other = newEmail();
      await smbLead(other);
      const stranger = crypto.randomUUID();
      const claim = await fetch(`${inject("workerUrl")}/v1/identify`, { method: "POST", headers: BROWSER, body: JSON.stringify({ visitorId: stranger, email: other }) });
      expect(claim.status).toBeLessThan(300);
      for (let i = 0; i < 3; i++) await pricingView(stranger);
      // Long enough for a delivery to arrive (the first one took well under this).
      await new Promise((r) => setTimeout(r, Math.max(3000, 3 * (message!.at - tipped))));
      expect(messagesFor(other)).toEqual([]);
      expect(messagesFor(email)).toHaveLength(1);
    });
  });
});
