// The console's JavaScript as a browser downloads it: every .js file Vite wrote under
// console/dist/admin/, each gzipped (-9). `npm run build` checks it against the budget;
// the bench reports it (sizes.console_js_gzip_bytes).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** 150 KB gzipped (issue 11). */
export const CONSOLE_JS_BUDGET_BYTES = 150 * 1024;
export const CONSOLE_DIST = fileURLToPath(new URL("../console/dist/admin/", import.meta.url));

/** Bytes of the console's JS, raw and gzipped; null when it has not been built. */
export function consoleJsSize(dir = CONSOLE_DIST) {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".js"));
  const bodies = files.map((f) => readFileSync(join(dir, f)));
  return {
    files: files.length,
    bytes: bodies.reduce((n, b) => n + b.length, 0),
    gzipBytes: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
  };
}
