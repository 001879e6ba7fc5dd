// Runs one worker the way `wrangler dev` does (wrangler's own DevEnv: same bundling, same
// workerd, same local D1 persistence) and prints, once ready, the address of the worker
// itself. The benchmark sends its load there rather than to wrangler dev's front proxy:
// that proxy funnels every request through one Durable Object and would cap both floor
// and subject at the same few hundred req/s, hiding the difference being measured.
// Usage: node bench/serve.mjs '{"config": "...", "persist": "...", "vars": {...}, "rateLimit": 1000000000}'
// `rateLimit` replaces the limit of every `[[ratelimits]]` binding of the config: the load
// comes from one address and a few thousand visitor ids, and must be served, not refused.
// Stops on SIGTERM/SIGINT.
import { experimental_readRawConfig, unstable_DevEnv } from "wrangler";

const { config, persist, vars = {}, rateLimit } = JSON.parse(process.argv[2]);
const rateLimits = rateLimit === undefined ? [] : (experimental_readRawConfig({ config }).rawConfig.ratelimits ?? []);
const devEnv = new unstable_DevEnv();
const direct = new Promise((resolve) => devEnv.on("reloadComplete", (event) => resolve(event.proxyData.userWorkerUrl)));
const worker = await devEnv.startWorker({
  config,
  bindings: Object.fromEntries([
    ...Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value }]),
    ...rateLimits.map(({ name, namespace_id, simple }) => [name, { type: "ratelimit", namespace_id, simple: { ...simple, limit: rateLimit } }]),
  ]),
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
