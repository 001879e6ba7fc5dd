import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { fetchCountingD1 } from "../support/counting-d1";
import { BROWSER_UA, leadIdOf } from "../support/email";
import { getLead, jsonOf, newVisitorId, personalizeRequest } from "../support/harness";
import { hook, pricingView, routedEnv, runCron, server, type TestEnv } from "../support/routing";

const newDomain = () => `acct-${crypto.randomUUID().slice(0, 8)}.example`;

/** The default configuration with a first segment for accounts with three engaged contacts. */
function surgeDoc() {
  const doc = defaultDocCopy();
  doc.segments.unshift({ id: "account-surge", name: "Account surge", when: { "account.engagedContacts": { $gte: 3 } } });
  return doc;
}

async function contact(testEnv: TestEnv, email: string, role: string) {
  const visitor = newVisitorId();
  const path = `/v1/leads/${encodeURIComponent(email)}`;
  expect((await server(testEnv, "PUT", path, { person: { role, seniority: "director" } })).status).toBe(200);
  expect((await server(testEnv, "POST", `${path}/visitors`, { visitorId: visitor })).status).toBe(200);
  return visitor;
}

async function transitionsOf(email: string) {
  const { results } = await env.DB.prepare("SELECT to_segment AS \"to\", cause FROM segment_transitions WHERE lead_id = ? ORDER BY at, id")
    .bind(await leadIdOf(email)).all<{ to: string; cause: string }>();
  return results;
}

