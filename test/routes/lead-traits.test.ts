import { describe, expect, it } from "vitest";
import { call, countRows, jsonOf, newEmail, putLead, SERVER_KEY } from "../support/harness";

/** CRMs often export numbers as text: a plain decimal string is that number; anything else is a clear 422. */

const put = (email: string, traits: Record<string, unknown>) =>
  call("PUT", `/v1/leads/${encodeURIComponent(email)}`, { body: traits, key: SERVER_KEY });

describe("PUT /v1/leads/{email}: numeric traits", () => {
  it("takes numbers given as numeric strings, and segments on them as numbers", async () => {
    const email = newEmail();
    const lead = await putLead(email, { company: { employees: "1200", revenue: " 2500000.50 " } });
    expect(lead.traits).toEqual({ company: { employees: 1200, revenue: 2_500_000.5 } });
    expect(lead.segment.path[0]).toBe("enterprise");
    expect((await putLead(email, { company: { employees: " 5000 " } })).traits.company.employees).toBe(5000);
    expect((await putLead(email, { company: { employees: "250.0" } })).traits.company.employees).toBe(250);
    expect((await putLead(email, { company: { employees: 40, revenue: 0 } })).traits.company).toEqual({ employees: 40, revenue: 0 });
  });

  it.each([
    ["employees", "1,200"],
    ["employees", "1 200"],
    ["employees", "1e3"],
    ["employees", "12k"],
    ["employees", ""],
    ["employees", "  "],
    ["employees", "0x10"],
    ["employees", "+1200"],
    ["employees", "1200."],
    ["employees", true],
    ["revenue", "1,200.50"],
    ["revenue", "$1200"],
    ["revenue", "1.2M"],
  ])("company.%s = %j → 422 naming the field and the expected form; nothing written", async (field, value) => {
    const email = newEmail();
    const res = await put(email, { company: { [field]: value } });
    expect(res.status).toBe(422);
    const { error } = await jsonOf(res);
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual([{ path: `company.${field}`, message: expect.stringMatching(/expected a number such as 1200 \(no separators/) }]);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("a numeric string still meets the field's rules: employees are whole and at least 0", async () => {
    for (const employees of ["1200.5", "-5"]) {
      const res = await put(newEmail(), { company: { employees } });
      expect(res.status).toBe(422);
      expect((await jsonOf(res)).error.details.map((d: { path: string }) => d.path)).toEqual(["company.employees"]);
    }
  });

  it("/openapi.json documents employees and revenue as a number or a numeric string", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const company = doc.paths["/v1/leads/{email}"].put.requestBody.content["application/json"].schema.properties.company;
    for (const field of ["employees", "revenue"]) {
      expect(company.properties[field].anyOf).toEqual(
        expect.arrayContaining([{ type: "number" }, expect.objectContaining({ type: "string", pattern: expect.any(String) })]),
      );
    }
  });
});
