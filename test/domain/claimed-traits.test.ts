import { describe, expect, it } from "vitest";
import { claimedCount, claimedFromForms, claimedTraits } from "../../src/domain/claimed-traits";

const forms = { fields: { company_size: { trait: "company.employees" as const }, title: { trait: "person.role" as const }, hq: { trait: "company.country" as const } } };

describe("claimed traits from form fields", () => {
  it.each([
    ["200-999", 200], ["5000+", 5000], ["5,000+", 5000], ["1.000 - 4.999", 1000], [" 42 ", 42], ["10000", 10000], ["1 - 49 employees", 1],
  ])("reads %j as %i (a bucket's lower bound)", (value, n) => {
    expect(claimedCount(value)).toBe(n);
  });

  it.each([["lots"], [""], ["-"], ["99999999999999"]])("reads no number in %j", (value) => {
    expect(claimedCount(value)).toBeNull();
  });

  it("maps configured fields to traits, normalized, and leaves out the rest and what does not read", () => {
    expect(claimedTraits(forms, { company_size: "200-999", title: "  VP Marketing ", hq: "de", password: "x" })).toEqual({
      company: { employees: 200, country: "DE" },
      person: { role: "vp marketing" },
    });
    expect(claimedTraits(forms, { company_size: "lots", hq: "Germany" })).toEqual({});
    expect(claimedTraits(undefined, { company_size: "200" })).toEqual({});
    // A field named like an Object property is no mapping.
    expect(claimedTraits(forms, { constructor: "5" } as Record<string, string>)).toEqual({});
  });

  it("takes the claims of a request's form submits only, later ones winning", () => {
    const events: { type: string; fields: Record<string, string> }[] = [
      { type: "form_submit", fields: { company_size: "50-199" } },
      { type: "cta_click", fields: { company_size: "5000+" } },
      { type: "form_submit", fields: { company_size: "200-999", title: "cfo" } },
    ];
    expect(claimedFromForms(forms, events)).toEqual({ company: { employees: 200 }, person: { role: "cfo" } });
    expect(claimedFromForms(forms, [{ type: "form_submit", fields: { other: "1" } }])).toBeNull();
  });
});
