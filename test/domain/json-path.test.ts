import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPath, parsePath } from "../../src/domain/json-path";

describe("JSON paths", () => {
  it("writes paths as the API's problems name them", () => {
    expect(formatPath(["segments", 3, "when", "company.employees", "$gte"])).toBe('segments[3].when["company.employees"].$gte');
    expect(formatPath(["slots", "primary-cta", "variants", "default", "url"])).toBe('slots["primary-cta"].variants.default.url');
    expect(formatPath([])).toBe("");
  });

  it("reads back exactly what it writes, and nothing it could not have written", () => {
    const step = fc.oneof(fc.nat({ max: 1000 }), fc.string({ maxLength: 12 }));
    fc.assert(fc.property(fc.array(step, { maxLength: 6 }), (path) => {
      expect(parsePath(formatPath(path))).toEqual(path);
    }));
    for (const bad of [".a", "a..b", "a[x]", "a[", "a b", 'a["unterminated]']) expect(parsePath(bad), bad).toBeNull();
  });
});
