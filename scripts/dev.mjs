// `npm start`: creates local dev secrets if missing, applies the D1 migrations to the
// local database, then serves the worker on http://127.0.0.1:8787 (PORT to change it).
// Nothing here reaches the network: wrangler's metrics are off and D1 is local.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

process.env.WRANGLER_SEND_METRICS = "false";
// Miniflare would otherwise download a sample `request.cf` object at start-up.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
const port = process.env.PORT ?? "8787";
const persist = process.env.LF_PERSIST_DIR ?? ".wrangler/state";
const varsPath = resolve(".dev.vars");

// Every secret the worker needs; a .dev.vars from before a secret existed gets it appended.
const SECRETS = ["LF_API_KEY", "LF_ADMIN_TOKEN", "LF_LINK_SECRET", "LF_PREVIEW_SECRET"];
const secret = () => randomBytes(24).toString("base64url");
const existing = existsSync(varsPath) ? readFileSync(varsPath, "utf8") : null;
const missing = SECRETS.filter((name) => !new RegExp(`^\\s*${name}\\s*=`, "m").test(existing ?? ""));
const lines = missing.map((name) => `${name}=${secret()}`);
if (existing === null) {
  writeFileSync(varsPath, ["# Local development secrets, created by `npm start`. Never commit this file.", ...lines, ""].join("\n"), { mode: 0o600 });
  console.log(`Created local dev secrets in ${varsPath}`);
} else if (missing.length > 0) {
  appendFileSync(varsPath, `${existing.endsWith("\n") || existing === "" ? "" : "\n"}${lines.join("\n")}\n`);
  console.log(`Added ${missing.join(", ")} to the local dev secrets in ${varsPath}`);
} else {
  console.log(`Using local dev secrets from ${varsPath}`);
}

const wrangler = (args, options = {}) => ["wrangler", [...args, "--persist-to", persist], { stdio: "inherit", ...options }];

const migrate = spawnSync(...wrangler(["d1", "migrations", "apply", "DB", "--local"], { env: { ...process.env, CI: "true" } }));
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const origin = `http://127.0.0.1:${port}`;
// The worker serves the demo site itself, so email links lead back to it (wrangler.toml
// leaves LF_SITE_ORIGIN empty: a deployment must name its own site).
const siteOrigin = process.env.LF_SITE_ORIGIN || origin;
console.log(`Serving Leadflare on ${origin} (demo site: /demo, API docs: /openapi.json)`);
const dev = spawn(
  ...wrangler(["dev", "--ip", "127.0.0.1", "--port", port, "--var", `LF_SITE_ORIGIN:${siteOrigin}`, "--show-interactive-dev-session=false"]),
);
const stop = () => dev.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 0));
