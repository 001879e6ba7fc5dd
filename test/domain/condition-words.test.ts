import { describe, expect, it } from "vitest";
import { conditionWords, factLabel } from "../../src/domain/condition-words";
import { defaultDocCopy } from "../support/config";

describe("conditions in plain words", () => {
  it("tells the shipped segments' rules the way the seed table does", () => {
    const doc = defaultDocCopy();
    const rule = (id: string) => conditionWords(doc.segments.find((s) => s.id === id)!.when);
    expect(rule("enterprise-hot")).toBe("engagement high and score ≥ 65");
    expect(rule("enterprise-warm")).toBe("engagement high or medium and score ≥ 45");
    expect(rule("enterprise")).toBe("employees ≥ 1000");
    expect(rule("mid-market")).toBe("employees 200–999");
    expect(rule("enterprise-cold")).toBe("");
    expect(conditionWords(doc.scoring.engagement.levels.high.orWhen)).toBe("pricing views in 7 days ≥ 3");
  });

  it("names facts for people: signals by their window, utm parameters, unknown paths as they are", () => {
    expect(factLabel("signals.demo_views_30d")).toBe("demo views in 30 days");
    expect(factLabel("signals.forms")).toBe("forms");
    expect(factLabel("context.utm.campaign")).toBe("utm campaign");
    expect(factLabel("person.seniority")).toBe("seniority");
    expect(factLabel("company.tech.stack")).toBe("company.tech.stack");
  });

  it("puts a group joined otherwise than its surroundings in parentheses", () => {
    expect(conditionWords({ $or: [{ "company.industry": "saas" }, { "fit.score": { $gt: 40 } }], score: { $gte: 50 } })).toBe(
      "(industry is saas or fit score > 40) and score ≥ 50",
    );
    expect(conditionWords({ $or: [{ "person.role": "cto" }, { $and: [{ "person.seniority": "vp" }, { score: { $lt: 20 } }] }] })).toBe(
      "role is cto or (seniority is vp and score < 20)",
    );
    expect(conditionWords({ $and: [{ score: { $gte: 1 } }, { score: { $lte: 5, $gt: 0 } }] })).toBe("score ≥ 1 and score ≤ 5 and score > 0");
  });

  it("tells every operator", () => {
    expect(conditionWords({ "company.industry": { $in: ["software", "saas", "fintech"] } })).toBe("industry is software, saas or fintech");
    expect(conditionWords({ "company.country": { $nin: ["US", "CA"] } })).toBe("company country is none of US, CA");
    expect(conditionWords({ "company.domain": { $exists: false }, "person.role": { $exists: true } })).toBe("company domain is unknown and role is known");
    expect(conditionWords({ "context.path": { $regex: "^/docs" } })).toBe("page matches /^/docs/");
    expect(conditionWords({ "context.language": { $ne: "en" } })).toBe("language is not en");
    expect(conditionWords({ $not: { "engagement.level": "low" } })).toBe("not (engagement low)");
    expect(conditionWords({ $nor: [{ "person.role": "student" }, { "company.employees": { $lt: 5 } }] })).toBe("not (role is student or employees < 5)");
    expect(conditionWords({ "company.revenue": { $type: "number" } })).toBe("revenue is a number");
    expect(conditionWords({ "person.role": { $not: { $in: ["intern"] } } })).toBe("not (role is intern)");
    expect(conditionWords({ "engagement.level": { $eq: "medium" } })).toBe("engagement medium");
  });

  it("says nothing for no condition: it holds for everyone", () => {
    expect(conditionWords(undefined)).toBe("");
    expect(conditionWords({})).toBe("");
  });
});
