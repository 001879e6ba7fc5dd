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
 * Requests past the script are answered 200.
 */

interface Scripted {
  status: number;
  retryAfter?: string;
  location?: string;
}
interface Received {
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
    received.set(name, [...(received.get(name) ?? []), { headers, body, ...verify(script?.secret, headers, body), at: Date.now() }]);
    const next = script?.responses.shift() ?? { status: 200 };
    const out: Record<string, string> = { "content-type": "application/json" };
    if (next.retryAfter) out["retry-after"] = next.retryAfter;
    if (next.location) out.location = next.location;
    res.writeHead(next.status, out).end(JSON.stringify({ ok: next.status < 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("receiver: no port");
  project.provide("receiverPort", address.port);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
