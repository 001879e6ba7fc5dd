import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import defaults from "../../src/config/default.json";
import { sameJson } from "../../src/domain/config-changes";
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

const readDoc = (file: string): any => JSON.parse(readFileSync(file, "utf8"));

/** Reads a pulled file, applies `edit` to it (its "$version" untouched), writes it back. */
function editDoc(file: string, edit: (doc: any) => void): string {
  const doc = readDoc(file);
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

function npmRun(script: string, ...args: string[]) {
  const run = spawnSync("npm", ["run", "--silent", script, "--", ...args], { encoding: "utf8", env: { ...process.env, LF_ADMIN_TOKEN: "" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const remote = () => ["--url", inject("workerUrl"), "--token", ADMIN_TOKEN];
const pull = (file: string) => npmRun("config:pull", file, ...remote());
const push = (file: string, ...args: string[]) => npmRun("config:push", file, ...remote(), ...args);

async function active(): Promise<{ version: number; document: any }> {
  return (await admin("GET", "/v1/admin/config")).json() as Promise<{ version: number; document: any }>;
}

async function versions(): Promise<{ version: number; author: string; authorNote: string | null; message: string | null; createdAt: string }[]> {
  return ((await (await admin("GET", "/v1/admin/config/versions")).json()) as { versions: any[] }).versions;
}

describe("npm run config:validate / config:pull / config:push", () => {
  // Every test leaves the worker serving the document it found.
  let original: any;
  beforeEach(async () => {
    original = (await active()).document;
  });
  afterEach(async () => {
    const current = await admin("GET", "/v1/admin/config");
    if (sameJson(((await current.json()) as { document: unknown }).document, original)) return;
    await admin("PUT", "/v1/admin/config", { document: original, message: "e2e: restore" }, { "if-match": current.headers.get("etag")! });
  });

  it("validate accepts the shipped default and lists every problem of a broken document with its path", () => {
    const ok = npmRun("config:validate", writeDoc("ok.json", defaults));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/valid \(13 segments/);

    const broken = structuredClone(defaults) as any;
    broken.segments[1].when.score = { $gtee: 65 };
    broken.slots.hero.variants.ghost = "Boo";
    const bad = npmRun("config:validate", writeDoc("bad.json", broken));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("segments[1].when.score.$gtee");
    expect(bad.stderr).toContain("slots.hero.variants.ghost");
  });

  it("pull writes the active document with the version it is, which validate accepts", async () => {
    const file = join(dir, "pulled.json");
    const pulled = pull(file);
    expect(pulled.stderr).toBe("");
    expect(pulled.status).toBe(0);
    const current = await active();
    expect(pulled.stdout).toContain(`version ${current.version}`);
    const { $version, ...document } = readDoc(file);
    expect($version).toBe(current.version);
    expect(document).toEqual(current.document);

    const validated = npmRun("config:validate", file);
    expect(validated.stderr).toBe("");
    expect(validated.status).toBe(0);
  });

  it("push after pull activates a new version, audited, and records it in the file, so the next edit pushes too", async () => {
    const file = join(dir, "edited.json");
    expect(pull(file).status).toBe(0);
    const before = await active();
    editDoc(file, (doc) => (doc.slots.hero.variants.default = "Pushed from git"));

    const pushed = push(file, "--author", "ci@example.com", "--message", "from the repo");
    expect(pushed.stderr).toBe("");
    expect(pushed.status).toBe(0);
    expect(pushed.stdout).toContain(`Activated version ${before.version + 1} (was ${before.version})`);
    const after = await active();
    expect(after.version).toBe(before.version + 1);
    expect(after.document.slots.hero.variants.default).toBe("Pushed from git");
    expect(after.document).not.toHaveProperty("$version");
    expect((await versions())[0]).toMatchObject({ version: after.version, author: "admin", authorNote: "ci@example.com", message: "from the repo" });
    expect(readDoc(file).$version).toBe(after.version);

    const again = push(file);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`already active (version ${after.version})`);
    expect((await active()).version).toBe(after.version);

    editDoc(file, (doc) => (doc.slots.hero.variants.default = "Pushed twice"));
    const second = push(file);
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect((await active()).document.slots.hero.variants.default).toBe("Pushed twice");
    expect(readDoc(file).$version).toBe(after.version + 1);
  });

  it("push refuses a broken document, and a file that was not pulled, and changes nothing", async () => {
    const file = join(dir, "broken.json");
    expect(pull(file).status).toBe(0);
    const before = await active();
    editDoc(file, (doc) => (doc.segments[1].parent = "nowhere"));
    const refused = push(file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("segments[1].parent");

    const edited = structuredClone(before.document);
    edited.slots.hero.variants.default = "Never pulled";
    const unpulled = push(writeDoc("unpulled.json", edited));
    expect(unpulled.status).toBe(1);
    expect(unpulled.stderr).toContain("npm run config:pull");
    expect(await active()).toEqual(before);
  });

  it("two people edit at once: the one who pushes second is refused, told whose version came in between, and reverts nothing", async () => {
    const alice = join(dir, "alice.json");
    const bob = join(dir, "bob.json");
    expect(pull(alice).status).toBe(0);
    const pulled = readDoc(alice).$version as number;
    expect(pull(bob).status).toBe(0);

    editDoc(bob, (doc) => (doc.slots.hero.variants.default = "Bob's hero"));
    const bobs = push(bob, "--author", "bob@example.com", "--message", "bob's copy");
    expect(bobs.stderr).toBe("");
    expect(bobs.status).toBe(0);
    const afterBob = await active();
    expect(afterBob.version).toBe(pulled + 1);
    const bobsVersion = (await versions())[0]!;

    editDoc(alice, (doc) => (doc.slots.hero.variants.default = "Alice's hero"));
    const alices = push(alice, "--author", "alice@example.com");
    expect(alices.status).toBe(1);
    expect(alices.stderr).toContain(
      `version ${bobsVersion.version} was activated by admin (note: bob@example.com) at ${bobsVersion.createdAt} since you pulled ${pulled} ("bob's copy")`,
    );
    expect(alices.stderr).toContain("pull, merge, push again");
    expect(await active()).toEqual(afterBob);
    expect(afterBob.document.slots.hero.variants.default).toBe("Bob's hero");
    expect(readDoc(alice).$version).toBe(pulled);
  });
});
