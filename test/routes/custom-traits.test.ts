import { describe, expect, it } from "vitest";
import { withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { call, getLead, jsonOf, newEmail, SERVER_KEY } from "../support/harness";

function paidDoc() {
  const doc = { ...defaultDocCopy(), traits: { custom: { person: { plan: "string" as const }, company: { arr: "number" as const } } } };
  doc.segments.unshift({ id: "paying-enterprise", name: "Paying, enterprise plan", when: { "person.custom.plan": "enterprise", "company.custom.arr": { $gte: 100000 } } });
  return doc;
}

/** Custom typed traits declared in the configuration (src/domain/custom-traits.ts), through the traits routes. */
describe("custom traits", () => {
  it("are set by PUT and leads:batch as declared, normalized, and used by conditions", async () => {
    await withActive(paidDoc(), async () => {
      const email = newEmail();
      const put = await call("PUT", `/v1/leads/${email}`, { body: { person: { custom: { plan: "Enterprise" } }, company: { custom: { arr: "250000" } } }, key: SERVER_KEY });
      expect(put.status).toBe(200);
      const lead = await getLead(email);
      expect(lead.traits).toEqual({ person: { custom: { plan: "enterprise" } }, company: { custom: { arr: 250000 } } });
      expect(lead.segment.id).toBe("paying-enterprise");
      expect(lead.explanation.trace[0].held).toContainEqual({ from: "paying-enterprise", clause: { "person.custom.plan": "enterprise" }, saw: { "person.custom.plan": "enterprise" } });

      const other = newEmail();
      const batch = await call("POST", "/v1/leads:batch", {
        body: { leads: [{ email: other, traits: { person: { custom: { plan: "enterprise" } }, company: { custom: { arr: 120000 } } } }, { email, traits: { person: { custom: { plan: null } } } }] },
        key: SERVER_KEY,
      });
      expect(batch.status).toBe(200);
      expect((await getLead(other)).segment.id).toBe("paying-enterprise");
      expect((await getLead(email)).traits.person).toEqual({ custom: {} });
    });
  });

  it("refuses an undeclared custom trait or a wrong type with 422 at its path, and writes nothing", async () => {
    await withActive(paidDoc(), async () => {
      const email = newEmail();
      const res = await call("PUT", `/v1/leads/${email}`, { body: { person: { custom: { tier: "gold" } }, company: { custom: { arr: "lots" } } }, key: SERVER_KEY });
      expect(res.status).toBe(422);
      const paths = ((await jsonOf(res)).error.details as { path: string }[]).map((d) => d.path);
      expect(paths.sort()).toEqual(["company.custom.arr", "person.custom.tier"]);
      expect((await call("GET", `/v1/leads/${email}`, { key: SERVER_KEY })).status).toBe(404);
      const batch = await call("POST", "/v1/leads:batch", {
        body: { leads: [{ email, traits: {} }, { email: newEmail(), traits: { person: { custom: { tier: "gold" } } } }] },
        key: SERVER_KEY,
      });
      expect(batch.status).toBe(422);
      expect((await jsonOf(batch)).error.details.map((d: { path: string }) => d.path)).toEqual(["leads[1].traits.person.custom.tier"]);
      expect((await call("GET", `/v1/leads/${email}`, { key: SERVER_KEY })).status).toBe(404);
    });
  });
});
