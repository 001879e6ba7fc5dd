import { describe, expect, it } from "vitest";
import { leadflarePage } from "../../examples/server-side";
import example from "../../examples/server-side.ts?raw";
import readme from "../../README.md?raw";
import { countRows, importEvents, newEmail, newVisitorId, putLead, SERVER_KEY, workerFetch } from "../support/harness";
import { EVENTS_OF_VISITOR } from "../support/events-table";

/** README's "Call it from your server" example, run against the worker as a site's server would. */
const BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SITE = "https://www.example.com";
const page = leadflarePage({ endpoint: "https://leadflare.test", apiKey: SERVER_KEY, fetch: workerFetch });

/** A browser's request to the site, as the site's server receives it. */
function visit(path: string, headers: Record<string, string> = {}, form?: Record<string, string>) {
  return new Request(`${SITE}${path}`, {
    method: form ? "POST" : "GET",
    headers: { "user-agent": BROWSER_UA, "accept-language": "en-GB,en;q=0.8", ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...headers },
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: "manual",
  });
}

const visitorCookie = (res: Response) => /^lf_vid=([0-9a-f-]{36}); Max-Age=31536000; Path=\/; SameSite=Lax; Secure$/.exec(res.headers.get("set-cookie") ?? "")?.[1];

describe("README: Call it from your server", () => {
  it("shows examples/server-side.ts exactly as it is", () => {
    const section = /\n## Call it from your server\n([\s\S]*?)(?=\n## )/.exec(readme)?.[1] ?? "";
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(example);
  });

  it("a first visit gets the default content and an lf_vid cookie; after the contact form, the lead's Enterprise Hot content", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 5000 } });
    await importEvents(email, [1, 2, 3].map((h) => ({ type: "page_view", url: "/pricing", ts: Date.now() - h * 3_600_000 })));

    const first = await page(visit("/pricing"));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await first.text();
    expect(html).toContain("<h1>Turn every visit into the right next step</h1>");
    const visitorId = visitorCookie(first)!;
    expect(visitorId).toBeTruthy();
    // Recorded as the visitor, although the site's server made the call.
    expect(await countRows("events", `${EVENTS_OF_VISITOR} AND type = 'page_view' AND path = '/pricing'`, visitorId)).toBe(1);

    const sent = await page(visit("/contact", { cookie: `theme=dark; lf_vid=${visitorId}` }, { email }));
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/contact?sent=1");
    expect(await countRows("visitors", "id = ? AND lead_id = (SELECT id FROM leads WHERE email = ?)", visitorId, email)).toBe(1);

    const again = await page(visit("/pricing", { cookie: `lf_vid=${visitorId}` }));
    const personalized = await again.text();
    expect(personalized).toContain("<h1>Your account executive has a plan ready for your team</h1>");
    expect(personalized).toContain('<a class="button" href="/demo/contact?route=enterprise-ae">Talk to your account executive</a>');
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(personalized).not.toContain(email);
  });

  it("with GPC it sets no cookie and Leadflare records nothing; a crawler's visit is not recorded", async () => {
    const gpc = await page(visit("/pricing", { "sec-gpc": "1" }));
    expect(gpc.headers.get("set-cookie")).toBeNull();
    expect(await gpc.text()).toContain("<h1>Turn every visit into the right next step</h1>");

    const visitorId = newVisitorId();
    const before = await countRows("events");
    await page(visit("/pricing", { cookie: `lf_vid=${visitorId}`, "sec-gpc": "1" }));
    await page(visit("/pricing", { cookie: `lf_vid=${visitorId}`, "user-agent": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)" }));
    expect(await countRows("visitors", "id = ?", visitorId)).toBe(0);
    expect(await countRows("events")).toBe(before);
  });

  it("an unreachable Leadflare, or a cookie that is not a visitor id, still renders the page's own markup", async () => {
    const down = leadflarePage({ endpoint: "https://leadflare.test", apiKey: SERVER_KEY, fetch: () => Promise.reject(new TypeError("fetch failed")) });
    const res = await down(visit("/pricing"));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<a class="button" href="/contact">Get started</a>');

    const odd = await page(visit("/pricing", { cookie: "lf_vid=<script>" }));
    expect(odd.status).toBe(200);
    expect(visitorCookie(odd)).toBeTruthy();
  });
});
