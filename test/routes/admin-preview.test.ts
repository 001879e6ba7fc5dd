import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signToken } from "../../src/domain/tokens";
import { admin } from "../support/admin";
import { fetchCountingD1 } from "../support/counting-d1";
import { EVENTS_OF_VISITOR } from "../support/events-table";
import { ADMIN_TOKEN, call, countRows, jsonOf, newVisitorId } from "../support/harness";

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };

async function previewLink(segment: string, url = "https://site.example/pricing?plan=pro", extra: Record<string, unknown> = {}) {
  const res = await admin("POST", "/v1/admin/preview-links", { segment, url, ...extra });
  if (res.status !== 200) throw new Error(`preview-links ${res.status}: ${await res.text()}`);
  return jsonOf<{ url: string; token: string; expiresAt: string; segment: { id: string; path: string[] } }>(res);
}

/** What the browser script does: the page URL's lf_preview parameter goes in the body as `preview`. */
async function personalizeWith(visitorId: string, preview: string) {
  const res = await call("POST", "/v1/personalize", { body: { visitorId, page: { url: "/pricing" }, preview }, headers: BROWSER });
  expect(res.status).toBe(200);
  return jsonOf(res);
}

const rowsWritten = async () =>
  (await countRows("leads")) + (await countRows("visitors")) + (await countRows("events")) + (await countRows("lead_activity"));

describe("POST /v1/admin/preview-links", () => {
  it("returns the page URL with a signed, expiring lf_preview token", async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const link = await previewLink("smb-qualified", "https://site.example/pricing?plan=pro", { expiresInSeconds: 3600 });
    const after = Date.now();
    const url = new URL(link.url);
    expect(url.origin + url.pathname).toBe("https://site.example/pricing");
    expect(url.searchParams.get("plan")).toBe("pro");
    expect(url.searchParams.get("lf_preview")).toBe(link.token);
    expect(link.segment).toMatchObject({ id: "smb-qualified", path: ["smb", "smb-qualified"] });
    // Expiry is whole seconds, 3600 s after the request.
    expect(Date.parse(link.expiresAt)).toBeGreaterThanOrEqual(before + 3600_000);
    expect(Date.parse(link.expiresAt)).toBeLessThanOrEqual(after + 3600_000);
  });

  it("signs with LF_PREVIEW_SECRET: without it, 503 not_configured naming it", async () => {
    const request = new Request("https://leadflare.test/v1/admin/preview-links", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ segment: "smb-qualified", url: "https://site.example/" }),
    });
    const { response } = await fetchCountingD1(request, { LF_PREVIEW_SECRET: "" });
    expect(response.status).toBe(503);
    expect((await jsonOf(response)).error).toMatchObject({ code: "not_configured", message: expect.stringMatching(/LF_PREVIEW_SECRET/) });
  });

  it.each([
    [{ segment: "nowhere", url: "https://site.example/" }, "segment"],
    [{ segment: "enterprise", url: "https://site.example/" }, "segment"],
    [{ segment: "smb-qualified", url: "javascript:alert(1)" }, "url"],
    [{ segment: "smb-qualified", url: "/relative" }, "url"],
    [{ segment: "smb-qualified", url: "https://site.example/", expiresInSeconds: 30 * 86400 }, "expiresInSeconds"],
  ])("rejects %j → 422 at %s", async (body, path) => {
    const res = await admin("POST", "/v1/admin/preview-links", body);
    expect(res.status).toBe(422);
    expect((await jsonOf(res)).error.details.map((d: { path: string }) => d.path)).toEqual([path]);
  });
});

describe("/v1/personalize with a preview token", () => {
  it("serves the token's segment, marks the answer as a preview and writes nothing (POST and GET)", async () => {
    const { token } = await previewLink("enterprise-hot");
    const visitor = newVisitorId();
    const before = await rowsWritten();
    const post = await personalizeWith(visitor, token);
    expect(post).toMatchObject({ segment: { id: "enterprise-hot", path: ["enterprise", "enterprise-hot"] }, recorded: false, reason: "preview", preview: true });
    expect(post.slots.hero.variant).toBe("enterprise-hot");
    expect(post.slots["primary-cta"]).toMatchObject({ label: "Talk to your account executive" });

    const get = await jsonOf(await call("GET", `/v1/personalize?visitorId=${visitor}&slots=hero&preview=${token}`, { headers: BROWSER }));
    expect(get).toMatchObject({ segment: { id: "enterprise-hot" }, preview: true, recorded: false, reason: "preview" });
    expect(Object.keys(get.slots)).toEqual(["hero"]);

    expect(await countRows("visitors", "id = ?", visitor)).toBe(0);
    expect(await countRows("events", EVENTS_OF_VISITOR, visitor)).toBe(0);
    expect(await rowsWritten()).toBe(before);
  });

  it("without a token the answer says preview: false", async () => {
    const res = await call("POST", "/v1/personalize", { body: { visitorId: newVisitorId(), page: { url: "/" } }, headers: BROWSER });
    expect(await jsonOf(res)).toMatchObject({ preview: false, recorded: true });
  });

  it("ignores forged, altered, expired and wrong-purpose tokens: normal resolution, recorded as usual", async () => {
    const { token } = await previewLink("enterprise-hot");
    const [body, mac] = token.split(".") as [string, string];
    const now = Date.now();
    const otherSegment = btoa(JSON.stringify({ exp: now / 1000 + 3600, seg: "smb-qualified" })).replace(/=+$/, "");
    const bad = {
      forged: await signToken("not-the-secret", "preview", { exp: now / 1000 + 3600, seg: "enterprise-hot" }),
      altered: `${otherSegment}.${mac}`,
      "altered mac": `${body}.${mac.slice(0, -4)}${mac.endsWith("AAAA") ? "BBBB" : "AAAA"}`,
      expired: await signToken(env.LF_PREVIEW_SECRET, "preview", { exp: Math.floor(now / 1000) - 1, seg: "enterprise-hot" }),
      "wrong purpose": await signToken(env.LF_PREVIEW_SECRET, "link", { exp: now / 1000 + 3600, seg: "enterprise-hot" }),
      "unknown segment": await signToken(env.LF_PREVIEW_SECRET, "preview", { exp: now / 1000 + 3600, seg: "ghost" }),
      // Previews have their own secret: revoking them (a new LF_PREVIEW_SECRET) leaves email links working.
      "signed with the email links' secret": await signToken(env.LF_LINK_SECRET, "preview", { exp: now / 1000 + 3600, seg: "enterprise-hot" }),
      garbage: "not a token",
      // A page URL can carry anything: a parameter too long to be a token is ignored too.
      "too long": "x".repeat(5000),
    };
    for (const [kind, preview] of Object.entries(bad)) {
      const visitor = newVisitorId();
      const res = await personalizeWith(visitor, preview);
      expect(res, kind).toMatchObject({ segment: { id: "default" }, preview: false, recorded: true });
      expect(await countRows("visitors", "id = ?", visitor), kind).toBe(1);
    }
  });
});
