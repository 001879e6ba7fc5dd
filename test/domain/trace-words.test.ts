import { describe, expect, it } from "vitest";
import { buildFacts, type GivenFacts } from "../../src/domain/facts";
import { resolveSegment } from "../../src/domain/segments";
import { missWords, traceWords } from "../../src/domain/trace-words";
import { defaultConfig } from "../support/config";

const NOW = Date.UTC(2026, 10, 23, 12);
const config = defaultConfig();
const nameOf = (id: string) => config.segments.get(id)?.name ?? id;

/** The trace the evaluation itself makes for these facts, in words. */
function sentences(given: GivenFacts): string[] {
  const { facts } = buildFacts(config.doc, { traits: {}, activity: [] }, {}, NOW, given);
  return traceWords(resolveSegment(config, facts, true).trace, nameOf);
}

describe("a what-if's trace in sentences", () => {
  it("names the bound a score missed, then the segment that matched", () => {
    expect(sentences({ company: { employees: 2000 }, engagement: { level: "high" }, score: 58 })).toEqual([
      "not Enterprise Hot: score 58 is below 65",
      "Enterprise Warm: matched",
    ]);
  });

  it("says when a group's rule failed, an equality missed, and a fact is unknown", () => {
    const hot = sentences({ company: { employees: 50 }, engagement: { level: "high" }, score: 70 });
    expect(hot[0]).toBe("not Enterprise Hot: employees 50 is below 1000 (Enterprise's rule)");
    expect(hot[3]).toBe("not Mid-Market Hot: employees 50 is below 200 (Mid-Market's rule)");
    expect(hot.at(-1)).toBe("SMB Qualified: matched");
    const medium = sentences({ company: { employees: 50 }, engagement: { level: "medium" }, score: 70 });
    expect(medium).toContain("not SMB Qualified: engagement is medium, not high");
    expect(medium.at(-1)).toBe("SMB Nurture: matched");

    const unknown = sentences({ engagement: { level: "high" }, score: 90 });
    expect(unknown[0]).toBe("not Enterprise Hot: employees is unknown (needs employees ≥ 1000) (Enterprise's rule)");
    expect(unknown.at(-1)).toBe("Engaged, size unknown: matched");
  });

  it("joins several misses of one segment, and tells the other operators", () => {
    const trace = sentences({ company: { employees: 5000 }, engagement: { level: "low" }, score: 20 });
    expect(trace[0]).toBe("not Enterprise Hot: engagement is low, not high; score 20 is below 65");
    expect(trace[1]).toBe("not Enterprise Warm: engagement is low, not high or medium; score 20 is below 45");
    expect(missWords({ score: { $gt: 50 } }, { score: 50 })).toBe("score 50 is not above 50");
    expect(missWords({ score: { $lte: 10 } }, { score: 12 })).toBe("score 12 is above 10");
    expect(missWords({ score: { $lt: 10 } }, { score: 10 })).toBe("score 10 is not below 10");
    expect(missWords({ "person.role": { $ne: "cto" } }, { "person.role": "cto" })).toBe("role is cto");
    expect(missWords({ $or: [{ "company.industry": "saas" }, { score: { $gte: 80 } }] }, { "company.industry": "retail", score: 40 })).toBe(
      "needs industry is saas or score ≥ 80 (saw industry retail, score 40)",
    );
    expect(missWords({ "context.path": { $regex: "^/pricing" } }, { "context.path": "/docs" })).toBe("needs page matches /^/pricing/ (saw page /docs)");
  });
});
