// Configuration as code, for teams that keep the document in git:
//   npm run config:validate -- path/to/config.json
//   npm run config:push -- path/to/config.json [--url http://127.0.0.1:8787] [--token T] [--author A] [--message M]
// `validate` runs offline, with the same zod schema and reference checks as the API.
// `push` validates, reads the active version (its ETag), and PUTs the document with
// If-Match, so an edit made meanwhile by someone else is never overwritten (409).
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { configSchema, type ConfigDocument } from "../src/domain/config";
import { sameJson } from "../src/domain/config-changes";
import { formatPath } from "../src/errors";

const USAGE = `usage:
  npm run config:validate -- <config.json>
  npm run config:push -- <config.json> [--url http://127.0.0.1:8787] [--token <LF_ADMIN_TOKEN>] [--author <label>] [--message <why>]
The token defaults to $LF_ADMIN_TOKEN, then to LF_ADMIN_TOKEN in ./.dev.vars (what \`npm start\` created).`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Reads and checks a document; prints every problem with its JSON path. */
function load(file: string): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    fail(`${file}: cannot read it (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const result = configSchema.safeParse(json);
  if (!result.success) {
    console.error(`${file}: ${result.error.issues.length} problem(s)`);
    for (const issue of result.error.issues) console.error(`  ${formatPath(issue.path) || "(document)"}: ${issue.message}`);
    process.exit(1);
  }
  return result.data;
}

function adminToken(flag: string | undefined): string {
  if (flag) return flag;
  if (process.env.LF_ADMIN_TOKEN) return process.env.LF_ADMIN_TOKEN;
  try {
    const match = /^LF_ADMIN_TOKEN=(.+)$/m.exec(readFileSync(".dev.vars", "utf8"));
    if (match) return match[1]!.trim();
  } catch {
    // no .dev.vars here
  }
  fail("No admin token: pass --token, set LF_ADMIN_TOKEN, or run from the directory holding .dev.vars.");
}

async function request(url: string, init: RequestInit): Promise<{ status: number; body: any; etag: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (error) {
    fail(`Cannot reach ${url}: ${(error as Error).message}. Is the worker running (npm start)?`);
  }
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: res.status, body, etag: res.headers.get("etag") };
}

function explain(status: number, body: any): never {
  const error = body?.error;
  console.error(`HTTP ${status}: ${error?.message ?? JSON.stringify(body)}`);
  for (const d of error?.details ?? []) console.error(`  ${d.path}: ${d.message}`);
  process.exit(1);
}

async function push(file: string, options: { url: string; token?: string; author?: string; message?: string }) {
  const document = load(file);
  const base = options.url.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${adminToken(options.token)}`, "content-type": "application/json" };

  const current = await request(`${base}/v1/admin/config`, { headers });
  if (current.status !== 200) explain(current.status, current.body);
  if (sameJson(current.body.document, document)) {
    console.log(`${file}: already active (version ${current.body.version}); nothing to push.`);
    return;
  }
  const put = await request(`${base}/v1/admin/config`, {
    method: "PUT",
    headers: { ...headers, "if-match": current.etag ?? `"${current.body.version}"`, "x-leadflare-author": options.author || `config:push (${userInfo().username})` },
    body: JSON.stringify({ document, ...(options.message ? { message: options.message } : {}) }),
  });
  if (put.status === 409) {
    console.error(`Version ${current.body.version} was replaced while pushing; nothing changed. Pull the latest, merge, and push again.`);
    explain(put.status, put.body);
  }
  if (put.status !== 200) explain(put.status, put.body);
  console.log(`Activated version ${put.body.version} (was ${current.body.version}): ${put.body.changes.join(", ") || "no content changes"}.`);
  console.log("Every isolate serves it within 10 seconds.");
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      url: { type: "string", default: "http://127.0.0.1:8787" },
      token: { type: "string" },
      author: { type: "string" },
      message: { type: "string" },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) fail(USAGE);
  if (command === "validate") {
    const doc = load(file);
    console.log(`${file}: valid (${doc.segments.length} segments, ${Object.keys(doc.slots).length} slots).`);
  } else if (command === "push") {
    await push(file, values);
  } else {
    fail(USAGE);
  }
}

await main();
