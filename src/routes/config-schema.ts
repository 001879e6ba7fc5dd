import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { siteAsset } from "./site-asset";

/**
 * JSON Schema of the configuration document, for editors' autocompletion
 * (`"$schema": ".../v1/config.schema.json"`): generated from the same zod schema by
 * `npm run build` (scripts/config-json-schema.ts) into the static assets, so zod's JSON
 * Schema generation is not in the worker's bundle.
 */
export const configSchemaRoute = createRoute({
  method: "get",
  path: "/v1/config.schema.json",
  tags: ["public"],
  summary: LF_OPENAPI_DOCS ? "JSON Schema of the configuration document (for editors)" : "",
  responses: {
    200: { content: { "application/json": { schema: z.record(z.string(), z.unknown()) } }, description: LF_OPENAPI_DOCS ? "A JSON Schema (draft 2020-12)" : "" },
  },
});

export const configSchemaHandler: RouteHandler<typeof configSchemaRoute, AppEnv> = async (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.body(await siteAsset(c, "config/schema.json"), 200, { "content-type": "application/json" }) as never;
};
