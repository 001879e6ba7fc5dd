import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * A fresh clone has no src/generated and no console/dist (both git-ignored; p.js and the demo
 * are in console/dist/site/): every npm script that bundles the worker must build them first.
 * Runs in a copy of the tracked files (node_modules linked).
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const clone = mkdtempSync(join(tmpdir(), "leadflare-clone-"));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

for (const file of execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean)) {
  mkdirSync(dirname(join(clone, file)), { recursive: true });
  cpSync(join(root, file), join(clone, file));
}
symlinkSync(join(root, "node_modules"), join(clone, "node_modules"));

describe("a fresh clone", () => {
  it("has no generated assets", () => {
    expect(existsSync(join(clone, "src/generated"))).toBe(false);
    expect(existsSync(join(clone, "console/dist"))).toBe(false);
  });

  it("npm run bench builds before bundling the worker (the benchmark's first step)", () => {
    // The benchmark itself takes minutes: swap its command for its first step, the bundle
    // (bench/run.mjs: `wrangler deploy --dry-run`), and keep whatever npm runs before it.
    const pkg = JSON.parse(readFileSync(join(clone, "package.json"), "utf8"));
    expect(pkg.scripts.bench).toContain("bench/run.mjs");
    pkg.scripts.bench = `wrangler deploy --dry-run --outdir ${join(clone, "bundle")}`;
    writeFileSync(join(clone, "package.json"), JSON.stringify(pkg, null, 2));

    const run = spawnSync("npm", ["run", "bench"], {
      cwd: clone,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    });
    expect(run.stdout + run.stderr).not.toContain("Could not resolve");
    expect(run.status).toBe(0);
    expect(existsSync(join(clone, "bundle", "index.js"))).toBe(true);
  });
});
