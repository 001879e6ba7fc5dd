import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { admin } from "./support/server";
import { ADMIN_TOKEN, SERVER_KEY } from "./support/worker";

/**
 * Every ```bash block of README.md is a walk-through, and runs here, with bash, against the
 * e2e worker, as a reader with `npm start` running would run it:
 * - `127.0.0.1:8787` / `localhost:8787` become the e2e worker's port;
 * - the blocks run in a checkout of their own: a temporary directory linking to the repo's
 *   files, with its own `.dev.vars` holding the e2e worker's keys, so that `npm run …` works
 *   and what a block writes (config.json, …) stays out of the repo;
 * - `bash -e -o pipefail`: a failing command fails the block;
 * - no response may be an error envelope (`curl -s` prints it and exits 0);
 * - a comment `# a, b, c` ending a block's last line states the last lines of its output.
 * A block that must not run here (it deploys, installs, …) says so in a line of its own:
 * `# not run by the README test: <why>`. Shell blocks that need no bash are ```sh and not run.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const NOT_RUN = /^\s*# not run by the README test: \S/m;

interface Block {
  heading: string;
  script: string;
}

function bashBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let heading = "";
  for (const part of markdown.split(/^(```[^\n]*\n[\s\S]*?^```)$/m)) {
    const fence = /^```bash\n([\s\S]*?)^```$/m.exec(part);
    if (fence) blocks.push({ heading, script: fence[1]! });
    else if (!part.startsWith("```")) heading = [...part.matchAll(/^#{2,3} (.+)$/gm)].at(-1)?.[1] ?? heading;
  }
  return blocks;
}

const blocks = bashBlocks(readFileSync(join(root, "README.md"), "utf8"));
const runnable = blocks.filter((b) => !NOT_RUN.test(b.script));

const checkout = mkdtempSync(join(tmpdir(), "leadflare-readme-"));
let activeBefore: unknown;

beforeAll(async () => {
  for (const entry of readdirSync(root)) {
    if (![".dev.vars", ".git", ".wrangler"].includes(entry)) symlinkSync(join(root, entry), join(checkout, entry));
  }
  writeFileSync(join(checkout, ".dev.vars"), [`LF_API_KEY=${SERVER_KEY}`, `LF_ADMIN_TOKEN=${ADMIN_TOKEN}`, "LF_LINK_SECRET=e2e-link-secret", ""].join("\n"));
  activeBefore = (await (await admin("GET", "/v1/admin/config")).json() as { document: unknown }).document;
});

// The walk-throughs push and roll back configurations: the next test file finds what was active.
afterAll(async () => {
  rmSync(checkout, { recursive: true, force: true });
  const current = await admin("GET", "/v1/admin/config");
  const { document } = (await current.json()) as { document: unknown };
  if (JSON.stringify(document) !== JSON.stringify(activeBefore)) {
    await admin("PUT", "/v1/admin/config", { document: activeBefore, message: "e2e: restore after the README walk-throughs" }, { "if-match": current.headers.get("etag")! });
  }
});

/** `done   # smb-nurture, smb-nurture, smb-qualified`: what the block's output ends with. */
function statedOutput(script: string): string[] | undefined {
  const last = script.trimEnd().split("\n").at(-1) ?? "";
  return /\s#\s*([\w.:-]+(?:,\s*[\w.:-]+)+)\s*$/.exec(last)?.[1]!.split(/,\s*/);
}

function run(script: string) {
  const port = new URL(inject("workerUrl")).port;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("LF_")));
  return spawnSync("bash", ["-e", "-o", "pipefail", "-c", script.replace(/\b(127\.0\.0\.1|localhost):8787\b/g, `$1:${port}`)], {
    cwd: checkout,
    env: { ...env, WRANGLER_SEND_METRICS: "false" },
    encoding: "utf8",
    timeout: 50_000,
  });
}

describe("README walk-throughs (```bash blocks)", () => {
  it("finds the walk-throughs, and every block that is not run says why", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => /not run by the README test/.test(b.script)).every((b) => NOT_RUN.test(b.script))).toBe(true);
  });

  runnable.forEach(({ heading, script }, i) => {
    it(`${heading} (block ${i + 1}) runs`, () => {
      const result = run(script);
      const report = `exit ${result.status}${result.signal ? ` (${result.signal})` : ""}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
      expect(result.status, report).toBe(0);
      expect(result.stdout, report).not.toMatch(/\{\s*"error"\s*:\s*\{\s*"code"/);
      const stated = statedOutput(script);
      if (stated) expect(result.stdout.trimEnd(), report).toMatch(new RegExp(`${stated.map(literal).join("\\n")}$`));
    });
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
