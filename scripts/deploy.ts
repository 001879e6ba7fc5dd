// `npm run deploy`: checks, then deploys to the Cloudflare account wrangler is logged in to
// (`npx wrangler login`, or CLOUDFLARE_API_TOKEN). In this order, stopping at the first
// failure: wrangler.toml names a real D1 database and the required vars (offline, before
// anything else); every secret is set on the Worker (`wrangler secret list`, read-only);
// this code accepts the configuration active in the remote D1 (read-only);
// the remote D1 migrations are applied (before the code that needs them); the worker is
// built and deployed. Never run by the tests: everything after the first check needs the network.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ACTIVE_CONFIG_SQL, activeConfigProblems, configProblems, missingSecrets, requiredSecrets } from "./deploy-checks";

const root = fileURLToPath(new URL("../", import.meta.url));
const WRANGLER = join(root, "node_modules/wrangler/bin/wrangler.js");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Runs a node script (wrangler, the build) in the repository; its output is shown, or returned. */
function node(args: string[], what: string, capture = false): string {
  const run = spawnSync(process.execPath, args, { cwd: root, env, encoding: "utf8", stdio: ["inherit", capture ? "pipe" : "inherit", "inherit"] });
  if (run.status !== 0) fail(`${what} failed (exit ${run.status ?? run.signal}): nothing after it was done.`);
  return run.stdout ?? "";
}

const { errors, warnings } = configProblems(readFileSync(join(root, "wrangler.toml"), "utf8"));
for (const warning of warnings) console.warn(`warning: ${warning}`);
if (errors.length) fail(errors.join("\n"));

const required = requiredSecrets(readFileSync(join(root, ".dev.vars.example"), "utf8"));
const listed = node([WRANGLER, "secret", "list", "--format", "json"], "Listing the Worker's secrets (set them first: `npx wrangler secret put <NAME>`)", true);
let secrets: { name: string }[];
try {
  secrets = JSON.parse(listed.slice(listed.indexOf("["))) as { name: string }[];
} catch {
  fail(`\`wrangler secret list\` answered something other than a JSON list:\n${listed}`);
}
const missing = missingSecrets(required, secrets);
if (missing.length) fail(`Secrets not set on the Worker:\n${missing.map((name) => `  npx wrangler secret put ${name}`).join("\n")}`);

// Before anything changes: can this code serve the configuration active there? A fresh
// database has no config_versions table yet, which is no problem.
const active = spawnSync(process.execPath, [WRANGLER, "d1", "execute", "DB", "--remote", "--json", "--command", ACTIVE_CONFIG_SQL], { cwd: root, env, encoding: "utf8" });
if (active.status !== 0 && !/no such table: config_versions/.test(active.stdout + active.stderr)) {
  fail(`Reading the active configuration from the remote D1 failed (exit ${active.status ?? active.signal}): nothing was changed.\n${active.stderr}`);
}
const activeProblems = active.status === 0 ? activeConfigProblems(active.stdout) : [];
if (activeProblems.length) fail(activeProblems.join("\n"));

node([WRANGLER, "d1", "migrations", "apply", "DB", "--remote"], "Applying the D1 migrations");
node([join(root, "scripts/build.mjs")], "The build");
node([WRANGLER, "deploy"], "wrangler deploy");
console.log("Deployed. Point your pages' script tag at the URL above: <script async src=\"https://…/p.js\"></script>");
