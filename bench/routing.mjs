// Routing's benchmark (README "Routing"; bench/README.md): leads enter a segment a rule sends
// to a webhook receiver on 127.0.0.1, through the worker's own queue and consumer as
// `wrangler dev` runs them. Two phases:
// - latency: 200 leads moved at a steady 10 a second, each answered 200: from the request
//   that moves a lead to the receiver's first byte (p50, p99);
// - a burst of 1,000 whose first attempts are all answered 500 (half of all the answers)
//   and retries 200: deliveries per second, and that every logical delivery arrived exactly
//   once with a 2xx (none lost, none acknowledged twice).
// Run by bench/run.mjs; alone: `node bench/routing.mjs` (prints JSON).
import { createServer } from "node:http";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWorker, wrangler } from "./processes.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ADMIN = "bench-admin-token";
const KEY = "bench-server-key";

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function benchRouting({ transitions = 1000, concurrency = 20, paced = 200, perSecond = 10, workDir, logFile }) {
  const persist = join(workDir, "d1-routing");
  rmSync(persist, { recursive: true, force: true });
  mkdirSync(persist, { recursive: true });
  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);

  // The receiver: per webhook-id, the first attempt 500, later ones 200.
  const attempts = new Map();
  const firstByteAt = new Map();
  const acknowledged = new Map();
  let answers = 0;
  let answered500 = 0;
  let lastAck = 0;
  // The latency phase's leads (their email starts with `paced-`) are answered 200 at once.
  const firstTry = (email) => email.startsWith("paced-");
  const receiver = createServer((req, res) => {
    const arrived = performance.now();
    const id = String(req.headers["webhook-id"]);
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      const email = JSON.parse(body).data.lead.email;
      if (!firstByteAt.has(email)) firstByteAt.set(email, arrived);
      if (!firstTry(email)) answers++;
      if (n === 1 && !firstTry(email)) {
        answered500++;
        return res.writeHead(500).end();
      }
      if (!firstTry(email)) {
        acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
        lastAck = performance.now();
      }
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hook = `http://127.0.0.1:${receiver.address().port}/hook`;

  const worker = await startWorker("leadflare-routing", {
    config: "wrangler.toml",
    persist,
    vars: { LF_API_KEY: KEY, LF_ADMIN_TOKEN: ADMIN, LF_LINK_SECRET: "bench-link-secret", LF_SITE_ORIGIN: "https://site.example", LF_DEV_ALLOW_LOOPBACK: "true", LF_BENCH_WEBHOOK_SECRET: SECRET },
    rateLimit: 1_000_000_000,
    logFile,
  });
  try {
    const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
    const current = await fetch(`${worker.url}/v1/admin/config`, { headers: admin });
    const { document } = await current.json();
    document.routing.destinations["bench-hook"] = { type: "webhook", url: hook, secret: "env:LF_BENCH_WEBHOOK_SECRET" };
    document.routing.rules = [{ on: "enter", segments: ["smb-nurture"], send: ["bench-hook"] }];
    const put = await fetch(`${worker.url}/v1/admin/config`, {
      method: "PUT", headers: { ...admin, "if-match": current.headers.get("etag") }, body: JSON.stringify({ document, message: "bench: routing" }),
    });
    if (put.status !== 200) throw new Error(`routing bench: config ${put.status} ${await put.text()}`);

    // Each PUT of a new lead's traits records its first segment (smb-nurture): one transition, one delivery.
    const sentAt = new Map();
    const move = async (email) => {
      sentAt.set(email, performance.now());
      const res = await fetch(`${worker.url}/v1/leads/${encodeURIComponent(email)}`, {
        method: "PUT", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: JSON.stringify({ company: { employees: 50 } }),
      });
      if (res.status !== 200) throw new Error(`routing bench: PUT ${res.status}`);
      await res.body?.cancel();
    };
    const pacedEmails = Array.from({ length: paced }, (_, i) => `paced-${i}-${crypto.randomUUID().slice(0, 8)}@bench.example`);
    const moves = [];
    for (const email of pacedEmails) {
      moves.push(move(email));
      await new Promise((r) => setTimeout(r, 1000 / perSecond));
    }
    await Promise.all(moves);
    const pacedDeadline = Date.now() + 30_000;
    while (pacedEmails.some((e) => !firstByteAt.has(e)) && Date.now() < pacedDeadline) await new Promise((r) => setTimeout(r, 100));
    const latencies = pacedEmails.filter((e) => firstByteAt.has(e)).map((e) => firstByteAt.get(e) - sentAt.get(e)).sort((a, b) => a - b);

    const emails = Array.from({ length: transitions }, (_, i) => `route-${i}-${crypto.randomUUID().slice(0, 8)}@bench.example`);
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < emails.length) await move(emails[next++]);
    }));
    // Retries come 5 s after a failure (the Standard Webhooks schedule): wait for all of them.
    const deadline = Date.now() + 180_000;
    while (acknowledged.size < transitions && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    const burst = emails.filter((e) => firstByteAt.has(e)).map((e) => firstByteAt.get(e) - sentAt.get(e)).sort((a, b) => a - b);
    const seconds = (lastAck - started) / 1000;
    const ms = (sorted) => ({ p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), samples: sorted.length });
    return {
      first_byte_ms: { ...ms(latencies), per_second: perSecond },
      burst_first_byte_ms: ms(burst),
      transitions,
      logical_deliveries: [...attempts.keys()].length - latencies.length,
      delivered: acknowledged.size,
      lost: transitions - acknowledged.size,
      duplicated: [...acknowledged.values()].filter((n) => n > 1).length,
      answers,
      share_of_answers_500: Math.round((answered500 / answers) * 1000) / 1000,
      deliveries_per_second: Math.round((acknowledged.size / seconds) * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    worker.stop();
    receiver.close();
    rmSync(persist, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const workDir = join(ROOT, "bench", ".work");
  mkdirSync(workDir, { recursive: true });
  const result = await benchRouting({ workDir, logFile: join(workDir, "routing.log") });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
