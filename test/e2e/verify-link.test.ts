import { describe, expect, it } from "vitest";
import { applied, newVisitor, useChromium, workerUrl } from "./support/browser";
import { getLead, newEmail, putLead, serverApi } from "./support/server";

const chromium = useChromium();

describe("verification by a signed email link, in Chromium", () => {
  it("a click on the email's link lands on the site verified; replaying its lf_verify in another browser verifies nothing", async () => {
    const email = newEmail();
    await putLead(email, { company: { employees: 3000, industry: "software" } });
    expect((await getLead(email))!.segment.id).toBe("enterprise-cold");
    const content = (await (await serverApi("GET", `/v1/email/content?${new URLSearchParams({ email, slots: "primary-cta" })}`)).json()) as {
      links: Record<string, string>;
    };
    const link = content.links["primary-cta"]!;

    // The reader clicks the link in their mail client: the browser follows /r/ to the site.
    const reader = await newVisitor(chromium());
    const landed = reader.page.waitForRequest((r) => r.url().endsWith("/v1/personalize"));
    await reader.page.goto(link);
    const sent = (await landed).postDataJSON() as { verify?: string; page: { url: string } };
    expect(sent.verify).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(sent.page.url).not.toContain("lf_verify");
    await applied(reader.page);
    expect(reader.page.url()).not.toContain("lf_verify"); // out of the address bar at once
    // The lead's tier (the click and this view have warmed it up since the email was sent).
    await expect(reader.page.textContent("#lf-segment")).resolves.toMatch(/^Enterprise /);
    // A later page in the same browser is still the lead's.
    await reader.page.goto("/demo/pricing");
    await applied(reader.page);
    await expect(reader.page.textContent("#lf-segment")).resolves.toMatch(/^Enterprise /);

    // The same landing URL, parameter and all, opened elsewhere (a forwarded email, a log).
    const replayUrl = new URL(sent.page.url, workerUrl());
    replayUrl.searchParams.set("lf_verify", sent.verify!);
    const stranger = await newVisitor(chromium());
    await stranger.page.goto(replayUrl.toString());
    await applied(stranger.page);
    await expect(stranger.page.textContent("#lf-segment")).resolves.toBe("Everyone else");
    await stranger.page.goto("/demo/pricing");
    await applied(stranger.page);
    await expect(stranger.page.textContent("#lf-segment")).resolves.toBe("Everyone else");
    expect(reader.errors).toEqual([]);
    expect(stranger.errors).toEqual([]);
  });
});
