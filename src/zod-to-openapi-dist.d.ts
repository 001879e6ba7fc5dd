// The package's ES module by its file name (src/openapi-registry.ts, test/routes/openapi.test.ts),
// which its own types do not name: the same exports as the package.
declare module "@asteasolutions/zod-to-openapi/dist/index.mjs" {
  export * from "@asteasolutions/zod-to-openapi";
}
