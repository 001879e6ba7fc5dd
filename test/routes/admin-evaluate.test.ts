import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, getActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { DAY, getLead, verifyVisitor, importEvents, jsonOf, newEmail, newVisitorId, personalize, putLead } from "../support/harness";

async function evaluate(body: Record<string, unknown>) {
  const res = await admin("POST", "/v1/admin/evaluate", body);
  if (res.status !== 200) throw new Error(`evaluate ${res.status}: ${await res.text()}`);
  return jsonOf(res);
}

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };

describe("POST /v1/admin/evaluate: what-if with facts", () => {
  // One lead per row of the seed's Segmentation Criteria Table, stated as facts.
  it.each([
    ["Enterprise Hot", 5000, "high", 70, "enterprise-hot"],
    ["Enterprise Warm", 5000, "medium", 50, "enterprise-warm"],
    ["Enterprise Cold", 5000, "low", 30, "enterprise-cold"],
    ["Mid-Market Hot", 500, "high", 60, "mid-market-hot"],
    ["Mid-Market Warm", 500, "medium", 40, "mid-market-warm"],
    ["Mid-Market Cold", 500, "low", 20, "mid-market-cold"],
    ["SMB Qualified", 50, "high", 55, "smb-qualified"],
    ["SMB Nurture", 50, "medium", 30, "smb-nurture"],
  ] as const)("%s: %i employees, %s engagement, score %i → %s", async (name, employees, level, score, expected) => {
    const result = await evaluate({ facts: { company: { employees }, engagement: { level }, score } });
    expect(result.segment).toMatchObject({ id: expected, name });
    expect(result.segment.path.at(-1)).toBe(expected);
    // The match says why: the clauses that held (the tier's and its own), with the values seen.
    expect(result.trace.at(-1)).toMatchObject({ segment: expected, matched: true });
    expect(result.trace.at(-1).held).toContainEqual(expect.objectContaining({ saw: { "company.employees": employees } }));
    expect(result.trace.slice(0, -1).every((t: { matched: boolean }) => !t.matched)).toBe(true);
    expect(result.slots.hero).toMatchObject({ kind: "text" });
    expect(result.config).toEqual({ version: (await getActive()).version, draft: false });
  });

  it("a lead of unknown size lands in unknown-engaged when highly engaged, else in default", async () => {
    expect((await evaluate({ facts: { engagement: { level: "high" }, score: 90 } })).segment.id).toBe("unknown-engaged");
    expect((await evaluate({ facts: { engagement: { level: "medium" }, score: 90 } })).segment.id).toBe("default");
  });

  it("the trace names the failing part of each missed condition and the values it saw", async () => {
    const { trace } = await evaluate({ facts: { company: { employees: 1500 }, engagement: { level: "medium" }, score: 40 } });
    const hot = trace.find((t: { segment: string }) => t.segment === "enterprise-hot");
    expect(hot.failed).toEqual([
      { from: "enterprise-hot", clause: { "engagement.level": "high" }, saw: { "engagement.level": "medium" } },
      { from: "enterprise-hot", clause: { score: { $gte: 65 } }, saw: { score: 40 } },
    ]);
    const warm = trace.find((t: { segment: string }) => t.segment === "enterprise-warm");
    expect(warm.failed).toEqual([{ from: "enterprise-warm", clause: { score: { $gte: 45 } }, saw: { score: 40 } }]);
    // A lead too small for mid-market: the trace names the bound that failed, not the whole range.
    const { trace: small } = await evaluate({ facts: { company: { employees: 50 }, engagement: { level: "low" }, score: 0 } });
    const midHot = small.find((t: { segment: string }) => t.segment === "mid-market-hot");
    expect(midHot.failed).toContainEqual({ from: "mid-market", clause: { "company.employees": { $gte: 200 } }, saw: { "company.employees": 50 } });
    expect(midHot.failed).not.toContainEqual(expect.objectContaining({ clause: { "company.employees": { $lte: 999 } } }));
  });

  it("derives the facts it was not given (fit and score from traits, level from signals)", async () => {
    const result = await evaluate({ facts: { company: { employees: 50 }, signals: { pricing_views_7d: 3 } } });
    expect(result.facts.engagement.level).toBe("high");
    expect(result.scores.fit.items.find((i: { id: string }) => i.id === "size-smb").matched).toBe(true);
    expect(result.facts.score).toBe(result.scores.score.value);
  });

  it("rejects facts the configuration does not know, and a body with neither facts nor email", async () => {
    const res = await admin("POST", "/v1/admin/evaluate", { facts: { signals: { nope_7d: 1 } } });
    expect(res.status).toBe(422);
    expect((await jsonOf(res)).error.details).toEqual([{ path: "facts.signals.nope_7d", message: expect.stringMatching(/not declared/) }]);
    const typo = await admin("POST", "/v1/admin/evaluate", { facts: { company: { employes: 10 } } });
    expect((await jsonOf(typo)).error.details[0].path).toBe("facts.company");
    expect((await admin("POST", "/v1/admin/evaluate", {})).status).toBe(422);
    expect((await admin("POST", "/v1/admin/evaluate", { email: newEmail() })).status).toBe(404);
  });
});

