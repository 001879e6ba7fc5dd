// Configuration as code, for teams that keep the document in git:
//   npm run config:validate -- path/to/config.json
//   npm run config:pull -- path/to/config.json [--url http://127.0.0.1:8787] [--token T]
//   npm run config:push -- path/to/config.json [--url http://127.0.0.1:8787] [--token T] [--author NOTE] [--message M]
// `validate` runs offline, with the same zod schema and reference checks as the API.
// `pull` writes the active document with the version it is as "$version" on top: the
// version an edit of the file is based on. `push` validates and PUTs the document with
// If-Match: that version, so a version someone else activated since the pull is never
// reverted (409, and the CLI names who activated what); on success the file records the
// version it now is, so the next edit pushes too.
import { readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { configSchema, type ConfigDocument } from "../src/domain/config";
import { sameJson } from "../src/domain/config-changes";
import { formatPath } from "../src/domain/json-path";

const USAGE = `usage:
  npm run config:validate -- <config.json>
  npm run config:pull -- <config.json> [--url http://127.0.0.1:8787] [--token <LF_ADMIN_TOKEN>]
  npm run config:push -- <config.json> [--url http://127.0.0.1:8787] [--token <LF_ADMIN_TOKEN>] [--author <note>] [--message <why>]
The token defaults to $LF_ADMIN_TOKEN, then to LF_ADMIN_TOKEN in ./.dev.vars (what \`npm start\` created), then to
the first token of LF_ADMIN_TOKENS there. The audit trail's author is the token's name; --author is a note beside it.`;

/** A version as GET /v1/admin/config/versions lists it. */
interface VersionInfo {
  version: number;
  author: string;
  authorNote: string | null;
  message: string | null;
  rolledBackFrom: number | null;
  createdAt: string;
}

/** The author, and the note its X-Leadflare-Author header added. */
const who = (v: Pick<VersionInfo, "author" | "authorNote">) => (v.authorNote ? `${v.author} (note: ${v.authorNote})` : v.author);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** A configuration file, checked: its document, and the version it was pulled from (if it was). */
interface ConfigFile {
  file: string;
  text: string;
  document: ConfigDocument;
  pulledFrom: number | undefined;
}

/** Reads and checks a document; prints every problem with its JSON path. */
function load(file: string): ConfigFile {
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
  // "$version" is the CLI's bookkeeping, not configuration: never compared nor sent (a
  // worker deployed before it was part of the schema would refuse it).
  const { $version: pulledFrom, ...document } = result.data;
  return { file, text, document, pulledFrom };
}

/** Writes into the file the version it now is, leaving the rest of its text (and its diff) alone. */
function recordVersion(config: ConfigFile, version: number): void {
  const updated = config.text.replace(/("\$version"\s*:\s*)-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, `$1${version}`);
  let recorded = false;
  try {
    recorded = (JSON.parse(updated) as { $version?: unknown }).$version === version;
  } catch {
    // the pattern matched something else: write the document afresh below
  }
  writeFileSync(config.file, recorded ? updated : pulledFileText(config.document, version));
}

function pulledFileText(document: ConfigDocument | Record<string, unknown>, version: number): string {
  return `${JSON.stringify({ $version: version, ...document }, null, 2)}\n`;
}

function adminToken(flag: string | undefined): string {
  if (flag) return flag;
  if (process.env.LF_ADMIN_TOKEN) return process.env.LF_ADMIN_TOKEN;
  try {
    const vars = readFileSync(".dev.vars", "utf8");
    const single = /^LF_ADMIN_TOKEN=(.+)$/m.exec(vars)?.[1]?.trim();
    // LF_ADMIN_TOKENS="ada:tok1,ops:tok2": the first one's token.
    const named = /^LF_ADMIN_TOKENS=[^:,\n]*:([^,\n]+)/m.exec(vars)?.[1]?.trim();
    if (single || named) return (single || named)!;
  } catch {
    // no .dev.vars here
  }
  fail("No admin token: pass --token, set LF_ADMIN_TOKEN, or run from the directory holding .dev.vars.");
}

interface Remote {
  url: string;
  token?: string;
}

/** The admin API at `url`: each call answers its status and parsed body. */
function adminApi(options: Remote) {
  const base = options.url.replace(/\/+$/, "");
  const authorization = `Bearer ${adminToken(options.token)}`;
  return async (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
    const url = `${base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: init.method,
        headers: { authorization, "content-type": "application/json", ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
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
    return { status: res.status, body };
  };
}
type AdminApi = ReturnType<typeof adminApi>;

function explain(status: number, body: any): never {
  const error = body?.error;
  console.error(`HTTP ${status}: ${error?.message ?? JSON.stringify(body)}`);
  for (const d of error?.details ?? []) console.error(`  ${d.path}: ${d.message}`);
  process.exit(1);
}

async function pull(file: string, options: Remote) {
  const api = adminApi(options);
  const active = await api("/v1/admin/config");
  if (active.status !== 200) explain(active.status, active.body);
  try {
    writeFileSync(file, pulledFileText(active.body.document, active.body.version));
  } catch (error) {
    fail(`${file}: cannot write it (${(error as Error).message})`);
  }
  console.log(`${file}: version ${active.body.version}, activated by ${who(active.body)} at ${active.body.createdAt}.`);
  console.log(`Edit it, then: npm run config:push -- ${file} (refused if a version newer than ${active.body.version} is active by then).`);
}

async function push(file: string, options: Remote & { author?: string; message?: string }) {
  const config = load(file);
  const { document, pulledFrom } = config;
  if (pulledFrom === undefined) {
    fail(
      `${file} has no "$version", so there is no telling which version your edit is based on, nor what pushing it would revert.\n` +
        `Pull first: npm run config:pull -- <file> writes the active document with its "$version"; apply your edit to it and push that.`,
    );
  }
  const api = adminApi(options);
  const active = await api("/v1/admin/config");
  if (active.status !== 200) explain(active.status, active.body);
  if (sameJson(active.body.document, document)) {
    if (active.body.version !== pulledFrom) recordVersion(config, active.body.version);
    console.log(`${file}: already active (version ${active.body.version}); nothing to push.`);
    return;
  }
  const put = await api("/v1/admin/config", {
    method: "PUT",
    headers: { "if-match": `"${pulledFrom}"`, "x-leadflare-author": options.author || `config:push (${userInfo().username})` },
    body: { document, ...(options.message ? { message: options.message } : {}) },
  });
  if (put.status === 409) await explainConflict(api, file, pulledFrom, put.body);
  if (put.status !== 200) explain(put.status, put.body);
  recordVersion(config, put.body.version);
  console.log(`Activated version ${put.body.version} (was ${pulledFrom}): ${put.body.changes.join(", ") || "no content changes"}.`);
  console.log(`${file} now records "$version": ${put.body.version} (commit it with your change). Every isolate serves it within 10 seconds.`);
}

/** 409: names every version activated since the pull, who activated it, when and why. */
async function explainConflict(api: AdminApi, file: string, pulledFrom: number, conflict: unknown): Promise<never> {
  const listed = await api("/v1/admin/config/versions?limit=100");
  const since: VersionInfo[] = listed.status === 200 ? listed.body.versions.filter((v: VersionInfo) => v.version > pulledFrom).reverse() : [];
  // None newer: the pulled version is unknown here (another database?); the worker says what is active.
  if (since.length === 0) explain(409, conflict);
  console.error(`${file}: nothing was pushed; your edit is not applied and nothing was reverted.`);
  const unlisted = since[0]!.version - pulledFrom - 1;
  if (unlisted > 0) console.error(`${unlisted} version(s) were activated since you pulled ${pulledFrom}, and then:`);
  for (const v of since) {
    const why = [v.rolledBackFrom === null ? null : `a rollback to version ${v.rolledBackFrom}`, v.message === null ? null : JSON.stringify(v.message)];
    const reason = why.filter(Boolean).join(", ");
    console.error(`  version ${v.version} was activated by ${who(v)} at ${v.createdAt} since you pulled ${pulledFrom}${reason ? ` (${reason})` : ""}`);
  }
  fail(`To keep both: pull, merge, push again (pull into another file, or commit yours first: config:pull overwrites ${file}).`);
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
    const { document, pulledFrom } = load(file);
    const origin = pulledFrom === undefined ? "" : `, pulled from version ${pulledFrom}`;
    console.log(`${file}: valid (${document.segments.length} segments, ${Object.keys(document.slots).length} slots${origin}).`);
  } else if (command === "pull") {
    await pull(file, values);
  } else if (command === "push") {
    await push(file, values);
  } else {
    fail(USAGE);
  }
}

await main();
