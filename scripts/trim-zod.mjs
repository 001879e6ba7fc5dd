// postinstall: keep out of the worker bundle the parts of zod Leadflare never runs.
// @hono/zod-openapi extends zod's whole `z` namespace, so the bundler keeps everything it
// re-exports, used or not. Three parts are replaced by stubs:
// - the ~60 translated locales (about a third of the gzipped worker once): the error
//   envelope is in English, so the locale index exports English only;
// - `z.fromJSONSchema` (zod schemas built from JSON Schema): never called;
// - `z.compile` (ahead-of-time validators built as code with `new Function`): workerd
//   forbids generating code at run time, so it could not run there anyway.
// - JSON Schema generation (`z.toJSONSchema`, `.toJSONSchema()`): the worker serves the
//   configuration's JSON Schema as a static asset that `npm run build` generates with the
//   full modules, kept beside the stubs as `*.full.js` (scripts/build.mjs resolves to them).
//   `aggregateChecks`, which zod's schemas read for `minLength` and the like, stays real.
// Together about 43 KB of the worker's gzipped bundle. Each stub keeps the module's export
// names. Idempotent; a file whose exports are not the expected ones is left as it is (with
// a warning), so a zod upgrade that moves things only costs bundle size, never behaviour.
// Files are replaced (write + rename), not rewritten in place, so hard-linked copies of
// node_modules elsewhere keep theirs.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

const zod = new URL("../node_modules/zod/v4/", import.meta.url);
const MARK = "// Trimmed by scripts/trim-zod.mjs";
const unavailable = (name) => `export function ${name}() {\n  throw new Error("z.${name} is not available in Leadflare's build (scripts/trim-zod.mjs)");\n}\n`;

const stubs = [
  {
    file: "locales/index.js",
    exports: ["en"],
    text: `${MARK}: English only.\nexport { default as en } from "./en.js";\n`,
  },
  {
    file: "classic/from-json-schema.js",
    exports: ["fromJSONSchema"],
    text: `${MARK}: never called.\n${unavailable("fromJSONSchema")}`,
  },
  {
    file: "core/compile.js",
    exports: ["INVALID", "ZodCompileAsyncError", "ZodCompileUnsupportedError", "compile", "withParser", "compileFn"],
    text: [
      `${MARK}: generates code at run time, which workerd forbids.`,
      'export const INVALID = Symbol.for("zod.compile.invalid");',
      "export class ZodCompileAsyncError extends Error {}",
      "export class ZodCompileUnsupportedError extends Error {}",
      unavailable("compile"),
      unavailable("withParser"),
      unavailable("compileFn"),
    ].join("\n"),
  },
];

/** The names a module exports by declaration (`export function x`, `export const x`, `export { x }`). */
function exportNames(text) {
  const names = new Set();
  for (const m of text.matchAll(/^export (?:async )?(?:function\*?|const|let|class) (\w+)/gm)) names.add(m[1]);
  for (const m of text.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

for (const { file, exports, text } of stubs) {
  const at = new URL(file, zod);
  if (!existsSync(at)) {
    console.warn(`trim-zod: ${file} not found; left as it is`);
    continue;
  }
  const current = readFileSync(at, "utf8");
  if (current === text) continue;
  const expected = [...exports].sort();
  // The locale index re-exports every language: only "en" must be among them.
  const found = exportNames(current);
  const fits = file === "locales/index.js" ? found.includes("en") : JSON.stringify(found) === JSON.stringify(expected);
  if (!fits) {
    console.warn(`trim-zod: ${file} exports ${found.join(", ")}, not ${expected.join(", ")}; left as it is`);
    continue;
  }
  writeFileSync(new URL(`${file}.trimmed`, zod), text);
  renameSync(new URL(`${file}.trimmed`, zod), at);
  console.log(`trim-zod: ${file} replaced by a stub`);
}

// JSON Schema generation: the full module is kept as <name>.full.js, the stub takes its name.
const JSON_SCHEMA_MARK = `${MARK}: JSON Schema generation`;
const JSON_SCHEMA_FILES = ["core/to-json-schema.js", "core/json-schema-generator.js", "core/json-schema-processors.js"];
for (const file of JSON_SCHEMA_FILES) {
  const at = new URL(file, zod);
  const full = new URL(file.replace(/\.js$/, ".full.js"), zod);
  if (!existsSync(at)) {
    console.warn(`trim-zod: ${file} not found; left as it is`);
    continue;
  }
  const current = readFileSync(at, "utf8");
  if (current.startsWith(JSON_SCHEMA_MARK)) continue;
  const names = exportNames(current);
  let kept = "";
  if (file.endsWith("json-schema-processors.js")) {
    // aggregateChecks and the helpers before it are what the schemas use outside JSON Schema.
    const end = current.indexOf("\nexport const stringProcessor");
    const head = end < 0 ? "" : current.slice(0, end);
    if (!head.includes("export function aggregateChecks")) {
      console.warn(`trim-zod: ${file} has no aggregateChecks before stringProcessor; left as it is`);
      continue;
    }
    kept = head.split("\n").filter((line) => !/^import .* from "\.\/to-json-schema\.js";$/.test(line)).join("\n");
    if (/\b(extractDefs|finalize|handleUnrepresentable|initializeContext|processSchema)\b/.test(kept)) {
      console.warn(`trim-zod: ${file}'s aggregateChecks needs more than its helpers; left as it is`);
      continue;
    }
  }
  const stubbed = names.filter((n) => !new RegExp(`^export (?:function|const) ${n}\\b`, "m").test(kept));
  const text = [
    `${JSON_SCHEMA_MARK}: the full module is ${file.split("/").pop().replace(/\.js$/, ".full.js")}.`,
    kept,
    ...stubbed.map((name) => `export function ${name}() {\n  throw new Error("zod's JSON Schema generation is not in Leadflare's worker (scripts/trim-zod.mjs)");\n}`),
    "",
  ].join("\n");
  writeFileSync(full, current);
  writeFileSync(new URL(`${file}.trimmed`, zod), text);
  renameSync(new URL(`${file}.trimmed`, zod), at);
  console.log(`trim-zod: ${file} replaced by a stub (the full module: ${file.replace(/\.js$/, ".full.js")})`);
}
