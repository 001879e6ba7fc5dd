// Runs one worker the way `wrangler dev` does (wrangler's own DevEnv: same bundling, same
// workerd, same local D1 persistence) and prints, once ready, the address of the worker
// itself. The benchmark sends its load there rather than to wrangler dev's front proxy:
// that proxy funnels every request through one Durable Object and would cap both floor
// and subject at the same few hundred req/s, hiding the difference being measured.
// Usage: node bench/serve.mjs '{"config": "...", "persist": "...", "vars": {...}}'
// Stops on SIGTERM/SIGINT.
import { unstable_DevEnv } from "wrangler";

const { config, persist, vars = {} } = JSON.parse(process.argv[2]);
const devEnv = new unstable_DevEnv();
const direct = new Promise((resolve) => devEnv.on("reloadComplete", (event) => resolve(event.proxyData.userWorkerUrl)));
const worker = await devEnv.startWorker({
  config,
  bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value }])),
  dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, persist, logLevel: "warn", watch: false },
});
const url = await direct;
process.stdout.write(`${JSON.stringify({ url: `${url.protocol}//${url.hostname}:${url.port}`, proxy: String(await worker.url) })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
