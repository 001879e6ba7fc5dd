import { describe, expect, it } from "vitest";
import { emailContent } from "../support/email";
import { call, getLead, jsonOf, newVisitorId, personalize, SERVER_KEY, verifyVisitor } from "../support/harness";

const newDomain = () => `acct-${crypto.randomUUID().slice(0, 8)}.example`;

function uploadCsv(csv: string) {
  return call("POST", "/v1/accounts:batch", { body: csv, headers: { "content-type": "text/csv" }, key: SERVER_KEY });
}

/** Accounts (README "Accounts"): uploads, linking by email domain, and what a linked lead is served. */
describe("accounts", () => {
  it("links a brand-new lead at an uploaded account's domain: enterprise, with the healthcare hero, through the API and email", async () => {
    const domain = newDomain();
    const res = await uploadCsv(`domain,name,employees,industry,tier,technologies\n${domain},Acme Health,5000,Healthcare,1,Salesforce;Epic\n`);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ created: 1, updated: 0 });

    const email = `pat@${domain}`;
    const visitor = newVisitorId();
    await verifyVisitor(visitor, email);
    const page = await personalize(visitor, "/blog/post");
    expect(page.segment.path).toContain("enterprise");
    expect(page.slots.hero).toMatchObject({ layer: "vertical-healthcare" });

    const lead = await getLead(email);
    expect(lead.traits).toEqual({});
    expect(lead.account).toMatchObject({ domain, link: "email", tier: 1, technologies: ["salesforce", "epic"] });
    expect(lead.explanation.scores.sources).toMatchObject({ "company.employees": "account", "company.industry": "account" });
    expect((await emailContent({ email, slots: "hero" })).slots.hero).toMatchObject({ layer: "vertical-healthcare" });
  });

  it("refuses a free-mail domain, so a gmail.com lead is linked to no account", async () => {
    const res = await uploadCsv("domain,employees\ngmail.com,5000\n");
    expect(res.status).toBe(422);
    const body = await jsonOf(res);
    expect(body.error.details).toEqual([{ path: "rows[0].domain", message: expect.stringMatching(/^line 2: gmail\.com is a free-mail/) }]);
    const email = `someone-${crypto.randomUUID().slice(0, 8)}@gmail.com`;
    expect((await call("PUT", `/v1/leads/${email}`, { body: {}, key: SERVER_KEY })).status).toBe(200);
    expect((await getLead(email)).account).toBeNull();
  });

  it("writes nothing of a batch with one bad row, and names the row and field", async () => {
    const [good, bad] = [newDomain(), newDomain()];
    const res = await call("POST", "/v1/accounts:batch", {
      body: { accounts: [{ domain: good, employees: 50 }, { domain: bad, employees: "1,200", tier: 4 }] },
      key: SERVER_KEY,
    });
    expect(res.status).toBe(422);
    const paths = ((await jsonOf(res)).error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(["rows[1].employees", "rows[1].tier"]);
    expect((await call("GET", `/v1/accounts/${good}`, { key: SERVER_KEY })).status).toBe(404);
  });

  it("replaces an account on PUT, answers it with its leads, and deletes it", async () => {
    const domain = newDomain();
    const put = (body: Record<string, unknown>) => call("PUT", `/v1/accounts/${domain}`, { body, key: SERVER_KEY });
    expect(await jsonOf(await put({ name: "Old", employees: 10, owner: "ae@example.com" }))).toEqual({ created: 1, updated: 0 });
    expect(await jsonOf(await put({ name: "New", tier: 2 }))).toEqual({ created: 0, updated: 1 });
    expect((await call("PUT", `/v1/leads/kim@${domain}`, { body: {}, key: SERVER_KEY })).status).toBe(200);
    const account = await jsonOf(await call("GET", `/v1/accounts/${domain}`, { key: SERVER_KEY }));
    expect(account).toMatchObject({ domain, name: "New", tier: 2, leads: 1, engagedContacts: 0 });
    expect(account.employees).toBeUndefined();
    expect(account.owner).toBeUndefined();
    expect((await call("DELETE", `/v1/accounts/${domain}`, { key: SERVER_KEY })).status).toBe(204);
    expect((await getLead(`kim@${domain}`)).account).toBeNull();
    expect((await call("DELETE", `/v1/accounts/${domain}`, { key: SERVER_KEY })).status).toBe(404);
  });

  it("needs the server key", async () => {
    expect((await call("PUT", `/v1/accounts/${newDomain()}`, { body: {} })).status).toBe(401);
  });
});

describe("account CSV uploads", () => {
  it("names the line of a malformed CSV and writes none of it", async () => {
    const [first, second] = [newDomain(), newDomain()];
    const res = await uploadCsv(`domain,name\r\n${first},"Acme, Inc."\r\n${second},"broken\r\n`);
    expect(res.status).toBe(422);
    expect((await jsonOf(res)).error.details).toEqual([{ path: "csv", message: expect.stringMatching(/^line 3: /) }]);
    expect((await call("GET", `/v1/accounts/${first}`, { key: SERVER_KEY })).status).toBe(404);
  });

  it("reads quoted cells, lists, a BOM and CRLF, and refuses an unknown column at the header", async () => {
    const domain = newDomain();
    const ok = await uploadCsv(`\uFEFFDomain,Name,Employees,ABM Tier,Technologies,asOrganizations\r\n${domain},"Acme, Inc.",1200,2,"Salesforce; HubSpot",ACME-NET\r\n`);
    expect(ok.status).toBe(200);
    expect(await jsonOf(await call("GET", `/v1/accounts/${domain}`, { key: SERVER_KEY }))).toMatchObject({
      name: "Acme, Inc.", employees: 1200, tier: 2, technologies: ["salesforce", "hubspot"], asOrganizations: ["acme-net"],
    });
    const bad = await uploadCsv(`domain,headcount\n${newDomain()},5\n`);
    expect(bad.status).toBe(422);
    expect((await jsonOf(bad)).error.details[0]).toMatchObject({ path: "header[1]", message: expect.stringMatching(/unknown column "headcount"/) });
  });
});
