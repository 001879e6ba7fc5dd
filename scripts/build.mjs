// `npm run build`: bundles the browser script (src/client/) with esbuild and writes it, the
// demo pages (src/demo/) and the demo's banners into console/dist/site/ (p.js, demo/,
// demo/img/), with the configuration's JSON Schema (config/schema.json) and the OpenAPI
// document (openapi.json), both generated here in Node; builds the console (console/, Vite)
// into console/dist/admin/. wrangler.toml serves console/dist/ as static assets, so none of
// these bodies is in the worker bundle: src/generated/assets.ts holds only what the routes
// need to answer without them (p.js's version, the demo's file names). Nothing here is
// committed; prestart/pretest/prebench/test:e2e run this first.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { crc32, deflateSync, gzipSync } from "node:zlib";
import { build as viteBuild } from "vite";
import { CONSOLE_DIST, CONSOLE_JS_BUDGET_BYTES, consoleJsSize } from "./console-size.mjs";

/** Where p.js and the demo go: console/dist/site/, served by the worker (src/routes/). */
const SITE_DIST = fileURLToPath(new URL("../console/dist/site/", import.meta.url));

/** The script tag's budget, gzipped. */
const BUDGET_BYTES = 2560;
const root = new URL("../", import.meta.url);
const at = (path) => new URL(path, root);

const result = await build({
  entryPoints: [at("src/client/index.ts").pathname],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  write: false,
});
const script = result.outputFiles[0].text.trim();
const gzipped = gzipSync(script, { level: 9 }).length;
const version = createHash("sha256").update(script).digest("hex").slice(0, 16);

const demoDir = at("src/demo/");
const demoFiles = Object.fromEntries(
  readdirSync(demoDir)
    .filter((f) => /\.(html|css)$/.test(f))
    .sort()
    .map((f) => [f, readFileSync(new URL(f, demoDir))]),
);

// The email banners the default configuration names (/demo/img/banner-<segment>.png), so
// that an open from the demo lands on a real image: a plain two-tone PNG per segment, in
// its tier's colour (brighter when hot).
const COLOURS = { enterprise: [30, 58, 138], "mid-market": [15, 118, 110], smb: [194, 65, 12], default: [71, 85, 105] };
const defaults = JSON.parse(readFileSync(at("src/config/default.json"), "utf8"));
const demoImages = Object.fromEntries(
  Object.values(defaults.slots.banner?.variants ?? {})
    .map((v) => /^\/demo\/img\/(banner-[a-z0-9-]+\.png)$/.exec(v.src)?.[1])
    .filter(Boolean)
    .sort()
    .map((file) => {
      const segment = file.slice("banner-".length, -".png".length);
      const tier = Object.keys(COLOURS).find((t) => segment.startsWith(t)) ?? "default";
      const lift = /-(hot|qualified)$/.test(segment) ? 40 : 0;
      const colour = COLOURS[tier].map((c) => Math.min(255, c + lift));
      return [file, png(600, 200, colour)];
    }),
);

/** The files under `dir` (relative paths), none when it does not exist. */
const list = (dir) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => !statSync(join(dir, f)).isDirectory()) : []);

/**
 * Makes `to` hold exactly `files` (relative path → bytes), touching only those that differ, in
 * the order given, and removing the rest last. Only `to` is touched: console/dist/admin/ and
 * console/dist/site/ are synced separately and never delete each other's files.
 */
function syncFiles(files, to) {
  for (const [file, body] of files) {
    const target = join(to, file);
    if (existsSync(target) && readFileSync(target).equals(body)) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
  }
  for (const file of list(to)) if (!files.has(file)) rmSync(join(to, file));
}

/** Makes `to` hold exactly the files of `from` (index.html last). */
function syncDir(from, to) {
  const wanted = list(from).sort((a, b) => (a === "index.html") - (b === "index.html"));
  syncFiles(new Map(wanted.map((file) => [file, readFileSync(join(from, file))])), to);
}

