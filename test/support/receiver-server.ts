import { createServer, type IncomingMessage, type Server } from "node:http";
import type { TestProject } from "vitest/node";
import { Webhook } from "standardwebhooks";

/**
 * A real HTTP receiver on 127.0.0.1 for routing's tests, started by vitest before the test
 * files (globalSetup, in Node) and stopped after them. Each test uses its own path
 * (`/hook/<name>`) and scripts it through the receiver's control routes:
 *   POST /script/<name> {"responses": [{"status": 500}, {"status": 429, "retryAfter": "7"}], "secret": "whsec_..."}
 *   GET  /received/<name> → every request received there, with whether its Standard Webhooks
 *        signature verifies with the `standardwebhooks` package under the scripted secret.
 * Requests past the script are answered 200. Under `/hubspot/<name>/...` and
 * `/salesforce/<name>/...` the receiver is a stand-in for those CRMs' APIs: it checks the
 * request shapes they document (paths, methods, the bearer token, `idProperty: "email"`,
 * `hubspot_owner_id`, `hs_timestamp`, the task-to-contact association 204, `WhoId`/`Subject`/
 * `ActivityDate`, `Sforce-Auto-Assign`) and answers as they do; a request of another shape
 * is answered 400 with the problem, which the test sees in `problem`. A scripted response
 * with `path` is used by the first request whose path contains it.
 */

interface Scripted {
  path?: string;
  status: number;
  retryAfter?: string;
  location?: string;
}
interface Received {
  method: string;
  path: string;
  problem?: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean | null;
  error: string | null;
  at: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    receiverPort: number;
  }
}

const scripts = new Map<string, { responses: Scripted[]; secret?: string }>();
const received = new Map<string, Received[]>();

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => resolve(body));
  });

function verify(secret: string | undefined, headers: Record<string, string>, body: string): { verified: boolean | null; error: string | null } {
  if (!secret) return { verified: null, error: null };
  try {
    new Webhook(secret).verify(body, headers);
    return { verified: true, error: null };
  } catch (e) {
    return { verified: false, error: String(e) };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server: Server = createServer(async (req, res) => {
    const [, kind, name = ""] = (req.url ?? "").split("?")[0]!.split("/");
    const body = await readBody(req);
    if (kind === "script" && req.method === "POST") {
      scripts.set(name, JSON.parse(body));
      received.set(name, []);
      return res.writeHead(204).end();
    }
    if (kind === "received") {
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.get(name) ?? []));
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const script = scripts.get(name);
    const path = req.url ?? "";
    const crm = kind === "hubspot" || kind === "salesforce" ? standIn(kind, req.method ?? "", path.slice(`/${kind}/${name}`.length), headers, body) : null;
    const entry: Received = { method: req.method ?? "", path, headers, body, ...verify(script?.secret, headers, body), at: Date.now() };
    if (crm?.problem) entry.problem = crm.problem;
    received.set(name, [...(received.get(name) ?? []), entry]);
    const at = script?.responses.findIndex((r) => !r.path || path.includes(r.path)) ?? -1;
    const next = at >= 0 ? script!.responses.splice(at, 1)[0]! : crm ? { status: crm.status } : { status: 200 };
    const out: Record<string, string> = { "content-type": "application/json" };
    if (next.retryAfter) out["retry-after"] = next.retryAfter;
    if (next.location) out.location = next.location;
    if (next.status === 204) return res.writeHead(204).end();
    res.writeHead(next.status, out).end(JSON.stringify(crm && next.status === crm.status ? crm.body : { ok: next.status < 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("receiver: no port");
  project.provide("receiverPort", address.port);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

let created = 0;
const CRM_TOKEN = "Bearer test-crm-token";

/** A HubSpot or Salesforce answer to a request, or the problem with its shape (answered 400). */
function standIn(crm: "hubspot" | "salesforce", method: string, path: string, headers: Record<string, string>, raw: string): { status: number; body?: unknown; problem?: string } {
  const bad = (problem: string) => ({ status: 400, body: { message: problem }, problem });
  if (headers.authorization !== CRM_TOKEN) return { status: 401, body: { message: "bad token" }, problem: "authorization is not the private app's bearer token" };
  let body: any = {};
  try {
    body = raw ? JSON.parse(raw) : {};
  } catch {
    return bad("body is not JSON");
  }
  if (crm === "hubspot") {
    if (method === "POST" && path === "/crm/v3/objects/contacts/batch/upsert") {
      const input = body.inputs?.[0];
      if (body.inputs?.length !== 1 || input.idProperty !== "email" || input.id !== input.properties?.email) return bad("upsert by email: inputs[0].idProperty email, id the email");
      if (typeof input.properties.leadflare_segment !== "string") return bad("leadflare_segment missing");
      if ("hubspot_owner_id" in input.properties && !/^\d+$/.test(input.properties.hubspot_owner_id)) return bad("hubspot_owner_id must be an owner id (digits)");
      return { status: 200, body: { status: "COMPLETE", results: [{ id: "501", properties: input.properties }] } };
    }
    if (method === "POST" && path === "/crm/v3/objects/tasks") {
      const p = body.properties ?? {};
      if (!p.hs_timestamp || Number.isNaN(Date.parse(p.hs_timestamp))) return bad("hs_timestamp is required");
      const a = body.associations?.[0];
      if (a?.to?.id !== "501" || a.types?.[0]?.associationCategory !== "HUBSPOT_DEFINED" || a.types[0].associationTypeId !== 204) return bad("the task must be associated to the contact (HUBSPOT_DEFINED 204)");
      return { status: 201, body: { id: `hs-task-${++created}`, properties: p } };
    }
    return { status: 404, body: { message: "no such HubSpot endpoint" }, problem: `no HubSpot endpoint ${method} ${path}` };
  }
  const api = /^\/services\/data\/v\d+\.\d+/.exec(path)?.[0];
  if (!api) return { status: 404, body: [{ errorCode: "NOT_FOUND" }], problem: `no Salesforce endpoint ${method} ${path}` };
  const rest = path.slice(api.length);
  if (method === "GET" && rest.startsWith("/query?q=")) {
    const q = decodeURIComponent(rest.slice("/query?q=".length));
    if (!/^SELECT Id FROM Lead WHERE Email = '.+' LIMIT 1$/.test(q)) return bad(`unexpected SOQL: ${q}`);
    return { status: 200, body: { totalSize: 1, done: true, records: [{ attributes: { type: "Lead" }, Id: "00Q5g000001" }] } };
  }
  if (method === "POST" && rest === "/sobjects/Task") {
    if (body.WhoId !== "00Q5g000001" || !body.Subject || !/^\d{4}-\d{2}-\d{2}$/.test(body.ActivityDate ?? "")) return bad("a Task needs WhoId, Subject and ActivityDate (YYYY-MM-DD)");
    return { status: 201, body: { id: `00T5g00000${++created}`, success: true, errors: [] } };
  }
  if (method === "PATCH" && rest === "/sobjects/Lead/00Q5g000001") {
    const assign = headers["sforce-auto-assign"];
    if (body.OwnerId ? assign !== "FALSE" : assign !== "TRUE") return bad("an owner is set with Sforce-Auto-Assign: FALSE; without one, assignment rules run (TRUE)");
    return { status: 204 };
  }
  return { status: 404, body: [{ errorCode: "NOT_FOUND" }], problem: `no Salesforce endpoint ${method} ${path}` };
}
