import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";

describe("the app's router", () => {
  it("is Hono's RegExpRouter: every route and middleware path compiles to its one regular expression", async () => {
    // SmartRouter tries RegExpRouter first and keeps the trie router for good when any path
    // is one RegExpRouter cannot compile (such as a wildcard after `/v1/leads:batch`).
    const app = createApp();
    expect((await app.request("/")).status).toBe(200);
    expect(app.router.name).toBe("SmartRouter + RegExpRouter");
  });
});