/** A width × height RGB PNG: `colour` above, a darker band along the bottom fifth. */
function png(width, height, colour) {
  const dark = colour.map((c) => Math.round(c * 0.6));
  const rows = [];
  for (let y = 0; y < height; y++) {
    const rgb = y < height * 0.8 ? colour : dark;
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
    rows.push(row);
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const module = `// Generated by scripts/build.mjs from src/client/ and src/demo/: do not edit, not committed.
// The bodies are static assets (console/dist/site/), not in the worker bundle.
/** /p.js: its version (the ETag); the body is site/p.js. */
export const clientScript = ${JSON.stringify({ version })} as const;
/** The demo's pages and stylesheet: site/demo/<file>. */
export const demoFiles: readonly string[] = ${JSON.stringify(Object.keys(demoFiles))};
/** The demo's PNGs: site/demo/img/<file>. */
export const demoImages: readonly string[] = ${JSON.stringify(Object.keys(demoImages))};
`;

// The configuration's JSON Schema, made with zod's full JSON Schema modules (the installed
// ones are stubs, so that the worker's bundle leaves them out: scripts/trim-zod.mjs).
const fullZodJsonSchema = {
  name: "full-zod-json-schema",
  setup(b) {
    b.onResolve({ filter: /(^|\/)(to-json-schema|json-schema-processors|json-schema-generator)\.js$/ }, (args) => {
      if (!args.resolveDir.includes(`${sep}node_modules${sep}zod${sep}`)) return undefined;
      const full = resolve(args.resolveDir, args.path.replace(/\.js$/, ".full.js"));
      return existsSync(full) ? { path: full } : undefined;
    });
  },
};
// The OpenAPI document of createApp()'s routes (scripts/openapi-document.ts), made with
// @asteasolutions/zod-to-openapi's generator, which the worker's bundle leaves out
// (src/openapi-registry.ts; this bundle does not use wrangler.toml's alias). The app imports
// src/generated/assets.ts, which is written below, after the files it names: this bundle gets
// its text from memory, so a fresh clone needs no earlier build.
const generatedAssets = {
  name: "generated-assets",
  setup(b) {
    const file = fileURLToPath(new URL("generated/assets.ts", at("src/")));
    b.onResolve({ filter: /(^|\/)generated\/assets(\.ts)?$/ }, (args) =>
      resolve(args.resolveDir, args.path).replace(/\.ts$/, "") === file.replace(/\.ts$/, "") ? { path: file, namespace: "generated-assets" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "generated-assets" }, () => ({ contents: module, loader: "ts", resolveDir: dirname(file) }));
  },
};
/**
 * Bundles `entry` (under scripts/) for Node and imports it: the build-time generators, each
 * alone, so that neither sees the other's modules (the OpenAPI one extends zod's schemas).
 */
async function importBundled(entry, plugins, define = {}) {
  const bundled = await build({
    entryPoints: [at(entry).pathname], bundle: true, format: "esm", platform: "node", write: false, plugins, define, logLevel: "error",
  });
  const dir = mkdtempSync(join(tmpdir(), "leadflare-build-"));
  try {
    const file = join(dir, entry.split("/").pop().replace(/\.ts$/, ".mjs"));
    writeFileSync(file, bundled.outputFiles[0].text);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const configJsonSchema = (await importBundled("scripts/config-json-schema.ts", [fullZodJsonSchema])).configJsonSchema();
// With the documentation text, which the worker's bundle leaves out (src/openapi-docs.d.ts).
const openApi = (await importBundled("scripts/openapi-document.ts", [generatedAssets], { LF_OPENAPI_DOCS: "true" })).openApiDocument();

console.log(`openapi.json: ${openApi.operations} operations`);
console.log(`p.js: ${script.length} bytes, ${gzipped} bytes gzipped (budget ${BUDGET_BYTES}), version ${version}`);
if (gzipped > BUDGET_BYTES) {
  console.error(`p.js is over its budget by ${gzipped - BUDGET_BYTES} bytes gzipped.`);
  process.exit(1);
}

// The bodies first, then the module naming them, so a running `wrangler dev` that reloads for
// the module finds its files.
syncFiles(
  new Map([
    ["p.js", Buffer.from(script)],
    // The shipped default configuration, which a fresh database activates as version 1
    // (src/config/active.ts reads it through ASSETS: it costs the worker bundle nothing).
    ["config/default.json", Buffer.from(JSON.stringify(defaults))],
    // GET /v1/config.schema.json serves it (src/routes/config-schema.ts).
    ["config/schema.json", Buffer.from(JSON.stringify(configJsonSchema))],
    // GET /openapi.json serves it (src/routes/openapi.ts), byte for byte what `c.json` sent
    // when the worker generated it.
    ["openapi.json", Buffer.from(JSON.stringify(openApi.document))],
    // Free-mail and disposable providers, which cannot be accounts (src/app/free-mail.ts).
    ["free-mail.json", readFileSync(at("node_modules/email-providers/all.json"))],
    ...Object.entries(demoFiles).map(([file, body]) => [join("demo", file), body]),
    ...Object.entries(demoImages).map(([file, body]) => [join("demo", "img", file), body]),
  ]),
  SITE_DIST,
);
const outDir = at("src/generated/");
const outFile = new URL("assets.ts", outDir);
mkdirSync(outDir, { recursive: true });
// Rewrite only on change, so a running `wrangler dev` does not reload for nothing.
if (!existsSync(outFile) || readFileSync(outFile, "utf8") !== module) writeFileSync(outFile, module);

// Vite builds into a scratch folder; the served one (console/dist/admin/) changes only where a
// file did, new files before index.html names them and old ones go last, so a running
// `wrangler dev` (another `npm start`, the e2e worker) never serves a half-written console.
const scratch = mkdtempSync(join(tmpdir(), "leadflare-console-"));
try {
  await viteBuild({ configFile: at("console/vite.config.ts").pathname, build: { outDir: scratch, emptyOutDir: true } });
  syncDir(scratch, CONSOLE_DIST);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const consoleJs = consoleJsSize();
console.log(
  `console: ${consoleJs.files} JS files, ${consoleJs.bytes} bytes, ${consoleJs.gzipBytes} bytes gzipped (budget ${CONSOLE_JS_BUDGET_BYTES})`,
);
if (consoleJs.gzipBytes > CONSOLE_JS_BUDGET_BYTES) {
  console.error(`The console's JavaScript is over its budget by ${consoleJs.gzipBytes - CONSOLE_JS_BUDGET_BYTES} bytes gzipped.`);
  process.exit(1);
}
