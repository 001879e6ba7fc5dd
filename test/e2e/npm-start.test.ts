import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { missingSecrets, requiredSecrets } from "../../scripts/deploy-checks";
import { freePorts, waitUntilServing } from "./support/worker";

/**
 * `npm start` owns the `wrangler dev` it starts: killing npm (SIGTERM, SIGINT, even SIGKILL)
 * stops wrangler and its workerd, and a second `npm start` on a port in use says so.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "leadflare-npm-start-"));
const started: ChildProcess[] = [];
// `npm start` creates .dev.vars when it is missing (a fresh clone, CI): the test leaves none behind.
const devVars = join(root, ".dev.vars");
const hadDevVars = existsSync(devVars);
/** Every process of a test's `npm start`, recorded while it served: killed if the test fails. */
let tree: number[] = [];

afterEach(() => {
  for (const pid of tree.filter(running)) process.kill(pid, "SIGKILL");
  tree = [];
});
afterAll(() => {
  for (const child of started) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
  if (!hadDevVars) rmSync(devVars, { force: true });
});

function npmStart(port: number) {
  const child = spawn("npm", ["start"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LF_PERSIST_DIR: join(dir, "state") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

type Proc = { pid: number; ppid: number; name: string; state: string };

function processTable(): Proc[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        // "pid (name) state ppid ...": the name may contain spaces and parentheses.
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const close = stat.lastIndexOf(")");
        const [state, ppid] = stat.slice(close + 2).split(" ");
        return [{ pid: Number(pid), ppid: Number(ppid), name: stat.slice(stat.indexOf("(") + 1, close), state: state! }];
      } catch {
        return []; // exited while we read
      }
    });
}

function descendants(pid: number): Proc[] {
  const table = processTable();
  const found: Proc[] = [];
  for (let parents = [pid]; parents.length; ) {
    const children = table.filter((p) => parents.includes(p.ppid));
    found.push(...children);
    parents = children.map((p) => p.pid);
  }
  return found;
}

/** Alive and not a zombie (an exited child its new parent has not reaped yet). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Polls `check` until it holds; fails with `what` after `ms`. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    if (await check()) return;
  }
  throw new Error(`not within ${ms / 1000} s: ${what}`);
}

/** Starts `npm start` on a free port and waits until it serves; returns it with its processes. */
async function serving() {
  const [port] = await freePorts(1);
  const npm = npmStart(port!);
  await waitUntilServing(`http://127.0.0.1:${port}`, npm.child).catch((error: Error) => {
    throw new Error(`${error.message}\n${npm.output()}`);
  });
  const procs = descendants(npm.child.pid!);
  tree = procs.map((p) => p.pid);
  expect(procs.map((p) => p.name)).toContain("workerd");
  return { port: port!, npm, procs };
}

async function expectStopped(port: number, procs: Proc[]) {
  await eventually(`port ${port} free`, () => portFree(port));
  await eventually("no process of it left", () => procs.every((p) => !running(p.pid)));
}

describe("npm start", () => {
  it("a second npm start on the same port exits 1 saying the port is taken; SIGTERM to npm stops wrangler and workerd", { timeout: 180_000 }, async () => {
    const { port, npm, procs } = await serving();

    const second = npmStart(port);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`port ${port} is taken (is another \`npm start\` running?)`);
    expect((await fetch(`http://127.0.0.1:${port}/p.js`)).ok).toBe(true); // the first one is untouched
    // It says where the console is, and serves it there (built by `npm start`'s prestart).
    expect(npm.output()).toContain(`Console: http://127.0.0.1:${port}/admin`);
    const consolePage = await fetch(`http://127.0.0.1:${port}/admin`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<div id="app">');
    // Every secret a deployment needs is in the local .dev.vars too (created or completed).
    const local = [...readFileSync(devVars, "utf8").matchAll(/^([A-Z][A-Z0-9_]*)=./gm)].map((m) => ({ name: m[1]! }));
    expect(missingSecrets(requiredSecrets(readFileSync(join(root, ".dev.vars.example"), "utf8")), local)).toEqual([]);

    npm.child.kill("SIGTERM");
    await expectStopped(port, procs);
  });

  // SIGINT as npm passes it on; SIGKILL as a parent that dies without a word (npm passes no SIGHUP on either).
  for (const signal of ["SIGINT", "SIGKILL"] as const) {
    it(`${signal} to npm stops wrangler and workerd`, { timeout: 180_000 }, async () => {
      const { port, npm, procs } = await serving();
      npm.child.kill(signal);
      await expectStopped(port, procs);
    });
  }
});
