import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/domain/config";
import { checkCustomTraits, customFactPaths } from "../../src/domain/custom-traits";
import { defaultDocCopy } from "../support/config";

const declared = { custom: { company: { arr: "number" as const, is_customer: "boolean" as const }, person: { plan: "string" as const } } };

describe("custom traits", () => {
  it("normalizes declared values like the built-in traits, and keeps null as a removal", () => {
    const { patch, problems } = checkCustomTraits(declared, { company: { employees: 50, custom: { arr: "125000.50", is_customer: true } }, person: { custom: { plan: " Enterprise ", } } });
    expect(problems).toEqual([]);
    expect(patch).toEqual({ company: { employees: 50, custom: { arr: 125000.5, is_customer: true } }, person: { custom: { plan: "enterprise" } } });
    expect(checkCustomTraits(declared, { person: { custom: { plan: null } } }).patch).toEqual({ person: { custom: { plan: null } } });
  });

  it("names an undeclared trait and a value of the wrong type at their paths", () => {
    const { problems } = checkCustomTraits(declared, { company: { custom: { arr: "1,200", seats: 5 } }, person: { custom: { plan: 3 } } }, ["leads", 2, "traits"]);
    expect(problems.map((p) => p.path.join("."))).toEqual(["leads.2.traits.company.custom.arr", "leads.2.traits.company.custom.seats", "leads.2.traits.person.custom.plan"]);
    expect(problems[1]!.message).toMatch(/no custom trait "seats" is declared for company/);
    expect(checkCustomTraits(undefined, { person: { custom: { plan: "x" } } }).problems).toHaveLength(1);
  });

  it("makes the declared traits facts that conditions may use, and refuses a bad declaration or an undeclared fact at its path", () => {
    expect([...customFactPaths(declared)].sort()).toEqual(["company.custom.arr", "company.custom.is_customer", "person.custom.plan"]);
    const doc = { ...defaultDocCopy(), traits: declared };
    doc.segments.unshift({ id: "paying", name: "Paying", when: { "person.custom.plan": "enterprise", "company.custom.arr": { $gte: 100000 } } });
    expect(configSchema.safeParse(doc).success).toBe(true);
    const undeclared = { ...doc, traits: { custom: { company: { arr: "number" as const } } } };
    const issues = configSchema.safeParse(undeclared).error!.issues;
    expect(issues.map((i) => i.path.join("."))).toContain("segments.0.when.person.custom.plan");
    const badType = { ...doc, traits: { custom: { company: { arr: "money" } } } };
    expect(configSchema.safeParse(badType).error!.issues.map((i) => i.path.join("."))).toContain("traits.custom.company.arr");
  });
});
