import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, countRows, jsonOf, newEmail, SERVER_KEY } from "../support/harness";
import { fetchCountingD1 } from "../support/counting-d1";
import { basicAuth, contentQuery, emailContent, leadIdOf, payloadOf, smbLead, type EmailContentJson } from "../support/email";

const ORIGIN = "https://leadflare.test";

describe("GET/POST /v1/email/content: auth", () => {
  it("requires LF_API_KEY: none or a wrong key is 401, the admin token alone is 401", async () => {
    const path = contentQuery({ email: newEmail() });
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, { authorization: `Bearer ${ADMIN_TOKEN}` }, { authorization: basicAuth(ADMIN_TOKEN) }];
    for (const headers of attempts) {
      const res = await call("GET", path, { headers });
      expect(res.status).toBe(401);
      expect((await jsonOf(res)).error.code).toBe("unauthorized");
    }
    const post = await call("POST", "/v1/email/content", { body: { email: newEmail() }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(post.status).toBe(401);
  });

  it("accepts the key as a Bearer token or as the Basic password with any user name", async () => {
    const path = contentQuery({ email: newEmail() });
    expect((await call("GET", path, { key: SERVER_KEY })).status).toBe(200);
    for (const user of ["braze", "", "iterable"]) {
      expect((await call("GET", path, { headers: { authorization: basicAuth(SERVER_KEY, user) } })).status).toBe(200);
    }
    expect((await call("GET", path, { headers: { authorization: basicAuth("wrong") } })).status).toBe(401);
    expect((await call("GET", path, { headers: { authorization: "Basic !!!" } })).status).toBe(401);
    expect((await call("GET", path, { headers: { authorization: `Basic ${btoa(SERVER_KEY)}` } })).status).toBe(401);
    // A user name in Latin-1 (not UTF-8) is still "any user name"; btoa encodes each char as one byte.
    expect((await call("GET", path, { headers: { authorization: `Basic ${btoa(`café:${SERVER_KEY}`)}` } })).status).toBe(200);
  });
});

describe("GET/POST /v1/email/content: content", () => {
  it("returns the segment, slots, click-time links and tracked images of a known SMB lead", async () => {
    const email = newEmail();
    await smbLead(email);
    const res = await call("GET", contentQuery({ email, campaign: "spring-launch" }), { key: SERVER_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const body = await jsonOf<EmailContentJson>(res);
    expect(Object.keys(body).sort()).toEqual(["images", "links", "segment", "slots"]);
    expect(body.segment).toEqual({ id: "smb-nurture", name: "SMB Nurture" });
    expect(body.slots).toEqual({
      hero: { kind: "text", text: "Why small teams win with personalized pages", variant: "smb-nurture" },
      "primary-cta": { kind: "cta", label: "See how it works", url: `${ORIGIN}/demo/pricing?guide=value`, variant: "smb-nurture" },
      offer: {
        kind: "offer",
        title: "Value guide for small teams",
        body: "What personalization is worth at your size, with numbers.",
        variant: "smb-nurture",
      },
      banner: { kind: "image", src: `${ORIGIN}/demo/img/banner-smb-nurture.png`, alt: "What personalization is worth for small teams", variant: "smb-nurture" },
    });
    expect(Object.keys(body.links)).toEqual(["primary-cta"]);
    expect(Object.keys(body.images)).toEqual(["banner"]);
    expect(body.links["primary-cta"]).toMatch(new RegExp(`^${ORIGIN}/r/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(body.images.banner).toMatch(new RegExp(`^${ORIGIN}/i/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    const leadId = await leadIdOf(email);
    expect(payloadOf(body.links["primary-cta"]!)).toEqual({ l: leadId, s: "primary-cta", c: "spring-launch", exp: expect.any(Number) });
    expect(payloadOf(body.images.banner!)).toEqual({ l: leadId, s: "banner", c: "spring-launch", exp: expect.any(Number) });
  });

  it("limits the answer to the slots asked for", async () => {
    const email = newEmail();
    await smbLead(email);
    const body = await emailContent({ email, slots: "hero,primary-cta" });
    expect(Object.keys(body.slots)).toEqual(["hero", "primary-cta"]);
    expect(Object.keys(body.links)).toEqual(["primary-cta"]);
    expect(body.images).toEqual({});
  });

  it("renders ready-to-paste HTML fragments in the order asked, linking through the click-time link", async () => {
    const email = newEmail();
    await smbLead(email);
    const res = await call("GET", contentQuery({ email, slots: "primary-cta,hero,banner", format: "html" }), { key: SERVER_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const lines = (await res.text()).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^<a data-lf-slot="primary-cta" href="${ORIGIN}/r/[\\w-]+\\.[\\w-]+">See how it works</a>$`));
    expect(lines[1]).toBe(`<p data-lf-slot="hero">Why small teams win with personalized pages</p>`);
    expect(lines[2]).toMatch(
      new RegExp(`^<img data-lf-slot="banner" src="${ORIGIN}/i/[\\w-]+\\.[\\w-]+" alt="What personalization is worth for small teams">$`),
    );
  });

  it("renders plain-text fragments", async () => {
    const email = newEmail();
    await smbLead(email);
    const res = await call("GET", contentQuery({ email, slots: "hero,primary-cta,offer", format: "text" }), { key: SERVER_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const parts = (await res.text()).split("\n\n");
    expect(parts[0]).toBe("Why small teams win with personalized pages");
    expect(parts[1]).toMatch(new RegExp(`^See how it works: ${ORIGIN}/r/[\\w-]+\\.[\\w-]+$`));
    expect(parts[2]).toBe("Value guide for small teams\nWhat personalization is worth at your size, with numbers.");
  });

  it("takes the same request as a JSON body on POST", async () => {
    const email = newEmail();
    await smbLead(email);
    const res = await call("POST", "/v1/email/content", {
      body: { email, slots: ["offer", "primary-cta"], campaign: "drip-3" },
      headers: { authorization: basicAuth(SERVER_KEY) },
    });
    expect(res.status).toBe(200);
    const body = await jsonOf<EmailContentJson>(res);
    expect(body.segment.id).toBe("smb-nurture");
    expect(Object.keys(body.slots).sort()).toEqual(["offer", "primary-cta"]);
    expect(payloadOf(body.links["primary-cta"]!).c).toBe("drip-3");
    const text = await call("POST", "/v1/email/content", { body: { email, slots: ["hero"], format: "text" }, key: SERVER_KEY });
    expect(await text.text()).toBe("Why small teams win with personalized pages");
  });

  it("serves an unknown email the default segment (200), or 404 with unknown=404, creating nothing", async () => {
    const email = newEmail();
    const body = await emailContent({ email });
    expect(body.segment).toEqual({ id: "default", name: "Everyone else" });
    expect(body.slots["primary-cta"]).toMatchObject({ label: "Get started", url: `${ORIGIN}/demo/contact` });
    expect(payloadOf(body.links["primary-cta"]!)).toEqual({ s: "primary-cta", exp: expect.any(Number) });
    const missing = await call("GET", contentQuery({ email, unknown: "404" }), { key: SERVER_KEY });
    expect(missing.status).toBe(404);
    expect((await jsonOf(missing)).error.code).toBe("not_found");
    const post = await call("POST", "/v1/email/content", { body: { email, unknown: "404" }, key: SERVER_KEY });
    expect(post.status).toBe(404);
    expect(await countRows("leads", "email = ?", email)).toBe(0);
  });

  it("records nothing for a known lead, in one D1 round trip", async () => {
    const email = newEmail();
    await smbLead(email);
    const leadId = await leadIdOf(email);
    const { response, roundTrips } = await fetchCountingD1(
      new Request(`${ORIGIN}${contentQuery({ email, format: "html" })}`, { headers: { authorization: `Bearer ${SERVER_KEY}` } }),
    );
    expect(response.status).toBe(200);
    expect(roundTrips).toBe(1);
    expect(await countRows("events", "lead_id = ?", leadId)).toBe(0);
    expect(await countRows("lead_activity", "lead_id = ?", leadId)).toBe(0);
  });

  it("resolves relative URLs against LF_SITE_ORIGIN when it is set; links stay on the worker", async () => {
    const { response } = await fetchCountingD1(
      new Request(`${ORIGIN}${contentQuery({ email: newEmail(), slots: "primary-cta" })}`, { headers: { authorization: `Bearer ${SERVER_KEY}` } }),
      { LF_SITE_ORIGIN: "https://www.example.com" },
    );
    const body = await jsonOf<EmailContentJson>(response);
    expect(body.slots["primary-cta"].url).toBe("https://www.example.com/demo/contact");
    expect(body.links["primary-cta"]).toMatch(new RegExp(`^${ORIGIN}/r/`));
  });

  it("without LF_LINK_SECRET answers 503 in the error envelope: links cannot be signed", async () => {
    const { response } = await fetchCountingD1(
      new Request(`${ORIGIN}${contentQuery({ email: newEmail() })}`, { headers: { authorization: `Bearer ${SERVER_KEY}` } }),
      { LF_LINK_SECRET: "" },
    );
    expect(response.status).toBe(503);
    expect((await jsonOf(response)).error).toMatchObject({ code: "not_configured", message: expect.stringMatching(/LF_LINK_SECRET/) });
  });

  it("rejects bad input with 422 naming the field", async () => {
    const cases: [string, string][] = [
      [contentQuery({ email: "not-an-email" }), "email"],
      [contentQuery({ email: newEmail(), campaign: "ada@example.com" }), "campaign"],
      [contentQuery({ email: newEmail(), format: "pdf" }), "format"],
      [contentQuery({ email: newEmail(), unknown: "500" }), "unknown"],
      ["/v1/email/content", "email"],
    ];
    for (const [path, field] of cases) {
      const res = await call("GET", path, { key: SERVER_KEY });
      expect(res.status).toBe(422);
      expect((await jsonOf(res)).error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    const extra = await call("POST", "/v1/email/content", { body: { email: newEmail(), visitorId: "x" }, key: SERVER_KEY });
    expect(extra.status).toBe(422);
  });
});
