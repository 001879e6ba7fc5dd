// Child processes of the benchmark: workers (bench/serve.mjs), wrangler commands and wrk.
// Every worker runs in its own process group so that stopping it also stops its workerd;
// whatever is still running when the benchmark exits (normally, on error or on a signal)
// is killed here.
import { spawn, spawnSync } from "node:child_process";
import { openSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const SERVE = fileURLToPath(new URL("./serve.mjs", import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL("./wrk/load.lua", import.meta.url));

/** Nothing the benchmark starts may reach the network. */
export const CHILD_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
};

const groups = new Set();
const plain = new Set();

function killEverything() {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }
  for (const child of plain) child.kill("SIGKILL");
}
process.on("exit", killEverything);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping every process the benchmark started`);
    process.exit(130);
  });
}

/** Runs a command to completion; resolves with its exit code and its output (stdout + stderr). */
function collect(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    plain.add(child);
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => {
      plain.delete(child);
      resolve({ code, output });
    });
  });
}

/** Runs a wrangler command to completion (Node 22 = this process's node). */
export async function wrangler(args) {
  const { code, output } = await collect(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: CHILD_ENV });
  if (code !== 0) throw new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${output}`);
  return output;
}

/**
 * Starts a worker from a wrangler config with its own persist dir; resolves with its
 * address once it serves. Its output goes to `logFile`.
 */
export function startWorker(name, { config, persist, vars = {}, rateLimit, logFile }) {
  const log = openSync(logFile, "w");
  const child = spawn(process.execPath, [SERVE, JSON.stringify({ config, persist, vars, rateLimit })], {
    cwd: ROOT,
    env: CHILD_ENV,
    detached: true,
    stdio: ["ignore", "pipe", log],
  });
  groups.add(child.pid);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s (see ${logFile})`)), 90_000);
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const line = buffered.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      resolve({ name, url: JSON.parse(line).url, cpuTicks: () => groupCpuTicks(child.pid), stop: () => stopGroup(child) });
    });
    child.on("exit", (code) => {
      groups.delete(child.pid);
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before serving (see ${logFile})`));
    });
  });
}

/**
 * CPU time (user + system, in clock ticks) used so far by the live processes of a group:
 * the worker's node process and its workerd. Unlike req/s, CPU per request barely moves
 * when other work on the machine competes for the cores.
 */
function groupCpuTicks(pgid) {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name: state ppid pgrp … utime(12th) stime(13th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks;
}

/** SIGTERM to the worker's group (it disposes its workerd), SIGKILL if it lingers. */
function stopGroup(child) {
  if (!groups.has(child.pid)) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      // workerd may outlive its parent for a moment: make sure the whole group is gone.
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      groups.delete(child.pid);
      resolve();
    });
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      groups.delete(child.pid);
      resolve();
    }
  });
}

/** Makes sure Debian's wrk is installed (installs it with apt-get when missing). */
export function ensureWrk() {
  const probe = spawnSync("wrk", ["-v"], { encoding: "utf8" });
  if (!probe.error) return (probe.stdout + probe.stderr).split("\n")[0].trim();
  console.log("wrk is missing: installing Debian's wrk package with apt-get");
  const apt = (...args) =>
    process.getuid?.() === 0
      ? spawnSync("apt-get", args, { stdio: "inherit" })
      : spawnSync("sudo", ["apt-get", ...args], { stdio: "inherit" });
  if (apt("-o", "DPkg::Lock::Timeout=120", "install", "-y", "wrk").status !== 0) {
    apt("-o", "DPkg::Lock::Timeout=120", "update");
    if (apt("-o", "DPkg::Lock::Timeout=120", "install", "-y", "wrk").status !== 0) throw new Error("could not install wrk (apt-get install wrk)");
  }
  return ensureWrk();
}

/**
 * One wrk run: fixed connections, fixed time, one thread (the worker under test needs the
 * other core). Resolves with the figures bench/wrk/load.lua prints when it is done.
 */
export async function runWrk({ url, kind, idsFile = "-", seed, returning = 0, apiKey = "", seconds, connections }) {
  const options = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "-s", LOAD_SCRIPT, url, "--"];
  const { code, output } = await collect("wrk", [...options, kind, idsFile, String(seed), String(returning), apiKey]);
  const line = output.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}):\n${output}`);
  const result = JSON.parse(line.slice("BENCH_RESULT ".length));
  const failed = Object.values(result.errors).reduce((a, b) => a + b, 0);
  if (failed > 0) throw new Error(`wrk ${kind} against ${url}: ${JSON.stringify(result.errors)} errors (non-2xx or socket)`);
  return result;
}
