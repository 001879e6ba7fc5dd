import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import defaults from "../../src/config/default.json";
import { admin } from "./support/server";
import { ADMIN_TOKEN } from "./support/worker";

/** Configuration as code: the npm scripts a customer's CI runs, against the running worker. */
const dir = mkdtempSync(join(tmpdir(), "leadflare-config-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeDoc(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

function npmRun(script: string, ...args: string[]) {
  const run = spawnSync("npm", ["run", "--silent", script, "--", ...args], { encoding: "utf8", env: { ...process.env, LF_ADMIN_TOKEN: "" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function active(): Promise<{ version: number; document: any }> {
  return (await admin("GET", "/v1/admin/config")).json() as Promise<{ version: number; document: any }>;
}

describe("npm run config:validate / config:push", () => {
  it("validate accepts the shipped default and lists every problem of a broken document with its path", () => {
    const ok = npmRun("config:validate", writeDoc("ok.json", defaults));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/valid \(12 segments/);

    const broken = structuredClone(defaults) as any;
    broken.segments[1].when.score = { $gtee: 65 };
    broken.slots.hero.variants.ghost = "Boo";
    const bad = npmRun("config:validate", writeDoc("bad.json", broken));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("segments[1].when.score.$gtee");
    expect(bad.stderr).toContain("slots.hero.variants.ghost");
  });

  it("push activates the document on the worker as a new version, audited; a broken one changes nothing", async () => {
    const before = await active();
    const edited = structuredClone(before.document);
    edited.slots.hero.variants.default = "Pushed from git";
    try {
      const pushed = npmRun("config:push", writeDoc("edited.json", edited), "--url", inject("workerUrl"), "--token", ADMIN_TOKEN, "--author", "ci@example.com", "--message", "from the repo");
      expect(pushed.stderr).toBe("");
      expect(pushed.status).toBe(0);
      expect(pushed.stdout).toContain(`Activated version ${before.version + 1} (was ${before.version})`);
      const after = await active();
      expect(after.version).toBe(before.version + 1);
      expect(after.document.slots.hero.variants.default).toBe("Pushed from git");
      const versions = (await (await admin("GET", "/v1/admin/config/versions")).json()) as { versions: { version: number; author: string; message: string }[] };
      expect(versions.versions[0]).toMatchObject({ version: after.version, author: "ci@example.com", message: "from the repo" });

      const broken = structuredClone(edited);
      broken.segments[1].parent = "nowhere";
      const refused = npmRun("config:push", writeDoc("broken.json", broken), "--url", inject("workerUrl"), "--token", ADMIN_TOKEN);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain("segments[1].parent");
      expect((await active()).version).toBe(after.version);
    } finally {
      const current = await admin("GET", "/v1/admin/config");
      await admin("PUT", "/v1/admin/config", { document: before.document, message: "e2e: restore" }, { "if-match": current.headers.get("etag")! });
    }
  });
});
