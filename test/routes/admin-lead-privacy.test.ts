import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { emailAuditHash } from "../../src/domain/privacy";
import { ADA_TOKEN, call, importEvents, jsonOf, newEmail, putLead, SERVER_KEY } from "../support/harness";
import { leadInEveryTable, rowsMentioning } from "../support/lead-rows";
import { signIn, withCookie } from "../support/session";

const path = (email: string) => `/v1/admin/leads/${encodeURIComponent(email)}`;

async function auditActors(email: string) {
  const hash = await emailAuditHash("test-link-secret", email);
  const { results } = await env.DB.prepare("SELECT action, actor, found FROM privacy_requests WHERE email_hash = ? ORDER BY rowid").bind(hash).all();
  return results;
}

describe("the console's Export and Erase: the server API's use cases, audited with the admin's name", () => {
  it("export returns the lead's document; erase removes every row; both audited as admin:<name>, never with the email", async () => {
    const lead = await leadInEveryTable();
    const exported = await call("GET", `${path(lead.email)}/export`, { key: ADA_TOKEN });
    expect(exported.status).toBe(200);
    const document = await jsonOf(exported);
    expect(document.lead).toMatchObject({ email: lead.email });
    // The same document the server API gives (but for the export time).
    const viaServer = await jsonOf(await call("GET", `/v1/leads/${encodeURIComponent(lead.email)}/export`, { key: SERVER_KEY }));
    expect({ ...document, exportedAt: null }).toEqual({ ...viaServer, exportedAt: null });

    expect((await call("DELETE", path(lead.email), { key: ADA_TOKEN })).status).toBe(204);
    expect(Object.entries(await rowsMentioning(lead.identifiers)).filter(([, n]) => n > 0)).toEqual([]);
    expect((await call("GET", `${path(lead.email)}/export`, { key: ADA_TOKEN })).status).toBe(404);
    expect((await call("DELETE", path(lead.email), { key: ADA_TOKEN })).status).toBe(404);

    expect(await auditActors(lead.email)).toEqual([
      { action: "export", actor: "admin:ada", found: 1 },
      { action: "export", actor: "LF_API_KEY", found: 1 },
      { action: "erase", actor: "admin:ada", found: 1 },
      { action: "export", actor: "admin:ada", found: 0 },
      { action: "erase", actor: "admin:ada", found: 0 },
    ]);
    const { results } = await env.DB.prepare("SELECT * FROM privacy_requests WHERE actor = 'admin:ada'").all();
    expect(JSON.stringify(results)).not.toContain(lead.email);
  });

  it("signed in by cookie, an erase from another origin (or none) is refused (403 csrf) and erases nothing", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 40 } });
    await importEvents(email, [{ type: "page_view", url: "/pricing", ts: Date.now() - 1000 }]);
    const cookie = await signIn(ADA_TOKEN);
    for (const origin of ["https://evil.example", null]) {
      const res = await withCookie("DELETE", path(email), cookie, { origin });
      expect(res.status).toBe(403);
      expect((await jsonOf(res)).error.code).toBe("csrf");
    }
    expect((await call("GET", `/v1/leads/${encodeURIComponent(email)}`, { key: SERVER_KEY })).status).toBe(200);
    expect((await withCookie("DELETE", path(email), cookie)).status).toBe(204);
    expect((await call("GET", `/v1/leads/${encodeURIComponent(email)}`, { key: SERVER_KEY })).status).toBe(404);
  });

  it("the server key and the ESP key cannot use the console's routes", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 40 } });
    expect((await call("DELETE", path(email), { key: SERVER_KEY })).status).toBe(401);
    expect((await call("DELETE", path(email), { key: "test-esp-key" })).status).toBe(403);
    expect((await call("GET", `${path(email)}/export`, { key: SERVER_KEY })).status).toBe(401);
  });
});
