import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The console SPA, built by `npm run build` (scripts/build.mjs, by way of a scratch folder) into console/dist/admin/,
 * which wrangler.toml serves as Workers Static Assets under /admin (src/routes/console.ts).
 * Preact's JSX is compiled by Vite's own oxc transform: no Babel-based plugin needed.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/admin/",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist/admin",
    emptyOutDir: true,
    target: "es2022",
    // Every browser the console supports has modulepreload: no polyfill.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
