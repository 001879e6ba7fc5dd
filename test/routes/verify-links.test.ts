import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BROWSER_UA, emailContent, follow } from "../support/email";
import { call, countRows, jsonOf, newEmail, newVisitorId, personalize, putLead } from "../support/harness";

const BROWSER = { "user-agent": BROWSER_UA };
const leadEvents = (email: string) => countRows("events", "lead_id = (SELECT id FROM leads WHERE email = ?)", email);

async function enterpriseLeadWithLink() {
  const email = newEmail();
  await putLead(email, { company: { employees: 3000, industry: "software" } });
  const link = (await emailContent({ email, slots: "primary-cta" })).links["primary-cta"]!;
  return { email, link };
}

const landingOf = async (res: Response) => new URL(res.headers.get("location")!);
const viewWith = (visitorId: string, landing: URL) =>
  personalize(visitorId, landing.toString(), { verify: landing.searchParams.get("lf_verify") ?? undefined }, BROWSER);

describe("a person's click on an email link verifies the browser it lands in, once", () => {
  it("the landing URL carries lf_verify; the page presenting it gets the lead's content; a replay elsewhere verifies nothing", async () => {
    const { email, link } = await enterpriseLeadWithLink();
    const landing = await landingOf(await follow(link));
    expect(landing.origin).toBe("https://leadflare.test");
    expect(landing.searchParams.get("lf_verify")).toMatch(/^[\w-]+\.[\w-]+$/);

    const reader = newVisitorId();
    await personalize(reader, "https://leadflare.test/blog/hello", {}, BROWSER); // some anonymous history
    const answer = await viewWith(reader, landing);
    expect(answer.segment.path[0]).toBe("enterprise");
    // The click itself, then the browser's anonymous view and the landing view, each once.
    expect(await leadEvents(email)).toBe(3);

    // The same parameter from another browser (a forwarded email, a logged URL): nothing.
    const other = newVisitorId();
    expect((await viewWith(other, landing)).segment.id).toBe("default");
    expect((await personalize(other, "https://leadflare.test/", {}, BROWSER)).segment.id).toBe("default");
    // The reader presenting it again is still verified, and nothing is counted twice.
    expect(await leadEvents(email)).toBe(3);
    expect((await viewWith(reader, landing)).segment.path[0]).toBe("enterprise");
    expect(await leadEvents(email)).toBe(4); // one more page view, nothing merged twice
  });

  it("two browsers presenting one parameter at once: exactly one is verified", async () => {
    const { link } = await enterpriseLeadWithLink();
    const landing = await landingOf(await follow(link));
    const browsers = [newVisitorId(), newVisitorId(), newVisitorId()];
    const answers = await Promise.all(browsers.map((b) => viewWith(b, landing)));
    expect(answers.filter((a) => a.segment.path[0] === "enterprise")).toHaveLength(1);
    const { results } = await env.DB.prepare("SELECT visitor_id FROM identity_verifications WHERE visitor_id IN (?, ?, ?)").bind(...browsers).all();
    expect(results).toHaveLength(1);
  });

  it("no lf_verify for a scanner's request, and a forged or foreign token verifies nothing", async () => {
    const { link } = await enterpriseLeadWithLink();
    const scanned = await landingOf(await follow(link, { "user-agent": "" }));
    expect(scanned.searchParams.has("lf_verify")).toBe(false);

    const landing = await landingOf(await follow(link));
    const token = landing.searchParams.get("lf_verify")!;
    const [body, mac] = token.split(".");
    const forged = `${body!.slice(0, -2)}AA.${mac}`;
    const res = await call("POST", "/v1/personalize", { body: { visitorId: newVisitorId(), page: { url: "/" }, verify: forged }, headers: BROWSER });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).segment.id).toBe("default");
    // A preview token is not a verification token (and the other way round).
    const asPreview = await call("POST", "/v1/personalize", { body: { visitorId: newVisitorId(), page: { url: "/" }, preview: token }, headers: BROWSER });
    expect((await jsonOf(asPreview)).preview).toBe(false);
  });
});
