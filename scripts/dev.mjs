// `npm start`: creates local dev secrets if missing, applies the D1 migrations to the
// local database, then serves the worker on http://127.0.0.1:8787 (PORT to change it;
// arguments after `--` are passed to `wrangler dev`).
// Nothing here reaches the network: wrangler's metrics are off and D1 is local.
// It owns the `wrangler dev` it starts: however it ends, wrangler and its workerd end too.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

process.env.WRANGLER_SEND_METRICS = "false";
// Miniflare would otherwise download a sample `request.cf` object at start-up.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
const port = process.env.PORT ?? "8787";
const persist = process.env.LF_PERSIST_DIR ?? ".wrangler/state";
const varsPath = resolve(".dev.vars");
// npm passes SIGINT and SIGTERM on to this process (`exec` in package.json: not to a `sh -c`
// that would keep them), but not SIGHUP, and nothing when it is killed: a new parent is how
// this process learns that `npm start` is gone.
const parent = process.ppid;

/** Whether 127.0.0.1:<port> can be bound now: checked before anything is done. */
function bindable(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error) => (error.code === "EADDRINUSE" ? resolve(false) : reject(error)));
    server.listen(Number(port), "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

if (!(await bindable(port))) {
  console.error(`port ${port} is taken (is another \`npm start\` running?)`);
  process.exit(1);
}

// Every secret the worker needs; a .dev.vars from before a secret existed gets it appended.
// One admin token, LF_ADMIN_TOKEN (named `admin` in the audit trail), is enough locally and
// keeps `grep LF_ADMIN_TOKEN .dev.vars | cut -d= -f2` working; deployments name theirs with
// LF_ADMIN_TOKENS (see .dev.vars.example).
const SECRETS = ["LF_API_KEY", "LF_ESP_KEY", "LF_ADMIN_TOKEN", "LF_LINK_SECRET", "LF_PREVIEW_SECRET", "LF_SESSION_SECRET"];
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
// The admin token is in .dev.vars (LF_ADMIN_TOKEN): the console's sign-in asks for it.
console.log(`Console: ${origin}/admin (sign in with LF_ADMIN_TOKEN from ${varsPath})`);
// Extra arguments go to `wrangler dev`, e.g. `npm start -- --test-scheduled` (the cron at /__scheduled).
// Its own process group (detached), so that one signal reaches wrangler and its workerd, and a
// terminal's Ctrl-C reaches them only through here.
const dev = spawn(
  ...wrangler(["dev", "--ip", "127.0.0.1", "--port", port, "--var", `LF_SITE_ORIGIN:${siteOrigin}`, "--var", "LF_DEV_ALLOW_LOOPBACK:true", "--show-interactive-dev-session=false", ...process.argv.slice(2)], {
    detached: true,
  }),
);
const signalGroup = (signal) => {
  try {
    process.kill(-dev.pid, signal);
  } catch {} // the group is gone already
};
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  signalGroup("SIGTERM");
  setTimeout(() => process.exit(1), 5000).unref(); // wrangler did not stop: the exit handler kills it
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
setInterval(() => process.ppid !== parent && stop(), 500).unref();
if (process.ppid !== parent) stop();
// Whatever of the group is still running when this process exits, however it exits.
process.on("exit", () => signalGroup("SIGKILL"));
dev.on("exit", (code) => process.exit(stopping ? 0 : (code ?? 1)));
