import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { assignHoldout, type HoldoutArm } from "../../src/domain/holdout";
import { getActive, putConfig, reevaluated, withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { BROWSER_UA, emailContent, leadIdOf } from "../support/email";
import { jsonOf, newEmail, newVisitorId } from "../support/harness";
import { hook, routedEnv, server, settle, type TestEnv } from "../support/routing";

/**
 * Holdouts through the worker: the arm is assigned when the ledger records the lead entering
 * the segment, the control sees no personalization (page) or the default content (email),
 * and still routes; a share change starts a new period without moving anyone assigned.
 */

const SEGMENT = "enterprise-cold";
/** An enterprise lead with no activity: enterprise-cold from its traits alone. */
const ENTERPRISE = { company: { employees: 5000, industry: "saas" } };

function withHoldout(shares: Record<string, number>, extra: Record<string, unknown> = {}) {
  const doc = defaultDocCopy() as ReturnType<typeof defaultDocCopy> & { experiments?: unknown };
  doc.experiments = { holdout: { segments: shares, ...extra } };
  return doc;
}

async function assignmentOf(leadId: string, segment = SEGMENT) {
  return env.DB.prepare("SELECT arm, salt, share, assigned_at FROM holdout_assignments WHERE lead_id = ? AND segment_id = ?")
    .bind(leadId, segment).first<{ arm: HoldoutArm; salt: string; share: number; assigned_at: number }>();
}

async function entryAt(leadId: string, segment = SEGMENT) {
  const row = await env.DB.prepare("SELECT at FROM segment_transitions WHERE lead_id = ? AND to_segment = ? ORDER BY at LIMIT 1")
    .bind(leadId, segment).first<{ at: number }>();
  return row?.at;
}

/** A known enterprise lead with one browser, its review run (so its arm is recorded). */
async function enterpriseLead(testEnv: TestEnv) {
  const email = newEmail();
  const visitor = newVisitorId();
  const path = `/v1/leads/${encodeURIComponent(email)}`;
  const put = await server(testEnv, "PUT", path, ENTERPRISE);
  expect(put.status).toBe(200);
  expect((await server(testEnv, "POST", `${path}/visitors`, { visitorId: visitor })).status).toBe(200);
  return { email, visitor, leadId: await leadIdOf(email) };
}

const page = (testEnv: TestEnv, visitorId: string) =>
  settle(testEnv, new Request("https://leadflare.test/v1/personalize", {
    method: "POST", headers: { "content-type": "application/json", "user-agent": BROWSER_UA },
    body: JSON.stringify({ visitorId, page: { url: "/blog/post" } }),
  }));

/** Leads until there is one in each arm (a 0.5 share: a handful). */
async function oneOfEach(testEnv: TestEnv, experiments: { holdout: { segments: Record<string, number> } }) {
  const found: Partial<Record<HoldoutArm, Awaited<ReturnType<typeof enterpriseLead>>>> = {};
  for (let i = 0; i < 40 && !(found.control && found.treatment); i++) {
    const lead = await enterpriseLead(testEnv);
    found[assignHoldout(experiments, lead.leadId, SEGMENT, "default")!.arm] ??= lead;
  }
  expect(found.control && found.treatment).toBeTruthy();
  return found as Record<HoldoutArm, Awaited<ReturnType<typeof enterpriseLead>>>;
}

describe("holdouts", () => {
  it("records the arm when the lead enters; control gets no slot content on pages, the default content in email, and still routes", async () => {
    const receiver = await hook();
    const testEnv = routedEnv(receiver.url);
    const doc = withHoldout({ [SEGMENT]: 0.5 });
    await withActive(doc, async (version) => {
      await reevaluated(version);
      const { control, treatment } = await oneOfEach(testEnv, doc.experiments as never);

      for (const [lead, arm] of [[control, "control"], [treatment, "treatment"]] as const) {
        const recorded = await assignmentOf(lead.leadId);
        expect(recorded).toMatchObject({ arm, share: 0.5, salt: `lf:${SEGMENT}:0.5` });
        // Assigned at the instant the ledger recorded the entry, not at some later review.
        expect(recorded!.assigned_at).toBe(await entryAt(lead.leadId));
      }

      const held = await jsonOf(await page(testEnv, control.visitor));
      expect(held).toMatchObject({ segment: { id: SEGMENT }, holdout: true, slots: {} });
      const served = await jsonOf(await page(testEnv, treatment.visitor));
      expect(served).toMatchObject({ segment: { id: SEGMENT }, holdout: false });
      expect(served.slots.hero.variant).toBe(SEGMENT);

      // Email: the default content (an email needs some), with its links; the treatment's own.
      expect((await emailContent({ email: control.email, slots: "hero" })).slots.hero.variant).toBe("default");
      expect((await emailContent({ email: treatment.email, slots: "hero" })).slots.hero.variant).toBe(SEGMENT);

      // Routing is a sales action, not personalization: the control's entry was routed too.
      const routed = await env.DB.prepare("SELECT to_segment FROM routing_deliveries WHERE lead_id = ?").bind(control.leadId).all<{ to_segment: string }>();
      expect(routed.results.map((r) => r.to_segment)).toContain(SEGMENT);
    });
  });

  it("keeps everyone's arm when the share changes (a new period for new entrants only), and across repeated reviews", async () => {
    const testEnv = routedEnv((await hook()).url);
    const first = withHoldout({ [SEGMENT]: 0.5 });
    const assigned = await withActive(first, async (version) => {
      await reevaluated(version);
      const leads = [];
      for (let i = 0; i < 12; i++) leads.push(await enterpriseLead(testEnv));
      return Promise.all(leads.map(async (l) => ({ ...l, row: (await assignmentOf(l.leadId))! })));
    });
    const second = withHoldout({ [SEGMENT]: 0.2 });
    await withActive(second, async (version) => {
      await reevaluated(version);
      // Some of these leads would land in the other arm under the new period's salt and share...
      const wouldMove = assigned.filter((l) => assignHoldout(second.experiments as never, l.leadId, SEGMENT, "default")?.arm !== l.row.arm);
      expect(wouldMove.length).toBeGreaterThan(0);
      for (const lead of assigned) {
        // ...but nobody moves: the recorded arm is served, and stays recorded as it was.
        const answer = await jsonOf(await page(testEnv, lead.visitor));
        expect(answer.holdout).toBe(lead.row.arm === "control");
        expect(await assignmentOf(lead.leadId)).toEqual(lead.row);
      }
      // A lead entering now is assigned in the new period.
      const fresh = await enterpriseLead(testEnv);
      expect(await assignmentOf(fresh.leadId)).toMatchObject({ salt: `lf:${SEGMENT}:0.2`, share: 0.2 });
    });
  });

  it("refuses a holdout on an unknown segment, a group or the catch-all, naming the path", async () => {
    const doc = withHoldout({ nope: 0.1, enterprise: 0.1, default: 0.1 });
    const { version } = await getActive();
    const res = await putConfig(doc, version);
    expect(res.status).toBe(422);
    const paths = ((await jsonOf(res)).error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["document.experiments.holdout.segments.nope", "document.experiments.holdout.segments.enterprise", "document.experiments.holdout.segments.default"]));
    const tooMuch = await putConfig({ ...defaultDocCopy(), experiments: { holdout: { global: 0.9 } } }, version);
    expect(tooMuch.status).toBe(422);
    expect(JSON.stringify(await jsonOf(tooMuch))).toContain("document.experiments.holdout.global");
  });
});