describe("POST /v1/admin/evaluate: a lead, as of a time", () => {
  it("explains a stored lead like GET /v1/leads/{email}, with score components and decay", async () => {
    const email = newEmail();
    const now = Date.now();
    await putLead(email, { company: { employees: 50, industry: "software" } });
    await importEvents(email, [1, 2, 3].map((d) => ({ type: "page_view", url: "/pricing", ts: now - d * DAY })));
    const result = await evaluate({ email });
    const report = await getLead(email);
    expect(result.segment).toEqual(report.segment);
    expect(result.trace).toEqual(report.explanation.trace);
    expect(result.segment.id).toBe("smb-qualified");
    const pricing = result.scores.engagement.components.find((c: { category: string | null }) => c.category === "pricing");
    expect(pricing).toMatchObject({ event: "page_view", points: 10, count: 3, raw: 30 });
    expect(pricing.decayed).toBeLessThan(30);
    expect(result.scores.fit.items.filter((i: { matched: boolean }) => i.matched).map((i: { id: string }) => i.id)).toEqual(["size-smb", "target-industry"]);
  });

  it("`at` evaluates as of that time: pricing views fall out of the 7-day window", async () => {
    const email = newEmail();
    const now = Date.now();
    await putLead(email, { company: { employees: 50 } });
    await importEvents(email, [1, 1.5, 2].map((d) => ({ type: "page_view", url: "/pricing", ts: now - d * DAY })));
    expect((await evaluate({ email, at: now })).segment.id).toBe("smb-qualified");
    const later = await evaluate({ email, at: new Date(now + 6 * DAY).toISOString() });
    expect(later.facts.signals.pricing_views_7d).toBe(0);
    expect(later.segment.id).toBe("smb-nurture");
    expect(later.at).toBe(new Date(now + 6 * DAY).toISOString());
  });

  it("`at` past the last time a date can hold → 422 at `at`", async () => {
    const res = await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, at: 8_640_000_000_000_001 });
    expect(res.status).toBe(422);
    expect((await jsonOf(res)).error.details.map((d: { path: string }) => d.path)).toEqual(["at"]);
    expect((await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, at: 8_640_000_000_000_000 })).status).toBe(200);
  });

  it("facts given for a lead override what is derived", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 50 } });
    expect((await evaluate({ email })).segment.id).toBe("smb-nurture");
    expect((await evaluate({ email, facts: { company: { employees: 5000 }, engagement: { level: "high" }, score: 80 } })).segment.id).toBe("enterprise-hot");
  });
});

describe("POST /v1/admin/evaluate: a draft configuration", () => {
  it("uses the draft for the answer only: /v1/personalize keeps serving the active version, nothing is stored", async () => {
    const email = newEmail();
    const visitor = newVisitorId();
    await putLead(email, { company: { employees: 50 } });
    await verifyVisitor(visitor, email);
    const before = await getActive();
    const versions = await env.DB.prepare("SELECT count(*) AS n FROM config_versions").first<number>("n");

    const draft = defaultDocCopy();
    draft.slots.hero!.variants["smb-nurture"] = "Draft copy for small teams";
    draft.segments.find((s) => s.id === "smb-qualified")!.when = { "engagement.level": { $in: ["high", "medium", "low"] } };
    const result = await evaluate({ email, config: draft });
    expect(result.config).toEqual({ version: null, draft: true });
    expect(result.segment.id).toBe("smb-qualified");

    const withDraftCopy = await evaluate({ email, config: { ...draft, segments: defaultDocCopy().segments } });
    expect(withDraftCopy.slots.hero).toMatchObject({ text: "Draft copy for small teams", variant: "smb-nurture" });

    const served = await personalize(visitor, "/", {}, BROWSER);
    expect(served.segment.id).toBe("smb-nurture");
    expect(served.slots.hero.text).not.toBe("Draft copy for small teams");
    expect(await getActive()).toEqual(before);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM config_versions").first<number>("n")).toBe(versions);
  });

  it("validates the draft: 422 with paths under `config`", async () => {
    const draft = defaultDocCopy() as any;
    draft.segments[1].parent = "nowhere";
    const res = await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, config: draft });
    expect(res.status).toBe(422);
    expect((await jsonOf(res)).error.details.map((d: { path: string }) => d.path)).toEqual(["config.segments[1].parent"]);
  });
});
