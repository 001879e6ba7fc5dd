import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { defaultDocCopy } from "../support/config";
import { ADMIN_TOKEN } from "../support/harness";
import { drain, hook, pricingView, routedEnv, settle, smbLead, type Received, type TestEnv } from "../support/routing";

/**
 * Routing to HubSpot and Salesforce, against stand-ins on 127.0.0.1 that check the request
 * shapes those APIs document (test/support/receiver-server.ts): entering SMB Qualified is
 * sent to the CRM with an owner from a pool; a retried delivery never creates a second task.
 */

const TOKEN = "test-crm-token";

async function activateRouting(testEnv: TestEnv, destination: Record<string, unknown>) {
  const doc = defaultDocCopy();
  doc.routing = {
    destinations: { crm: destination as never },
    rules: [{ on: "enter", segments: ["smb-qualified"], send: ["crm"], owners: { pool: ["7101", "7102"] } }],
  };
  const admin = (method: string, body?: unknown, ifMatch?: string) =>
    settle(testEnv, new Request("https://leadflare.test/v1/admin/config", {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, origin: "https://leadflare.test", "content-type": "application/json", ...(ifMatch ? { "if-match": ifMatch } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }));
  const current = await admin("GET");
  const put = await admin("PUT", { document: doc, message: "test: routing to a CRM" }, current.headers.get("etag")!);
  expect(put.status, await put.clone().text()).toBe(200);
}

/** An SMB lead verified by the server whose three pricing views take it into smb-qualified. */
async function qualify(testEnv: TestEnv) {
  const lead = await smbLead(testEnv);
  for (let i = 0; i < 3; i++) await pricingView(testEnv, lead.visitor);
  return lead;
}

const summary = (received: Received[]) => received.map((r) => `${r.method} ${r.path.replace(/^\/\w+\/[\w-]+/, "").split("?")[0]}${r.problem ? ` PROBLEM ${r.problem}` : ""}`);

describe("routing to a CRM", () => {
  const envWithToken = (url: string) => {
    const testEnv = routedEnv(url);
    (testEnv.env as unknown as Record<string, string>).TEST_CRM_TOKEN = TOKEN;
    return testEnv;
  };

  it("HubSpot: the contact upserted by email with leadflare_segment and hubspot_owner_id, then a task associated with it", async () => {
    const crm = await hook([], "hubspot");
    const testEnv = envWithToken(crm.url);
    await activateRouting(testEnv, { type: "hubspot", token: "env:TEST_CRM_TOKEN", baseUrl: crm.url });
    const { email, leadId } = await qualify(testEnv);
    await drain(testEnv);
    const received = await crm.received();
    expect(summary(received)).toEqual(["POST /crm/v3/objects/contacts/batch/upsert", "POST /crm/v3/objects/tasks"]);
    const [upsert, task] = received.map((r) => JSON.parse(r.body));
    expect(upsert.inputs[0]).toEqual({ idProperty: "email", id: email, properties: { email, leadflare_segment: "smb-qualified", hubspot_owner_id: expect.stringMatching(/^710[12]$/) } });
    expect(task.properties).toMatchObject({ hs_task_subject: `Self-service signup: ${email}`, hubspot_owner_id: upsert.inputs[0].properties.hubspot_owner_id });
    const row = await env.DB.prepare("SELECT status, external_id FROM routing_deliveries WHERE lead_id = ?").bind(leadId).first();
    expect(row).toEqual({ status: "delivered", external_id: expect.stringMatching(/^hs-task-\d+$/) });
  });

  it("Salesforce: the Lead found by email gets a Task and its owner with Sforce-Auto-Assign: FALSE; a retry after a failed owner update creates no second Task", async () => {
    const crm = await hook([{ path: "/sobjects/Lead/", status: 503 }], "salesforce");
    const testEnv = envWithToken(crm.url);
    await activateRouting(testEnv, { type: "salesforce", instanceUrl: crm.url, token: "env:TEST_CRM_TOKEN" });
    const { leadId } = await qualify(testEnv);
    await drain(testEnv);
    const row = () => env.DB.prepare("SELECT id, status, attempts, external_id FROM routing_deliveries WHERE lead_id = ?").bind(leadId).first<{ id: string; status: string; attempts: number; external_id: string | null }>();
    const first = await row();
    expect(first).toMatchObject({ status: "pending", attempts: 1, external_id: expect.stringMatching(/^00T/) });
    await env.DB.prepare("UPDATE routing_deliveries SET next_at = ? WHERE id = ?").bind(Date.now(), first!.id).run();
    await drain(testEnv);
    expect(await row()).toMatchObject({ status: "delivered", attempts: 2, external_id: first!.external_id });
    const received = await crm.received();
    expect(summary(received)).toEqual([
      "GET /services/data/v61.0/query", "POST /services/data/v61.0/sobjects/Task", "PATCH /services/data/v61.0/sobjects/Lead/00Q5g000001",
      "GET /services/data/v61.0/query", "PATCH /services/data/v61.0/sobjects/Lead/00Q5g000001",
    ]);
    expect(received.at(-1)!.headers["sforce-auto-assign"]).toBe("FALSE");
    expect(JSON.parse(received.at(-1)!.body)).toEqual({ OwnerId: expect.stringMatching(/^710[12]$/) });
    expect(JSON.parse(received[1]!.body)).toMatchObject({ WhoId: "00Q5g000001", Subject: expect.stringContaining("Self-service signup"), ActivityDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it("a CRM's token is a Worker secret: a destination naming one that is not set is inert", async () => {
    const crm = await hook([], "hubspot");
    const testEnv = routedEnv(crm.url);
    await activateRouting(testEnv, { type: "hubspot", token: "env:TEST_CRM_TOKEN_UNSET", baseUrl: crm.url });
    const { leadId } = await qualify(testEnv);
    await drain(testEnv);
    expect(await crm.received()).toEqual([]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM routing_deliveries WHERE lead_id = ?").bind(leadId).first("n")).toBe(0);
  });
});
