import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { call, jsonOf, SERVER_KEY } from "../support/harness";

/** The console's accounts routes: the list (domain order, paged) and the CSV upload, behind admin auth. */
describe("admin accounts", () => {
  it("uploads a CSV, all or nothing, and lists the accounts in domain order with their leads, a page at a time", async () => {
    const prefix = `zz-${crypto.randomUUID().slice(0, 8)}`;
    const domains = [`${prefix}-a.example`, `${prefix}-b.example`, `${prefix}-c.example`];
    const csv = `domain,name,tier\n${domains.map((d, i) => `${d},Account ${i},${i + 1}`).join("\n")}\n`;
    const up = await admin("POST", "/v1/admin/accounts:batch", { csv });
    expect(up.status).toBe(200);
    expect(await jsonOf(up)).toEqual({ created: 3, updated: 0 });
    expect((await call("PUT", `/v1/leads/kim@${domains[1]}`, { body: {}, key: SERVER_KEY })).status).toBe(200);

    const first = await jsonOf(await admin("GET", `/v1/admin/accounts?limit=2&after=${prefix}`));
    expect(first.accounts.map((a: { domain: string }) => a.domain)).toEqual(domains.slice(0, 2));
    expect(first.accounts[1]).toMatchObject({ name: "Account 1", tier: 2, leads: 1, engagedContacts: 0 });
    expect(first.next).toBe(domains[1]);
    const second = await jsonOf(await admin("GET", `/v1/admin/accounts?limit=1&after=${first.next}`));
    expect(second.accounts.map((a: { domain: string }) => a.domain)).toEqual([domains[2]]);

    const bad = await admin("POST", "/v1/admin/accounts:batch", { csv: `domain,tier\n${prefix}-d.example,1\n${prefix}-e.example,9\n` });
    expect(bad.status).toBe(422);
    expect((await jsonOf(bad)).error.details).toEqual([{ path: "rows[1].tier", message: expect.stringMatching(/^line 3: /) }]);
    expect((await call("GET", `/v1/accounts/${prefix}-d.example`, { key: SERVER_KEY })).status).toBe(404);
  });

  it("needs admin: the server key is not enough", async () => {
    expect((await call("GET", "/v1/admin/accounts", { key: SERVER_KEY })).status).toBe(401);
    expect((await call("POST", "/v1/admin/accounts:batch", { body: { csv: "domain\nx.example\n" } })).status).toBe(401);
  });
});
