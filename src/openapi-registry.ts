/**
 * What the worker's bundle gets for "@asteasolutions/zod-to-openapi" (wrangler.toml's
 * `[alias]`, which `wrangler deploy`/`wrangler dev` apply, and vitest.config.ts's
 * `resolve.alias`, so the tests run the same module): the route registry and zod's `.openapi()`
 * metadata, which @hono/zod-openapi uses on every route, from the package itself; and, for the
 * OpenAPI document generators, classes that throw. @hono/zod-openapi's index imports the
 * generators even when `doc()`/`doc31()` are never called, and they were about 6 KiB of the
 * gzipped worker. The worker does not generate its document: `npm run build` does, in Node
 * with the real package (scripts/openapi-document.ts), into the static assets, and
 * GET /openapi.json serves that file (src/routes/openapi.ts). Nothing in node_modules is
 * changed. The alias matches the bare name only, so the deep import below is the package's
 * real module; if a new version moves it or @hono/zod-openapi imports a name this module lacks,
 * the worker's build fails (esbuild: no such file or export), it never misbehaves at run time.
 */
export { OpenAPIRegistry, extendZodWithOpenApi, getOpenApiMetadata, getRefId, zodToOpenAPIRegistry } from "@asteasolutions/zod-to-openapi/dist/index.mjs";

class GeneratorNotInWorker {
  constructor() {
    throw new Error("The OpenAPI generator is not in Leadflare's worker: `npm run build` writes /openapi.json (src/openapi-registry.ts)");
  }
}
export { GeneratorNotInWorker as OpenApiGeneratorV3, GeneratorNotInWorker as OpenApiGeneratorV31, GeneratorNotInWorker as OpenApiGeneratorV32 };
