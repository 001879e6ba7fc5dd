/**
 * Whether this build carries the OpenAPI document's text: every route's `summary` and
 * `description`, the responses' descriptions, and the `.openapi({ description, example })`
 * metadata of the schemas (src/routes/), written `LF_OPENAPI_DOCS ? "text" : ""` (for metadata
 * objects `LF_OPENAPI_DOCS ? { … } : {}`). A compile-time constant that esbuild's `define`
 * replaces: `false` in the worker (wrangler.toml's `[define]`, for `wrangler deploy` and
 * `wrangler dev`), so minifying drops the text from the bundle; `true` where the document is
 * generated (scripts/build.mjs, for console/dist/site/openapi.json) and in the tests
 * (vitest.config.ts), which compare the served file with `createApp()`'s own document. The
 * worker never needs the text: it serves the built file (src/routes/openapi.ts). Run time must
 * not depend on it: validation and error messages are never written this way. A bundle without
 * the define fails at once (ReferenceError), it never silently loses text.
 */
declare const LF_OPENAPI_DOCS: boolean;
