import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { configSchema } from "../domain/config";
import type { AppEnv } from "../env";

/**
 * JSON Schema of the configuration document, generated from the same zod schema that
 * validates it, for editors' autocompletion (`"$schema": ".../v1/config.schema.json"`).
 * Cross-reference checks (parents, fact paths, the catch-all) are not expressible in JSON
 * Schema: `npm run config:validate` and the API run them.
 */
let generated: Record<string, unknown> | undefined;
export function configJsonSchema(): Record<string, unknown> {
  generated ??= {
    ...z.toJSONSchema(configSchema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }),
    title: "Leadflare configuration",
    description: "Page categories, signals, scoring, segments and content. Validate with `npm run config:validate -- file.json`.",
  };
  return generated;
}

export const configSchemaRoute = createRoute({
  method: "get",
  path: "/v1/config.schema.json",
  tags: ["public"],
  summary: "JSON Schema of the configuration document (for editors)",
  responses: {
    200: { content: { "application/json": { schema: z.record(z.string(), z.unknown()) } }, description: "A JSON Schema (draft 2020-12)" },
  },
});

export const configSchemaHandler: RouteHandler<typeof configSchemaRoute, AppEnv> = async (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(configJsonSchema(), 200);
};
