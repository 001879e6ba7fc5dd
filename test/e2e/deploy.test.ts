import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ACTIVE_CONFIG_SQL, activeConfigProblems, configProblems, missingSecrets, requiredSecrets } from "../../scripts/deploy-checks";

/**
 * `npm run deploy` changes a Cloudflare account, so it never runs here past its offline
 * checks: the repository's own wrangler.toml (a local-only database id) stops it before
 * any wrangler command.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
const ready = toml
  .replace(/^database_id = ".*"$/m, 'database_id = "4b5a3f0e-9c1d-4e2b-8f6a-1d2c3b4a5f60"')
  .replace(/^LF_SITE_ORIGIN = ".*"$/m, 'LF_SITE_ORIGIN = "https://www.example.com"')
  .replace(/^LF_ALLOWED_ORIGINS = ".*"$/m, 'LF_ALLOWED_ORIGINS = "https://www.example.com"');

describe("npm run deploy: the checks before anything changes", () => {
  it("with the repository's wrangler.toml it stops at once: no database of the account is named", () => {
    const run = spawnSync("npm", ["run", "--silent", "deploy"], {
      cwd: root,
      encoding: "utf8",
      // No credentials either: were the check to let it through, wrangler would refuse.
      env: { ...process.env, CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "", CI: "true" },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("database_id");
    expect(run.stderr).toContain("npx wrangler d1 create leadflare");
    expect(run.stdout + run.stderr).not.toMatch(/wrangler \d+\.\d+/); // no wrangler was started
  });

  it("a wrangler.toml ready to deploy has no problem; each missing setting is named", () => {
    expect(configProblems(ready)).toEqual({ errors: [], warnings: [] });
    const unset = configProblems(toml.replace(/^LF_SITE_ORIGIN = ".*"$/m, 'LF_SITE_ORIGIN = ""'));
    expect(unset.errors.join("\n")).toContain("database_id");
    expect(unset.errors.join("\n")).toContain("LF_SITE_ORIGIN");
    // Only local origins: the deployed script would be refused on every real page.
    expect(configProblems(ready.replace(/^LF_ALLOWED_ORIGINS = ".*"$/m, 'LF_ALLOWED_ORIGINS = "http://127.0.0.1:8787,http://localhost:8787"')).warnings.join("\n")).toContain("LF_ALLOWED_ORIGINS");
  });

  it("every secret .dev.vars.example names must be set on the Worker", () => {
    const required = requiredSecrets(readFileSync(join(root, ".dev.vars.example"), "utf8"));
    expect(required).toEqual(expect.arrayContaining(["LF_API_KEY", "LF_ESP_KEY", "LF_ADMIN_TOKENS", "LF_LINK_SECRET"]));
    const secrets = (...names: string[]) => names.map((name) => ({ name, type: "secret_text" }));
    const listed = secrets(...required.filter((name) => name !== "LF_ADMIN_TOKENS"));
    expect(missingSecrets(required, listed)).toEqual(["LF_ADMIN_TOKENS"]);
    expect(missingSecrets(required, [...listed, ...secrets("LF_ADMIN_TOKENS")])).toEqual([]);
    // A Worker set up before LF_ADMIN_TOKENS existed keeps deploying with its (deprecated) single token.
    expect(missingSecrets(required, [...listed, ...secrets("LF_ADMIN_TOKEN")])).toEqual([]);
  });

  it("the configuration active in D1 must be one this code serves, read the way deploy reads it (wrangler d1 execute --json)", () => {
    // A local D1 stands in for the remote one: the same command, the same JSON, `--local`.
    const persist = mkdtempSync(join(tmpdir(), "lf-deploy-"));
    const wrangler = (...args: string[]) => {
      const run = spawnSync(process.execPath, [join(root, "node_modules/wrangler/bin/wrangler.js"), ...args, "--local", "--persist-to", persist], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
      });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout;
    };
    const activeNow = () => activeConfigProblems(wrangler("d1", "execute", "DB", "--json", "--command", ACTIVE_CONFIG_SQL));
    const insert = (version: number, document: unknown) =>
      wrangler("d1", "execute", "DB", "--command",
        `INSERT INTO config_versions (version, document, author, action, changes, created_at) VALUES (${version}, '${JSON.stringify(document).replaceAll("'", "''")}', 'test', 'activate', '[]', 0)`);
    try {
      wrangler("d1", "migrations", "apply", "DB");
      expect(activeNow()).toEqual([]); // a fresh database: nothing active yet
      const document = JSON.parse(readFileSync(join(root, "src/config/default.json"), "utf8"));
      insert(1, document);
      expect(activeNow()).toEqual([]);
      // Accepted by older code, refused by this one: deploying it would serve the shipped default.
      const legacy = structuredClone(document);
      const at = legacy.segments.findIndex((s: { id: string }) => s.id === "smb-qualified");
      legacy.segments[at].id = "smb_qualified";
      insert(2, legacy);
      const problems = activeNow().join("\n");
      expect(problems).toContain("configuration (version 2) is not valid with this code");
      expect(problems).toContain(`segments[${at}].id`);
      expect(problems).toContain("npm run config:push");
    } finally {
      rmSync(persist, { recursive: true, force: true });
    }
  });
});
