import { describe, expect, it } from "vitest";
import { call, jsonOf } from "../support/harness";

describe("/openapi.json", () => {
  it("documents the email routes, both ways to send the key, and both keys", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const content = doc.paths["/v1/email/content"];
    expect(Object.keys(content).sort()).toEqual(["get", "post"]);
    expect(content.get.security).toEqual([{ espKey: [] }, { espKeyBasic: [] }, { serverKey: [] }, { serverKeyBasic: [] }]);
    expect(content.get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["campaign", "email", "format", "slots", "unknown"]);
    expect(Object.keys(content.get.responses["200"].content).sort()).toEqual(["application/json", "text/html", "text/plain"]);
    expect(content.post.requestBody.content["application/json"]).toBeTruthy();
    expect(doc.paths["/r/{token}"].get.responses["302"]).toBeTruthy();
    expect(doc.paths["/i/{token}"].get.responses["302"]).toBeTruthy();
    expect(doc.components.schemas.EmailContent.required.sort()).toEqual(["images", "links", "segment", "slots"]);
    expect(doc.components.securitySchemes.serverKeyBasic).toMatchObject({ type: "http", scheme: "basic" });
    expect(doc.components.securitySchemes.espKey).toMatchObject({ type: "http", scheme: "bearer", description: expect.stringContaining("LF_ESP_KEY") });
  });
});
