import { describe, expect, it } from "vitest";
// To generate here the document the build generated.
import { OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { createApp } from "../../src/app";
import { openApiObject } from "../../src/routes/openapi";
import { call, jsonOf } from "../support/harness";

describe("GET /openapi.json", () => {
  it("serves the OpenAPI 3.1 document as JSON", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const doc = await jsonOf(res);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Leadflare");
    // What the other tests' lists of operations start from (test/support/openapi.ts).
    expect(doc.paths["/v1/personalize"].post).toBeDefined();
    expect(doc.paths["/v1/leads/{email}"].put.security).toBeDefined();
    expect(doc.paths["/v1/admin/config"].get.responses["401"]).toBeDefined();
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(["serverKey", "adminToken", "adminSession", "accessJwt"]));
  });

  it("is, byte for byte, the document of the app's current routes (the build's file is not stale)", async () => {
    const app = createApp();
    const generated = new OpenApiGeneratorV31(app.openAPIRegistry.definitions).generateDocument(openApiObject);
    expect(await (await call("GET", "/openapi.json")).text()).toBe(JSON.stringify(generated));
    const routes = app.openAPIRegistry.definitions.flatMap((d) => (d.type === "route" ? [`${d.route.method} ${d.route.path}`] : []));
    const documented = Object.entries(generated.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item).filter((k) => ["get", "put", "post", "delete", "patch"].includes(k)).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.sort());
  });

  it("is not served at its static asset's own path", async () => {
    const res = await call("GET", "/site/openapi.json");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('"openapi":"3.1.0"');
  });
});
