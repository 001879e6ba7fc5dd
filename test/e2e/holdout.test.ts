import { describe, expect, it } from "vitest";
import { applied, newVisitor, slots, useChromium, type SlotView } from "./support/browser";
import { newEmail, putLead, serverApi, withConfig } from "./support/server";

const chromium = useChromium();

/** The demo page's own hero, what a visitor sees without the script. */
const OWN_HERO = "Turn every visit into the right next step";
const SEGMENT = "enterprise-cold";

describe("a holdout in Chromium", () => {
  it("shows the control its page's own markup (and nothing says holdout), the treatment its segment's content; email gives control the default", async () => {
    await withConfig((doc) => (doc.experiments = { holdout: { segments: { [SEGMENT]: 0.5 } } }), async () => {
      const seen: Partial<Record<"control" | "treatment", { email: string; hero: SlotView; html: string }>> = {};
      for (let i = 0; i < 30 && !(seen.control && seen.treatment); i++) {
        const { context, page, errors } = await newVisitor(chromium());
        await page.goto("/demo");
        await applied(page);
        const visitorId = await page.evaluate(() => localStorage.getItem("lf_vid"));
        // The site's server knows this browser's lead: an enterprise company, enterprise-cold.
        const email = newEmail();
        await putLead(email, { company: { employees: 5000 } });
        expect((await serverApi("POST", `/v1/leads/${encodeURIComponent(email)}/visitors`, { visitorId })).status).toBe(200);

        const answered = page.waitForResponse((r) => r.url().endsWith("/v1/personalize"));
        await page.goto("/demo");
        const answer = await (await answered).json();
        expect(answer.segment.id).toBe(SEGMENT);
        // The page settles: the script has had the answer (its segment listener ran) and revealed the slots.
        await page.waitForFunction(() => document.getElementById("lf-segment")?.textContent === "Enterprise Cold" && !document.getElementById("lf-hide"));
        const arm = answer.holdout ? "control" : "treatment";
        seen[arm] ??= { email, hero: (await slots(page)).hero!, html: await page.content() };
        expect(errors).toEqual([]);
        await context.close();
      }
      const { control, treatment } = seen;
      expect(control && treatment, "a lead in each arm of a 50 % holdout").toBeTruthy();
      expect(control!.hero).toMatchObject({ text: OWN_HERO, variant: null, visible: true });
      expect(control!.html).not.toMatch(/holdout/i);
      expect(treatment!.hero).toMatchObject({ variant: SEGMENT, visible: true });
      expect(treatment!.hero.text).not.toBe(OWN_HERO);

      const email = async (address: string) => (await (await serverApi("GET", `/v1/email/content?email=${encodeURIComponent(address)}&slots=hero`)).json()) as any;
      expect((await email(control!.email)).slots.hero.variant).toBe("default");
      expect((await email(treatment!.email)).slots.hero.variant).toBe(SEGMENT);
    });
  });
});
