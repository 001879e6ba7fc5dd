// postinstall: keep out of the worker bundle the parts of zod Leadflare never runs.
// @hono/zod-openapi extends zod's whole `z` namespace, so the bundler keeps everything it
// re-exports, used or not. Three parts are replaced by stubs:
// - the ~60 translated locales (about a third of the gzipped worker once): the error
//   envelope is in English, so the locale index exports English only;
// - `z.fromJSONSchema` (zod schemas built from JSON Schema): never called;
// - `z.compile` (ahead-of-time validators built as code with `new Function`): workerd
//   forbids generating code at run time, so it could not run there anyway.
// Together about 37 KB of the worker's gzipped bundle. Each stub keeps the module's export
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
