import { createServer, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspect, pageReady, scrollsSideways, SIZES, useConsole } from "./support/console";
import { admin, putLead, withConfig } from "./support/server";
import { E2E_WEBHOOK_SECRET } from "./support/worker";

/**
 * The console's Routing page in Chromium against `wrangler dev` and its local queue: the
 * default configuration's rules inert (the e2e worker has no LF_ROUTING_WEBHOOK_* secrets),
 * then a destination of this file's own pointed at a receiver on 127.0.0.1 (this file's, below)
 * that first answers 410 Gone: the new lead's delivery disables it; Replay, once it answers 200,
 * delivers it with the same webhook-id and enables the destination again.
 */

const { signedIn } = useConsole();
const textOf = async (locator: import("playwright-core").Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

const HOOK = "console-hook";

/** The receiver: what it answers, and every request it got (its webhook-id, and whether its signature verified). */
const receiver = { answer: 410, received: [] as { id: string; verified: boolean }[] };
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = false;
      try {
        new Webhook(E2E_WEBHOOK_SECRET).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {} // told by `verified`
      receiver.received.push({ id: String(req.headers["webhook-id"]), verified });
      res.writeHead(receiver.answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** This file's destination and a rule sending a new SMB lead's first segment to it. */
const withHook = (run: () => Promise<void>) =>
  withConfig(
    (doc) => {
      doc.routing.destinations[HOOK] = { type: "webhook", url: `http://127.0.0.1:${port}/hook`, secret: "env:LF_E2E_WEBHOOK_SECRET" };
      doc.routing.rules.push({ on: "enter", segments: ["smb-nurture"], send: [HOOK] });
    },
    run,
    "e2e: the Routing page's receiver",
  );

interface Delivery {
  id: string;
  status: string;
  attempts: { status: number | null }[];
}
const deliveriesOf = async (email: string): Promise<Delivery[]> =>
  ((await (await admin("GET", `/v1/admin/deliveries?lead=${encodeURIComponent(email)}`)).json()) as { deliveries: Delivery[] }).deliveries;

describe("the console's Routing page", () => {
  it("says routing is inert while no destination has its secrets", async () => {
    const { page } = await signedIn("/segments");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Routing" }).click();
    await pageReady(page, "routing");
    const notice = textOf(page.locator(".notice").first());
    expect(await notice).toContain("Routing is inert: no destination is live");
    expect(await notice).toContain("crm-webhook: set the Worker secrets LF_ROUTING_WEBHOOK_URL and LF_ROUTING_WEBHOOK_SECRET");
    expect(await textOf(page.locator(".routing-rules li").first())).toMatch(/^Entering .+ → crm-webhook \(inert\)/);
    const crm = page.getByRole("region", { name: "Destinations, with their deliveries of the last 24 hours" }).getByRole("row", { name: /^crm-webhook/ });
    expect(await textOf(crm)).toContain("Inert: nothing is sent to it; set the Worker secrets LF_ROUTING_WEBHOOK_URL and LF_ROUTING_WEBHOOK_SECRET");
    await inspect(page, "routing-inert");
  });

  it("lists the rule and the live destination; a delivery the receiver refused with 410 disables it, and Replay delivers it", async () => {
    await withHook(async () => {
      receiver.answer = 410;
      const email = `routing-${crypto.randomUUID().slice(0, 8)}@routing-e2e.example`;
      await putLead(email, { company: { employees: 50 } });
      await expect.poll(async () => (await deliveriesOf(email)).map((d) => d.status), { timeout: 20_000 }).toEqual(["disabled"]);
      const [delivery] = await deliveriesOf(email);
      expect(receiver.received.filter((r) => r.id === delivery!.id)).toEqual([{ id: delivery!.id, verified: true }]);

      const { page } = await signedIn("/routing");
      await pageReady(page, "routing");
      expect(await page.locator(".notice").count()).toBe(0); // one destination is live: routing is not inert
      expect(await page.locator(".routing-rules li").allInnerTexts()).toContain(`Entering SMB Nurture → ${HOOK}`);
      const destinations = page.getByRole("region", { name: "Destinations, with their deliveries of the last 24 hours" });
      const hook = textOf(destinations.getByRole("row", { name: new RegExp(`^${HOOK}`) }));
      expect(await hook).toMatch(/Disabled since .+ \(answered 410 Gone\): nothing is sent to it until one of its deliveries is replayed\. Live: its secrets are set\./);
      expect(await hook).toContain(`http://127.0.0.1:${port}/hook signed with env:LF_E2E_WEBHOOK_SECRET`);
      expect(await hook).toContain("0% (0 of 1 delivered)");
      expect(await hook).not.toContain(E2E_WEBHOOK_SECRET);

      const log = page.getByRole("region", { name: "Deliveries, newest first" });
      const row = log.getByRole("row").filter({ hasText: email });
      expect(await textOf(row)).toMatch(new RegExp(`^.+ ${email} New lead → SMB Nurture ${HOOK} disabled 1 last: answered 410, \\d+ ms Replay`));
      await inspect(page, "routing");
      expect(await scrollsSideways(page)).toEqual([]);

      // Replay, confirmed, once the receiver takes it: the row is read again until it is delivered.
      receiver.answer = 200;
      await row.getByRole("button", { name: /^Replay/ }).click();
      const dialog = page.getByRole("dialog", { name: "Replay this delivery?" });
      expect(await textOf(dialog)).toContain(`The change of ${email} (New lead → SMB Nurture) is sent to ${HOOK} again`);
      await inspect(page, "routing-replay");
      await dialog.getByRole("button", { name: "Replay" }).click();
      await expect.poll(() => textOf(row.locator(".delivery-status")), { timeout: 20_000 }).toBe("delivered");
      expect(await textOf(row)).toMatch(/ delivered 2 last: answered 200, \d+ ms Replay/);
      await page.getByText(`The replayed delivery to ${HOOK} is delivered.`).waitFor();
      expect(receiver.received.filter((r) => r.id === delivery!.id)).toEqual([
        { id: delivery!.id, verified: true },
        { id: delivery!.id, verified: true },
      ]);
      expect((await deliveriesOf(email))[0]!.attempts.map((a) => a.status)).toEqual([410, 200]);

      // The destinations are read again: this one is enabled, its day's success 100%; and so after a reload.
      const enabled = () => textOf(destinations.getByRole("row", { name: new RegExp(`^${HOOK}`) }));
      await expect.poll(enabled).toContain("Live: its secrets are set, changes are sent to it.");
      expect(await enabled()).not.toContain("Disabled");
      expect(await enabled()).toContain("100% (1 of 1 delivered)");
      await page.reload();
      await pageReady(page, "routing");
      expect(await enabled()).toContain("100% (1 of 1 delivered)");
      // The filters narrow the log.
      await page.getByLabel("Destination", { exact: true }).selectOption(HOOK);
      await page.getByLabel("Status", { exact: true }).selectOption("delivered");
      await pageReady(page, "routing");
      await row.waitFor();
      expect(await log.getByRole("row").filter({ hasNotText: HOOK }).count()).toBe(1); // the header row only
      await page.getByLabel("Status", { exact: true }).selectOption("dead");
      await pageReady(page, "routing");
      await expect.poll(() => row.count()).toBe(0);
    });
  });

  it("works with the keyboard alone: the filters, the log's region, Replay and its dialog", async () => {
    await withHook(async () => {
      receiver.answer = 200;
      const { page } = await signedIn("/routing");
      await pageReady(page, "routing");
      await page.setViewportSize(SIZES[0]);
      const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? ""}`.trim());
      await page.getByRole("heading", { level: 1, name: "Routing" }).focus();
      await page.keyboard.press("Tab");
      expect(await focused()).toBe("DIV Destinations, with their deliveries of the last 24 hours");
      await page.keyboard.press("Tab");
      expect(await focused()).toMatch(/^SELECT/);
      await page.keyboard.press("ArrowDown");
      expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("pending");
      await page.keyboard.press("ArrowUp");
      expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("");
      await page.keyboard.press("Tab");
      expect(await focused()).toMatch(/^SELECT/);
      // Down to this file's destination (after crm-webhook).
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      expect(await page.getByLabel("Destination", { exact: true }).inputValue()).toBe(HOOK);
      await pageReady(page, "routing");
      const log = page.getByRole("region", { name: "Deliveries, newest first" });
      await log.getByRole("button", { name: /^Replay/ }).first().waitFor();
      await page.keyboard.press("Tab");
      expect(await focused()).toBe("DIV Deliveries, newest first");
      await page.keyboard.press("Tab");
      expect(await focused()).toMatch(/^BUTTON Replay the delivery to console-hook of /);
      // Enter opens the dialog on Cancel; Escape closes it and focus is back on Replay.
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Replay this delivery?" });
      await dialog.waitFor();
      expect(await focused()).toBe("BUTTON Cancel");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
      expect(await focused()).toMatch(/^BUTTON Replay/);
      const sent = receiver.received.length;
      await page.keyboard.press("Enter");
      await dialog.waitFor();
      await page.keyboard.press("Tab");
      expect(await focused()).toBe("BUTTON Replay");
      await page.keyboard.press("Enter");
      await dialog.waitFor({ state: "hidden" });
      expect(await focused()).toMatch(/^BUTTON Replay the delivery/);
      await page.getByText(`The replayed delivery to ${HOOK} is delivered.`).waitFor({ timeout: 20_000 });
      expect(receiver.received.length).toBe(sent + 1);
    });
  });
});
