import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { admin } from "../support/admin";
import { fetchCountingD1 } from "../support/counting-d1";
import { call, countRows, getLead, jsonOf, newEmail, putLead, SERVER_KEY } from "../support/harness";

/** POST /v1/leads:batch: many leads' trusted traits in one request, checked whole, written in one D1 transaction. */

type Row = { email: string; traits: Record<string, unknown> };
const batch = (leads: Row[]) => call("POST", "/v1/leads:batch", { body: { leads }, key: SERVER_KEY });
const batchRequest = (leads: Row[]) =>
  new Request("https://leadflare.test/v1/leads:batch", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SERVER_KEY}` },
    body: JSON.stringify({ leads }),
  });

/** The seed's SMB lead: 1–199 employees, a target industry, a director (smb-nurture without activity). */
const SMB = { company: { employees: 50, industry: "SaaS" }, person: { seniority: "Director" } };

async function runCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function expectInvalid(res: Response) {
  expect(res.status).toBe(422);
  const { error } = await jsonOf(res);
  expect(error.code).toBe("validation_failed");
  return error.details as { path: string; message: string }[];
}

describe("POST /v1/leads:batch", () => {
  it("writes 1,000 leads in one request and one D1 round trip before its answer", async () => {
    const leads = Array.from({ length: 1000 }, (_, i) => ({
      email: newEmail(),
      traits: {
        company: { employees: 10 + i, industry: "software", revenue: "2500000.50", country: "de", domain: "Example.com" },
        person: { role: "CTO", seniority: "Director", department: "Engineering" },
      },
    }));
    await call("GET", "/v1/segments", { key: SERVER_KEY }); // the isolate's active configuration, read once
    const { response, counts } = await fetchCountingD1(batchRequest(leads));
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ created: 1000, updated: 0 });
    expect(counts).toEqual({ batch: 1, statement: 0, exec: 0 });
    const last = await getLead(leads[999]!.email);
    expect(last.traits).toEqual({
      company: { employees: 1009, industry: "software", revenue: 2_500_000.5, country: "DE", domain: "example.com" },
      person: { role: "cto", seniority: "director", department: "engineering" },
    });
    const emails = JSON.stringify(leads.map((l) => l.email));
    expect(await countRows("leads", "email IN (SELECT value FROM json_each(?))", emails)).toBe(1000);
    // Every lead marked for the ledger's review, caused by its traits.
    const marked = await env.DB.prepare(
      "SELECT count(*) AS n FROM lead_segments WHERE pending_cause = 'traits' AND lead_id IN (SELECT id FROM leads WHERE email IN (SELECT value FROM json_each(?)))",
    ).bind(emails).first<{ n: number }>();
    expect(marked!.n).toBe(1000);
  });

  it("a bad row 3 → 422 naming the row and the field, and nothing is written, not even the good rows", async () => {
    const leads: Row[] = Array.from({ length: 5 }, () => ({ email: newEmail(), traits: { company: { employees: 20 } } }));
    leads[3] = { email: leads[3]!.email, traits: { company: { employees: "1,200" }, person: { role: "" } } };
    const details = await expectInvalid(await batch(leads));
    expect(details.map((d) => d.path)).toEqual(["leads[3].traits.company.employees", "leads[3].traits.person.role"]);
    expect(details[0]!.message).toMatch(/expected a number such as 1200/);
    for (const { email } of leads) expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("names every bad row: a malformed email, an unknown trait, a row without traits", async () => {
    const good = newEmail();
    const details = await expectInvalid(await batch([
      { email: good, traits: {} },
      { email: "not-an-email", traits: {} },
      { email: newEmail(), traits: { company: { headcount: 5 } } },
      { email: newEmail() } as Row,
    ]));
    expect(details.map((d) => d.path)).toEqual(["leads[1].email", "leads[2].traits.company", "leads[3].traits"]);
    expect(await countRows("leads", "email = ?", good)).toBe(0);
  });

  it("an email twice (after normalization) → 422 naming the repeat and its first row; nothing written", async () => {
    const email = newEmail();
    const other = newEmail();
    const details = await expectInvalid(await batch([
      { email, traits: { company: { employees: 5 } } },
      { email: other, traits: {} },
      { email: ` ${email.toUpperCase()} `, traits: { company: { employees: 6 } } },
    ]));
    expect(details).toEqual([{ path: "leads[2].email", message: "the same email as leads[0]: one row per lead" }]);
    expect(await countRows("leads", "email IN (?, ?)", email, other)).toBe(0);
  });

  it("takes 1 to 1,000 leads", async () => {
    expect((await expectInvalid(await batch([]))).map((d) => d.path)).toEqual(["leads"]);
    const tooMany = Array.from({ length: 1001 }, () => ({ email: newEmail(), traits: {} }));
    expect((await expectInvalid(await batch(tooMany))).map((d) => d.path)).toEqual(["leads"]);
    expect(await countRows("leads", "email = ?", tooMany[0]!.email)).toBe(0);
  });

  it("merges as PUT does: given traits replace, others stay, null removes; counts created and updated", async () => {
    const known = newEmail();
    const fresh = newEmail();
    await putLead(known, { company: { employees: 50, industry: "saas", country: "DE" }, person: { role: "cto" } });
    const res = await batch([
      { email: known, traits: { company: { employees: 80, industry: null }, person: { role: null, seniority: "VP" } } },
      { email: fresh, traits: { company: { employees: 5, industry: null } } },
    ]);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ created: 1, updated: 1 });
    expect((await getLead(known)).traits).toEqual({ company: { employees: 80, country: "DE" }, person: { seniority: "vp" } });
    expect((await getLead(fresh)).traits).toEqual({ company: { employees: 5 } });
    // The same batch again: both exist now.
    expect(await jsonOf(await batch([{ email: known, traits: {} }, { email: fresh, traits: {} }]))).toEqual({ created: 0, updated: 2 });
    expect((await getLead(fresh)).traits).toEqual({ company: { employees: 5 } });
  });

  it("keeps a lead's previous traits for the ledger, as a traits PUT does", async () => {
    const email = newEmail();
    await putLead(email, SMB);
    await runCron(Date.now() + 1000); // the PUT reviewed: the batch is the first change since
    expect((await batch([{ email, traits: { company: { employees: 5000 } } }])).status).toBe(200);
    const row = await env.DB.prepare(
      "SELECT pending_cause, prior_traits FROM lead_segments WHERE lead_id = (SELECT id FROM leads WHERE email = ?)",
    ).bind(email).first<{ pending_cause: string; prior_traits: string }>();
    expect(row!.pending_cause).toBe("traits");
    expect(JSON.parse(row!.prior_traits)).toEqual({ company: { employees: 50, industry: "saas" }, person: { seniority: "director" } });
  });

  it("its leads get their segment: at once when evaluated, and recorded by the ledger's next sweep", async () => {
    const smb = newEmail();
    const enterprise = newEmail();
    expect((await batch([{ email: smb, traits: SMB }, { email: enterprise, traits: { company: { employees: 5000 } } }])).status).toBe(200);
    expect((await getLead(smb)).segment.id).toBe("smb-nurture");
    expect((await getLead(enterprise)).segment.path[0]).toBe("enterprise");
    await runCron(Date.now() + 60_000);
    for (const [email, segment] of [[smb, "smb-nurture"], [enterprise, (await getLead(enterprise)).segment.id]] as const) {
      const res = await admin("GET", `/v1/admin/leads/${encodeURIComponent(email)}`);
      expect(res.status).toBe(200);
      const { ledger } = await jsonOf(res);
      expect(ledger.current.id, email).toBe(segment);
      expect(ledger.history.map((t: { from: string | null; to: string; cause: string }) => `${t.from}→${t.to}:${t.cause}`)).toEqual([`null→${segment}:traits`]);
    }
  });

  it("takes the server key only", async () => {
    const email = newEmail();
    const body = { leads: [{ email, traits: {} }] };
    expect((await call("POST", "/v1/leads:batch", { body })).status).toBe(401);
    expect((await call("POST", "/v1/leads:batch", { body, key: "wrong" })).status).toBe(401);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("/openapi.json documents it, with its body limit and the rate limit", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const op = doc.paths["/v1/leads:batch"].post;
    expect(op.security).toEqual([{ serverKey: [] }]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "413", "422", "429"]));
    expect(op.responses["413"].description).toBe("Body larger than 1.5 MiB");
    expect(op.requestBody.content["application/json"].schema.properties.leads.maxItems).toBe(1000);
  });
});