/** Account rollups (src/db/account-rollup-sql.ts): engaged contacts as facts, maintained by the ledger's reviews. */
describe("account rollups", () => {
  it("moves a fourth contact's segment when three contacts engaged, explains it, and keeps personalize to one round trip", async () => {
    await withActive(surgeDoc(), async () => {
      const testEnv = routedEnv((await hook()).url);
      const domain = newDomain();
      expect((await server(testEnv, "PUT", `/v1/accounts/${domain}`, { name: "Acme", employees: 50 })).status).toBe(200);
      const fourth = `dana@${domain}`;
      const fourthVisitor = await contact(testEnv, fourth, "vp marketing");
      expect((await getLead(fourth)).segment.id).not.toBe("account-surge");

      const roles = ["cfo", "it director", "vp marketing"];
      for (const [i, role] of roles.entries()) {
        const visitor = await contact(testEnv, `c${i}@${domain}`, role);
        for (let view = 0; view < 3; view++) expect((await pricingView(testEnv, visitor)).status).toBe(200);
      }
      // The sweep reviews the three (their rollup changes, which marks the account's other
      // leads), then the fourth, moved by its account.
      await runCron(testEnv, Date.now());
      await runCron(testEnv, Date.now());

      const lead = await getLead(fourth);
      expect(lead.account).toMatchObject({ domain, engagedContacts: 3, roles: ["cfo", "it director", "vp marketing"], seniorities: ["director"] });
      expect(lead.segment.id).toBe("account-surge");
      expect(lead.explanation.trace[0]).toEqual({
        segment: "account-surge",
        matched: true,
        held: [{ from: "account-surge", clause: { "account.engagedContacts": { $gte: 3 } }, saw: { "account.engagedContacts": 3 } }],
      });
      expect(await transitionsOf(fourth)).toContainEqual({ to: "account-surge", cause: "account" });
      const account = await jsonOf(await server(testEnv, "GET", `/v1/accounts/${domain}`, undefined));
      expect(account).toMatchObject({ leads: 4, engagedContacts: 3 });

      // An erased contact leaves the rollup at the next cron run: the others are no longer three.
      expect((await server(testEnv, "DELETE", `/v1/leads/c0@${domain}`, undefined)).status).toBe(204);
      await runCron(testEnv, Date.now());
      const rollup = await env.DB.prepare("SELECT contacts FROM account_rollups WHERE domain = ?").bind(domain).first<{ contacts: string }>();
      expect(JSON.parse(rollup!.contacts).map((c: unknown[]) => c[3]).sort()).toEqual(["it director", "vp marketing"]);
      expect((await getLead(fourth)).account.engagedContacts).toBe(2);
      await runCron(testEnv, Date.now());
      await runCron(testEnv, Date.now());
      expect((await getLead(fourth)).segment.id).not.toBe("account-surge");

      const request = () => personalizeRequest(fourthVisitor, "/blog", { "user-agent": BROWSER_UA });
      await fetchCountingD1(request()); // warm the isolate's configuration cache
      const { response, counts } = await fetchCountingD1(request());
      expect((await jsonOf(response)).segment.id).not.toBe("account-surge");
      expect(counts).toEqual({ batch: 1, statement: 0, exec: 0 });
    });
  });

  it("keeps the rollup but marks none of the account's other leads when no segment condition reads account facts", async () => {
    const testEnv = routedEnv((await hook()).url);
    const domain = newDomain();
    expect((await server(testEnv, "PUT", `/v1/accounts/${domain}`, { name: "Acme", employees: 50 })).status).toBe(200);
    const fourth = `dana@${domain}`;
    await contact(testEnv, fourth, "vp marketing");
    await runCron(testEnv, Date.now());
    const ledgerRow = async () =>
      env.DB.prepare("SELECT pending_cause, revision FROM lead_segments WHERE lead_id = ?").bind(await leadIdOf(fourth)).first<{ pending_cause: string | null; revision: string }>();
    const before = await ledgerRow();
    expect(before!.pending_cause).toBeNull();

    for (const [i, role] of ["cfo", "it director", "vp marketing"].entries()) {
      const visitor = await contact(testEnv, `c${i}@${domain}`, role);
      for (let view = 0; view < 3; view++) expect((await pricingView(testEnv, visitor)).status).toBe(200);
    }
    await runCron(testEnv, Date.now());
    expect((await getLead(fourth)).account).toMatchObject({ domain, engagedContacts: 3 });
    // The shipped configuration reads no `account.*` in its segments: the fourth's row is as it was.
    expect(await ledgerRow()).toEqual(before);
  });

  it("treats an anonymous visitor on an account's network (request.cf.asOrganization) as the account's, until identified", async () => {
    const domain = newDomain();
    const testEnv = routedEnv((await hook()).url);
    const network = `Acme Health Systems ${domain}`;
    const put = await server(testEnv, "PUT", `/v1/accounts/${domain}`, { employees: 5000, industry: "healthcare", tier: 1, asOrganizations: [network] });
    expect(put.status).toBe(200);
    const visitor = newVisitorId();
    const page = (asOrganization?: string) => {
      const request = personalizeRequest(visitor, "/blog", { "user-agent": BROWSER_UA });
      return new Request(request, { cf: asOrganization ? { asOrganization } : {} } as RequestInit);
    };
    const onNetwork = await jsonOf((await fetchCountingD1(page(network.toUpperCase()))).response);
    expect(onNetwork.segment.path).toContain("enterprise");
    expect(onNetwork.slots.hero.layer).toBe("vertical-healthcare");
    // Seen on the network once, the visitor stays the account's from elsewhere...
    expect((await jsonOf((await fetchCountingD1(page())).response)).segment.path).toContain("enterprise");
    // ...until it is identified as someone with an email elsewhere.
    const email = `sam-${crypto.randomUUID().slice(0, 8)}@gmail.com`;
    expect((await server(testEnv, "POST", `/v1/leads/${email}/visitors`, { visitorId: visitor })).status).toBe(200);
    expect((await jsonOf((await fetchCountingD1(page(network))).response)).segment.path).not.toContain("enterprise");
    // Another network names no account.
    const stranger = await jsonOf((await fetchCountingD1(new Request(personalizeRequest(newVisitorId(), "/blog", { "user-agent": BROWSER_UA }), { cf: { asOrganization: "Other Co" } } as RequestInit))).response);
    expect(stranger.segment.id).toBe("default");
  });

  it("a what-if may state account facts, and names the layers that held and the one each slot came from", async () => {
    await withActive(surgeDoc(), async () => {
      const res = await admin("POST", "/v1/admin/evaluate", {
        facts: { company: { employees: 5000, industry: "healthcare" }, account: { engagedContacts: 2 }, context: { language: "de" } },
      });
      expect(res.status).toBe(200);
      const answer = await jsonOf(res);
      expect(answer.segment.path).toContain("enterprise");
      expect(answer.trace[0]).toMatchObject({ segment: "account-surge", matched: false, failed: [{ saw: { "account.engagedContacts": 2 } }] });
      expect(answer.layers).toEqual(["language-de", "vertical-healthcare"]);
      expect(answer.slots.hero.layer).toBe("language-de");
      expect(answer.slots.offer.layer).toBe("language-de");
      const surge = await jsonOf(await admin("POST", "/v1/admin/evaluate", { facts: { account: { engagedContacts: 3 } } }));
      expect(surge.segment.id).toBe("account-surge");
      const bad = await admin("POST", "/v1/admin/evaluate", { facts: { account: { tier: 4 } } });
      expect(bad.status).toBe(422);
    });
  });
});
