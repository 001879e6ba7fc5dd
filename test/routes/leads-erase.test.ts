import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fetchCountingD1 } from "../support/counting-d1";
import { BROWSER_UA, follow, leadIdOf, ORIGIN } from "../support/email";
import { ADMIN_TOKEN, call, countRows, getLead, verifyVisitor, importEvents, jsonOf, newEmail, newVisitorId, personalize, SERVER_KEY } from "../support/harness";
import { leadInEveryTable, leadPath, migratedTables, NOT_PER_LEAD, orphanRows, perLeadTables, rowsMentioning } from "../support/lead-rows";

const BROWSER = { "user-agent": BROWSER_UA };
const DEFAULT_CTA = `${ORIGIN}/demo/contact`;
const erase = (email: string, key: string | null = SERVER_KEY) => call("DELETE", leadPath(email), { key });
const exportOf = (email: string) => call("GET", `${leadPath(email)}/export`, { key: SERVER_KEY });

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function auditRows(emailHash: string) {
  const { results } = await env.DB.prepare("SELECT * FROM privacy_requests WHERE email_hash = ? ORDER BY rowid").bind(emailHash).all();
  return results as Record<string, unknown>[];
}

describe("DELETE /v1/leads/{email} (erase, GDPR article 17)", () => {
  it("checks every table the migrations made: only the listed non-lead tables are exempt, each with a reason", async () => {
    const tables = await migratedTables();
    expect(tables).toEqual(expect.arrayContaining(["leads", "visitors", "events", "lead_activity", "lead_merges", ...Object.keys(NOT_PER_LEAD)]));
    // An exemption for a table that no longer exists would hide nothing but mislead.
    for (const table of Object.keys(NOT_PER_LEAD)) expect(tables).toContain(table);
  });

  it("removes the lead and every row about it, in every per-lead table; export, read and a retry then answer 404", async () => {
    const lead = await leadInEveryTable();
    // The fixture reaches every per-lead table, so a new table makes this fail until the
    // fixture writes to it (and the erase below is then checked against it too).
    const before = await rowsMentioning(lead.identifiers);
    const untouched = Object.entries(before).filter(([, n]) => n === 0).map(([table]) => table);
    expect(untouched, "make leadInEveryTable write a row there, or list the table in NOT_PER_LEAD with the reason").toEqual([]);
    const neighbourEvents = await countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", lead.neighbour);
    expect(neighbourEvents).toBe(1);

    const res = await erase(lead.email);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    const after = await rowsMentioning(lead.identifiers);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(Object.keys(after).sort()).toEqual((await perLeadTables()).sort());
    // The neighbour keeps its history (events keep no browser id, so nothing on it names the erased person's browser).
    expect(await countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", lead.neighbour)).toBe(1);
    expect(Object.entries(await orphanRows()).filter(([, n]) => n > 0)).toEqual([]);

    expect((await exportOf(lead.email)).status).toBe(404);
    expect((await call("GET", leadPath(lead.email), { key: SERVER_KEY })).status).toBe(404);
    const retry = await erase(lead.email);
    expect(retry.status).toBe(404);
    expect((await jsonOf(retry)).error.code).toBe("not_found");
  });

  it("email links minted before the erase, its own and a merged-in lead's, go to the default CTA and record nothing", async () => {
    const lead = await leadInEveryTable();
    expect((await erase(lead.email)).status).toBe(204);
    const eventsBefore = await countRows("events");
    for (const link of [lead.links.own, lead.links.merged]) {
      const res = await follow(link);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(DEFAULT_CTA);
    }
    expect((await follow(lead.links.image)).status).toBe(302);
    expect(await countRows("events")).toBe(eventsBefore);
    expect(await rowsMentioning(lead.identifiers)).toEqual(Object.fromEntries((await perLeadTables()).map((t) => [t, 0])));
  });

  it("a new event or identify for the email afterwards starts a fresh lead with no history; old links still record nothing", async () => {
    const lead = await leadInEveryTable();
    expect((await erase(lead.email)).status).toBe(204);

    await importEvents(lead.email, [{ type: "page_view", url: "/pricing", ts: Date.now() - 3_600_000 }]);
    const fresh = await leadIdOf(lead.email);
    expect(fresh).not.toBe(lead.leadId);
    const report = await getLead(lead.email);
    expect(report.traits).toEqual({});
    expect(report.signals).toMatchObject({ pricing_views_7d: 1, page_views_30d: 1 });

    // The erased person's browser comes back: it is a new anonymous visitor, then identifies again.
    await personalize(lead.browsers[0]!, "/docs/start", {}, BROWSER);
    await verifyVisitor(lead.browsers[0]!, lead.email);
    expect(await leadIdOf(lead.email)).toBe(fresh);
    expect((await getLead(lead.email)).signals).toMatchObject({ pricing_views_7d: 1, page_views_30d: 2 });

    expect((await follow(lead.links.own)).headers.get("location")).toBe(DEFAULT_CTA);
    expect(await countRows("events", "lead_id = ? AND type = 'email_click'", fresh)).toBe(0);
    expect(await countRows("events", "lead_id = ?", lead.leadId)).toBe(0);
  });

  it("is audited with an HMAC of the email (never the email, never a plain hash), in the same transaction", async () => {
    const lead = await leadInEveryTable();
    const emailHash = await hmacHex(env.LF_LINK_SECRET, `privacy|${lead.email}`);
    // The path takes the email as the other routes do: trimmed and lower-cased.
    expect((await erase(` ${lead.email.toUpperCase()} `)).status).toBe(204);
    expect((await erase(lead.email)).status).toBe(404);

    const rows = await auditRows(emailHash);
    expect(rows).toEqual([
      { id: expect.any(String), action: "erase", email_hash: emailHash, found: 1, actor: "LF_API_KEY", at: expect.any(Number) },
      { id: expect.any(String), action: "erase", email_hash: emailHash, found: 0, actor: "LF_API_KEY", at: expect.any(Number) },
    ]);
    const plain = await sha256Hex(lead.email);
    const { results } = await env.DB.prepare("SELECT * FROM privacy_requests").all();
    const text = JSON.stringify(results);
    for (const secretToKeep of [lead.email, lead.email.split("@")[0]!, lead.leadId, plain, ...lead.browsers]) {
      expect(text).not.toContain(secretToKeep);
    }
  });

  it("erase racing page views, events, identify and imports for that lead leaves no orphan and no trace of the old lead", async () => {
    const lead = await leadInEveryTable();
    const [browser, sharedBrowser] = lead.browsers as [string, string];
    const racers = [
      erase(lead.email),
      ...[1, 2, 3].map(() => personalize(browser, "/pricing", {}, BROWSER)),
      call("POST", "/v1/events", { body: { visitorId: sharedBrowser, events: [{ id: crypto.randomUUID(), type: "cta_click", url: "/" }] }, headers: BROWSER }),
      verifyVisitor(newVisitorId(), lead.email),
      importEvents(lead.email, [{ type: "page_view", url: "/pricing", ts: Date.now() - 3_600_000 }]),
      follow(lead.links.own),
      call("PUT", leadPath(lead.email), { body: { company: { employees: 10 } }, key: SERVER_KEY }),
    ];
    const [erased] = await Promise.all(racers);
    expect((erased as Response).status).toBe(204);

    expect(Object.entries(await orphanRows()).filter(([, n]) => n > 0)).toEqual([]);
    // Whatever ran after the erase made new rows; none of them is the old lead's.
    const { leadId } = lead;
    expect(await rowsMentioning([leadId, ...lead.identifiers.slice(4)])).toEqual(Object.fromEntries((await perLeadTables()).map((t) => [t, 0])));
    const now = await env.DB.prepare("SELECT id FROM leads WHERE email = ?").bind(lead.email).first<{ id: string }>();
    if (now) expect(now.id).not.toBe(leadId);
  });

  it("rejects a missing or wrong key and a bad email, erasing nothing; an unknown email is 404", async () => {
    const lead = await leadInEveryTable();
    for (const key of [null, ADMIN_TOKEN, "wrong"]) expect((await erase(lead.email, key)).status).toBe(401);
    const bad = await erase("not-an-email");
    expect(bad.status).toBe(422);
    expect((await jsonOf(bad)).error.code).toBe("validation_failed");
    expect((await erase(newEmail())).status).toBe(404);
    expect(await countRows("leads", "id = ?", lead.leadId)).toBe(1);
    expect(await countRows("events", "lead_id = ?", lead.leadId)).toBe(3);
  });

  it("is one D1 round trip; without LF_LINK_SECRET it is refused (503) rather than audited with a guessable hash", async () => {
    const lead = await leadInEveryTable();
    const request = () => new Request(`${ORIGIN}${leadPath(lead.email)}`, { method: "DELETE", headers: { authorization: `Bearer ${SERVER_KEY}` } });
    const refused = await fetchCountingD1(request(), { LF_LINK_SECRET: "" });
    expect(refused.response.status).toBe(503);
    expect((await jsonOf(refused.response)).error).toMatchObject({ code: "not_configured", message: expect.stringMatching(/LF_LINK_SECRET/) });
    expect(refused.roundTrips).toBe(0);
    expect(await countRows("leads", "id = ?", lead.leadId)).toBe(1);

    const erased = await fetchCountingD1(request());
    expect(erased.response.status).toBe(204);
    expect(erased.roundTrips).toBe(1);
  });

  it("is in the OpenAPI document", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    const op = doc.paths["/v1/leads/{email}"].delete;
    expect(op.security).toEqual([{ serverKey: [] }]);
    expect(Object.keys(op.responses).sort()).toEqual(["204", "401", "403", "404", "422", "429", "503"]);
  });
});
