// Vitest global setup for the browser tests: applies the migrations to a fresh temporary
// D1 and serves the worker with `wrangler dev` on free loopback ports, with known secrets;
// stops it and removes the directory afterwards.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import type { TestProject } from "vitest/node";

export const SERVER_KEY = "e2e-server-key";
export const ESP_KEY = "e2e-esp-key";
export const ADMIN_TOKEN = "e2e-admin-token";
/** The secret routing's end-to-end webhook is signed with (a Worker secret named in the configuration). */
export const E2E_WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/** Cloudflare Access as the worker is configured for it here (its keys are the run's own). */
export const ACCESS_TEAM = "leadflare-e2e.cloudflareaccess.com";
export const ACCESS_AUD = "e2e-console-aud";

declare module "vitest" {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> where the worker (API, /p.js, /demo) answers. */
    workerUrl: string;
    /** The worker's local state: its D1 file is read to prove what was (not) written. */
    persistDir: string;
    /** A free port for a test's own "customer site", allowed by LF_ALLOWED_ORIGINS. */
    sitePort: number;
    /** The private JWK (JSON) whose public half is LF_ACCESS_JWKS: tests sign Access tokens with it. */
    accessSigningKey: string;
  }
}

/** Distinct free loopback ports: all held open together, so no two of them are the same. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "leadflare-e2e-"));
  const persistDir = join(dir, "state");
  // No network: no metrics, and no download of the `cf` request properties.
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };
  const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], { env, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  // A port picked free can be taken before wrangler binds it (other jobs on the machine):
  // then start again on new ports.
  // Cloudflare Access is configured with a key pair made for this run: a request with a token
  // signed by it is signed in through Access; one without (every other test) is not affected.
  const access = await generateKeyPair("RS256", { extractable: true });
  const kid = "e2e-access-key";
  const publicJwk = { ...(await exportJWK(access.publicKey)), kid, alg: "RS256", use: "sig" };
  const accessVars = [
    `LF_ACCESS_TEAM_DOMAIN=${ACCESS_TEAM}`,
    `LF_ACCESS_AUD=${ACCESS_AUD}`,
    `LF_ACCESS_JWKS='${JSON.stringify({ keys: [publicJwk] })}'`,
  ];
  project.provide("accessSigningKey", JSON.stringify({ ...(await exportJWK(access.privateKey)), kid, alg: "RS256" }));

  let started: Awaited<ReturnType<typeof startWorker>> | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await startWorker(dir, persistDir, env, accessVars);
    } catch (error) {
      if (attempt >= 3 || !/address already in use/i.test((error as Error).message)) throw error;
    }
  }
  const { workerUrl, sitePort, stop } = started;
  project.provide("workerUrl", workerUrl);
  project.provide("persistDir", persistDir);
  project.provide("sitePort", sitePort);
  return async () => {
    stop();
    await new Promise((r) => setTimeout(r, 300));
    if (process.env.LF_E2E_KEEP) console.log(`e2e state kept in ${dir} (wrangler log: ${join(dir, "wrangler.log")})`);
    else rmSync(dir, { recursive: true, force: true });
  };
}

async function startWorker(dir: string, persistDir: string, env: NodeJS.ProcessEnv, extraVars: string[]) {
  const [port, inspectorPort, sitePort] = await freePorts(3);
  const workerUrl = `http://127.0.0.1:${port}`;
  const envFile = join(dir, "e2e.env");
  writeFileSync(
    envFile,
    [
      `LF_API_KEY=${SERVER_KEY}`,
      `LF_ESP_KEY=${ESP_KEY}`,
      `LF_ADMIN_TOKEN=${ADMIN_TOKEN}`,
      "LF_LINK_SECRET=e2e-link-secret",
      "LF_PREVIEW_SECRET=e2e-preview-secret",
      "LF_SESSION_SECRET=e2e-session-secret",
      `LF_ALLOWED_ORIGINS=${workerUrl},http://localhost:${port},http://127.0.0.1:${sitePort}`,
      `LF_SITE_ORIGIN=${workerUrl}`,
      // Routing's end-to-end test delivers to its own receiver on 127.0.0.1 (test/e2e/routing.test.ts).
      "LF_DEV_ALLOW_LOOPBACK=true",
      `LF_E2E_WEBHOOK_SECRET=${E2E_WEBHOOK_SECRET}`,
      ...extraVars,
      "",
    ].join("\n"),
  );
  const worker: ChildProcess = spawn(
    "wrangler",
    [
      "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort),
      "--persist-to", persistDir, "--env-file", envFile, "--show-interactive-dev-session=false",
    ],
    { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const log: string[] = [];
  worker.stdout!.on("data", (d) => log.push(String(d)));
  worker.stderr!.on("data", (d) => log.push(String(d)));
  const stop = () => {
    writeFileSync(join(dir, "wrangler.log"), log.join(""));
    try {
      process.kill(-worker.pid!, "SIGTERM"); // the whole group: wrangler and its workerd
    } catch {}
  };
  try {
    await waitUntilServing(workerUrl, worker);
  } catch (error) {
    stop();
    throw new Error(`${(error as Error).message}\n${log.join("")}`);
  }
  return { workerUrl, sitePort: sitePort!, stop };
}

/** Resolves once `url` serves /p.js; throws if `worker` (wrangler dev, or `npm start`) exits first. */
export async function waitUntilServing(url: string, worker: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (worker.exitCode !== null) throw new Error(`${worker.spawnargs.join(" ")} exited with ${worker.exitCode}`);
    try {
      const res = await fetch(`${url}/p.js`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${worker.spawnargs.join(" ")} did not serve ${url} within 90 s`);
}
