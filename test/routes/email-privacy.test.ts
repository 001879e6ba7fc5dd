import { describe, expect, it } from "vitest";
import { call, newEmail, SERVER_KEY } from "../support/harness";
import { BROWSER_UA, contentQuery, emailContent, follow, payloadOf, smbLead, viewPricingThreeTimes } from "../support/email";

/** Every way an email could leak: as typed, URL-encoded, or base64 (inside a token). */
function leaks(text: string, email: string): boolean {
  const forms = [email, encodeURIComponent(email), btoa(email).replace(/=+$/, ""), email.split("@")[0]!];
  return forms.some((f) => text.toLowerCase().includes(f.toLowerCase()));
}

async function everything(res: Response): Promise<string> {
  const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n");
  return `${res.status}\n${headers}\n${await res.text()}`;
}

describe("email API privacy", () => {
  it("never puts the email in a response, header, URL or token", async () => {
    const email = newEmail();
    await smbLead(email);
    await viewPricingThreeTimes(email);
    const outputs: string[] = [];
    for (const format of ["json", "html", "text"]) {
      outputs.push(await everything(await call("GET", contentQuery({ email, format, campaign: "c1" }), { key: SERVER_KEY })));
      outputs.push(await everything(await call("POST", "/v1/email/content", { body: { email, format }, key: SERVER_KEY })));
    }
    const body = await emailContent({ email });
    const urls = [...Object.values(body.links), ...Object.values(body.images)];
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      outputs.push(url, JSON.stringify(payloadOf(url)));
      const hit = await follow(url, { "user-agent": BROWSER_UA });
      outputs.push(await everything(hit));
      expect(hit.headers.get("location")).toBeTruthy();
    }
    // Unknown email and the 404 variant too.
    const stranger = newEmail();
    outputs.push(await everything(await call("GET", contentQuery({ email: stranger }), { key: SERVER_KEY })));
    outputs.push(await everything(await call("GET", contentQuery({ email: stranger, unknown: "404" }), { key: SERVER_KEY })));

    for (const output of outputs) {
      expect(leaks(output, email)).toBe(false);
      expect(leaks(output, stranger)).toBe(false);
    }
    // The check itself can see an email when there is one.
    expect(leaks(`x ${btoa(email)} y`, email)).toBe(true);
  });
});
