import { afterEach, describe, expect, it, vi } from "vitest";
import { countRows, jsonOf, newEmail, SERVER_KEY } from "../support/harness";
import { fetchCountingD1 } from "../support/counting-d1";
import { BROWSER_UA, contentQuery, emailContent, leadIdOf, ORIGIN, smbLead } from "../support/email";

/**
 * The site origin is configuration, never the request: without LF_SITE_ORIGIN the worker
 * neither mints links nor follows them, whatever Host a request claims.
 */
const EVIL = "https://evil.example";
const UNSET = { LF_SITE_ORIGIN: "" };

/** A request for `path` that claims to be for evil.example (its URL and its Host header). */
function toEvil(path: string, headers: Record<string, string> = {}) {
  return new Request(`${EVIL}${path}`, { headers: { host: "evil.example", ...headers }, redirect: "manual" });
}

async function expectNotConfigured(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("location")).toBeNull();
  const body = await jsonOf(response);
  expect(body.error).toMatchObject({ code: "not_configured", message: expect.stringMatching(/LF_SITE_ORIGIN/) });
  expect(JSON.stringify(body)).not.toContain("evil.example");
}

describe("without LF_SITE_ORIGIN", () => {
  afterEach(() => vi.restoreAllMocks());

  it("the email content API answers 503 not_configured and logs it, never minting evil.example URLs", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const email = newEmail();
    await smbLead(email);
    for (const format of ["json", "html", "text"]) {
      const { response } = await fetchCountingD1(toEvil(contentQuery({ email, format }), { authorization: `Bearer ${SERVER_KEY}` }), UNSET);
      await expectNotConfigured(response);
    }
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/LF_SITE_ORIGIN/));
  });

  it("/r/ and /i/ answer 503 not_configured, redirect nowhere, record nothing and log it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const email = newEmail();
    await smbLead(email);
    const body = await emailContent({ email }); // minted while the origin was configured
    for (const url of [body.links["primary-cta"]!, body.images.banner!]) {
      const { pathname } = new URL(url);
      const { response } = await fetchCountingD1(toEvil(pathname, { "user-agent": BROWSER_UA }), UNSET);
      await expectNotConfigured(response);
    }
    expect(await countRows("events", "lead_id = ?", await leadIdOf(email))).toBe(0);
    expect(log).toHaveBeenCalledTimes(2);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/LF_SITE_ORIGIN/));
  });

  it("an LF_SITE_ORIGIN that is not an http(s) URL counts as not set", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    for (const value of ["javascript:alert(1)", "not a url", "ftp://files.example"]) {
      const request = toEvil(contentQuery({ email: newEmail() }), { authorization: `Bearer ${SERVER_KEY}` });
      await expectNotConfigured((await fetchCountingD1(request, { LF_SITE_ORIGIN: value })).response);
    }
  });
});

describe("the worker's own links", () => {
  it("point at LF_PUBLIC_ORIGIN when it is set, whatever Host the call came with", async () => {
    const request = toEvil(contentQuery({ email: newEmail() }), { authorization: `Bearer ${SERVER_KEY}` });
    const { response } = await fetchCountingD1(request, { LF_PUBLIC_ORIGIN: "https://go.example.com/ignored/path" });
    const body = await jsonOf(response);
    expect(response.status).toBe(200);
    expect(body.links["primary-cta"]).toMatch(/^https:\/\/go\.example\.com\/r\//);
    expect(body.images.banner).toMatch(/^https:\/\/go\.example\.com\/i\//);
    expect(body.slots["primary-cta"].url).toBe(`${ORIGIN}/demo/contact`);
  });

  it("an LF_PUBLIC_ORIGIN that is set but not an http(s) URL is a 503, not a fallback to the request", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const request = toEvil(contentQuery({ email: newEmail() }), { authorization: `Bearer ${SERVER_KEY}` });
    const { response } = await fetchCountingD1(request, { LF_PUBLIC_ORIGIN: "javascript:alert(1)" });
    expect(response.status).toBe(503);
    expect((await jsonOf(response)).error).toMatchObject({ code: "not_configured", message: expect.stringMatching(/LF_PUBLIC_ORIGIN/) });
  });
});
