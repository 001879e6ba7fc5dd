import { describe, expect, it } from "vitest";
import { accountCompany, accountFacts, checkAccountRows, csvRecords, type RollupContact } from "../../src/domain/accounts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 3, 12);
const freeMail = (d: string) => d === "gmail.com";

describe("accounts", () => {
  it("reads a CSV table by its header: aliases, case, lists split on ; and |, empty cells absent, blank rows skipped", () => {
    const { records, problems } = csvRecords([
      ["Domain", "ABM Tier", "technologies", "as-organizations", "Name"],
      ["acme.com", "1", "Salesforce; HubSpot", "ACME NET|Acme Corp", ""],
      ["", "", "", "", ""],
      ["beta.io", "", "", "", "Beta"],
    ]);
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { domain: "acme.com", tier: "1", technologies: ["Salesforce", "HubSpot"], asOrganizations: ["ACME NET", "Acme Corp"] },
      { domain: "beta.io", name: "Beta" },
    ]);
  });

  it("names an unknown or repeated column, and a missing domain column, at the header", () => {
    expect(csvRecords([["name", "size", "Name"]]).problems.map((p) => p.path)).toEqual([["header", 1], ["header", 2], ["header"]]);
  });

  it("checks every row: fields by their rules, repeated domains, free-mail providers", () => {
    const { rows, problems } = checkAccountRows(
      [{ domain: "Acme.com", employees: "5000", tier: "2", industry: "Healthcare" }, { domain: "acme.com" }, { domain: "gmail.com" }, { domain: "x", tier: 7 }],
      freeMail,
    );
    expect(rows[0]).toEqual({ domain: "acme.com", employees: 5000, tier: 2, industry: "healthcare" });
    expect(problems.map((p) => [p.path.join("."), p.message.slice(0, 20)])).toEqual([
      ["rows.1.domain", "repeats row 0's doma"],
      ["rows.2.domain", "gmail.com is a free-"],
      ["rows.3.tier", "the ABM tier: 1, 2 o"],
      ["rows.3.domain", "a domain name"],
    ]);
  });

  it("counts contacts engaged in the last 30 days as of now, decays their scores, and lists the roles present", () => {
    const contacts: RollupContact[] = [
      [NOW - 1 * DAY, 40, NOW - 1 * DAY, "cfo", "vp"],
      [NOW - 29 * DAY, 20, NOW - 29 * DAY, "it director", "director"],
      [NOW - 30 * DAY, 50, NOW - 30 * DAY, "ceo", "c-level"], // exactly 30 days: out
      [null, 10, NOW, "analyst", null], // never engaged
    ];
    const facts = accountFacts({ domain: "acme.com", tier: 1, owner: "ae-1", technologies: ["salesforce"], contacts }, NOW, 14);
    expect(facts).toMatchObject({ domain: "acme.com", tier: 1, owner: "ae-1", engagedContacts: 2, roles: ["cfo", "it director"], seniorities: ["director", "vp"] });
    expect(facts.score).toBeCloseTo(40 * 0.5 ** (1 / 14) + 20 * 0.5 ** (29 / 14), 2);
    // Two days earlier (the ledger evaluates at past instants): the first was not engaged yet, the 30-day-old one still counted.
    expect(accountFacts({ domain: "acme.com", contacts }, NOW - 2 * DAY, 14)).toMatchObject({ engagedContacts: 2, roles: ["ceo", "it director"] });
    expect(accountFacts(null, NOW, 14)).toMatchObject({ engagedContacts: 0, technologies: [] });
  });

  it("fills only the company fields it has", () => {
    expect(accountCompany({ domain: "acme.com", employees: 5000, industry: null, country: "US" })).toEqual({ domain: "acme.com", employees: 5000, country: "US" });
  });
});
