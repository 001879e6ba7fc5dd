// `npm start`: creates local dev secrets if missing, applies the D1 migrations to the
// local database, then serves the worker on http://127.0.0.1:8787 (PORT to change it;
// arguments after `--` are passed to `wrangler dev`).
// Nothing here reaches the network: wrangler's metrics are off and D1 is local.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

process.env.WRANGLER_SEND_METRICS = "false";
// Miniflare would otherwise download a sample `request.cf` object at start-up.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
const port = process.env.PORT ?? "8787";
const persist = process.env.LF_PERSIST_DIR ?? ".wrangler/state";
const varsPath = resolve(".dev.vars");

if (!existsSync(varsPath)) {
  const secret = () => randomBytes(24).toString("base64url");
  writeFileSync(
    varsPath,
    [
      "# Local development secrets, created by `npm start`. Never commit this file.",
      `LF_API_KEY=${secret()}`,
      `LF_ADMIN_TOKEN=${secret()}`,
      `LF_LINK_SECRET=${secret()}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  console.log(`Created local dev secrets in ${varsPath}`);
} else {
  console.log(`Using local dev secrets from ${varsPath}`);
}

const wrangler = (args, options = {}) => ["wrangler", [...args, "--persist-to", persist], { stdio: "inherit", ...options }];

const migrate = spawnSync(...wrangler(["d1", "migrations", "apply", "DB", "--local"], { env: { ...process.env, CI: "true" } }));
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

console.log(`Serving Leadflare on http://127.0.0.1:${port} (demo site: /demo, API docs: /openapi.json)`);
// Extra arguments go to `wrangler dev`, e.g. `npm start -- --test-scheduled` (the cron at /__scheduled).
const dev = spawn(...wrangler(["dev", "--ip", "127.0.0.1", "--port", port, "--show-interactive-dev-session=false", ...process.argv.slice(2)]));
const stop = () => dev.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 0));
