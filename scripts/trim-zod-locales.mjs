// postinstall: keep only zod's English error messages in the worker bundle.
// @hono/zod-openapi extends zod's whole `z` namespace, so the bundler keeps everything it
// re-exports, including ~60 translated locales (about a third of the gzipped worker) that
// Leadflare never uses: its error envelope is in English. This rewrites zod's locale index
// to export English only. Idempotent; a no-op when zod's layout is not the expected one.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const index = new URL("../node_modules/zod/v4/locales/index.js", import.meta.url);
const english = new URL("../node_modules/zod/v4/locales/en.js", import.meta.url);
const trimmed = '// Trimmed by scripts/trim-zod-locales.mjs: English only.\nexport { default as en } from "./en.js";\n';

if (!existsSync(index) || !existsSync(english)) {
  console.warn("trim-zod-locales: zod's locale index not found; bundle left as it is");
} else if (readFileSync(index, "utf8") !== trimmed) {
  writeFileSync(index, trimmed);
  console.log("trim-zod-locales: zod locales trimmed to English");
}
