// What `npm run deploy` checks before it changes anything: text in, problems out.
import { configSchema } from "../src/domain/config";
import { formatPath } from "../src/domain/json-path";

/** The placeholder in the repository's wrangler.toml: local D1 needs no real database. */
export const LOCAL_DATABASE_ID = "00000000-0000-0000-0000-000000000000";

/** A `key = "value"` line of wrangler.toml (the shape Leadflare's file uses for these keys). */
function tomlString(toml: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1];
}

function isLocal(origin: string): boolean {
  try {
    return ["localhost", "127.0.0.1", "[::1]"].includes(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** Errors stop the deploy; warnings are printed. */
export function configProblems(toml: string): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const databaseId = tomlString(toml, "database_id");
  if (!databaseId || databaseId === LOCAL_DATABASE_ID) {
    errors.push("wrangler.toml: database_id is the local placeholder. Run `npx wrangler d1 create leadflare` and put the database_id it prints in [[d1_databases]].");
  }
  if (!tomlString(toml, "LF_SITE_ORIGIN")) {
    errors.push('wrangler.toml: LF_SITE_ORIGIN is empty. Set it in [vars] to your site\'s origin, e.g. "https://www.example.com".');
  }
  const origins = (tomlString(toml, "LF_ALLOWED_ORIGINS") ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  if (!origins.some((origin) => !isLocal(origin))) {
    warnings.push("wrangler.toml: LF_ALLOWED_ORIGINS lists only local origins, so browsers on your site are refused (403). Add the origins of the pages that load /p.js.");
  }
  return { errors, warnings };
}

/** The secrets the worker needs: the names `.dev.vars.example` shows (one `NAME=value` a line). */
export function requiredSecrets(devVarsExample: string): string[] {
  return [...devVarsExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

/** A secret that a deprecated one still stands in for: the worker reads both. */
const DEPRECATED_STAND_INS: Record<string, string> = { LF_ADMIN_TOKENS: "LF_ADMIN_TOKEN" };

/** Which of `required` the Worker lacks, from `wrangler secret list --format json`. */
export function missingSecrets(required: string[], listed: { name: string }[]): string[] {
  const set = new Set(listed.map((s) => s.name));
  return required.filter((name) => !set.has(name) && !set.has(DEPRECATED_STAND_INS[name] ?? name));
}

/** The remote database's active configuration: the newest version (see ConfigStore.active). */
export const ACTIVE_CONFIG_SQL = "SELECT version, document FROM config_versions ORDER BY version DESC LIMIT 1";

/**
 * Why the code about to be deployed could not serve the remote active configuration, from
 * `wrangler d1 execute DB --remote --json --command ACTIVE_CONFIG_SQL`: a rule made stricter
 * since the document was accepted (segment ids lost `_`, say). Deployed anyway, every isolate
 * would fall back to the shipped default. No version yet (a fresh database): no problem.
 */
export function activeConfigProblems(wranglerJson: string): string[] {
  let rows: { version: number; document: string }[];
  try {
    const parsed = JSON.parse(wranglerJson.slice(wranglerJson.indexOf("["))) as { results?: { version: number; document: string }[] }[];
    rows = parsed[0]?.results ?? [];
  } catch {
    return [`\`wrangler d1 execute\` answered something other than JSON results:\n${wranglerJson}`];
  }
  const active = rows[0];
  if (!active) return [];
  const result = configSchema.safeParse(JSON.parse(active.document));
  if (result.success) return [];
  return [
    `The active configuration (version ${active.version}) is not valid with this code, which would not serve it:`,
    ...result.error.issues.map((issue) => `  ${formatPath(issue.path) || "(document)"}: ${issue.message}`),
    "Fix it first, with the code deployed now: `npm run config:pull -- config.json --url https://<worker>`, correct it, " +
      "`npm run config:validate -- config.json` (this code's rules), `npm run config:push -- config.json --url https://<worker>`; then deploy.",
  ];
}
