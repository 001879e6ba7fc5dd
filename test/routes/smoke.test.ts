import { describe, expect, it } from "vitest";
import { newVisitorId, personalize } from "../support/harness";

describe("smoke", () => {
  it("personalizes a first visit with the default segment", async () => {
    const res = await personalize(newVisitorId(), "https://site.example/");
    expect(res.segment.id).toBe("default");
    expect(res.slots.hero.text).toBeTypeOf("string");
  });
});
