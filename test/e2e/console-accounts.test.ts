import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspect, pageReady, useConsole } from "./support/console";
import { serverApi } from "./support/server";

/** The console's Accounts page in Chromium: upload a CSV file, see its accounts; a bad row names its line and writes nothing. */
const { signedIn } = useConsole();

describe("the console's Accounts page", () => {
  it("uploads a CSV file and lists its accounts; a bad row is named by its line and nothing of that upload is written", async () => {
    const prefix = `acc-${crypto.randomUUID().slice(0, 8)}`;
    const dir = mkdtempSync(join(tmpdir(), "leadflare-accounts-"));
    const good = join(dir, "targets.csv");
    writeFileSync(good, `domain,name,employees,industry,tier,owner\n${prefix}-health.example,Acme Health,5000,healthcare,1,ae@example.com\n`);
    const { page } = await signedIn("/accounts");
    await pageReady(page, "accounts");
    await page.getByLabel("CSV file").setInputFiles(good);
    await expect.poll(() => page.getByLabel("Or paste the CSV").inputValue()).toContain(`${prefix}-health.example`);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator(".upload-written").getByText("1 account added, 0 updated.").waitFor();
    const table = page.getByRole("region", { name: "Target accounts" });
    await table.getByText(`${prefix}-health.example`).waitFor();
    expect(await table.getByRole("row", { name: new RegExp(`${prefix}-health\\.example`) }).innerText()).toMatch(/Acme Health\s+1\s+ae@example\.com\s+5000\s+healthcare/);
    await inspect(page, "accounts");

    await page.getByLabel("Or paste the CSV").fill(`domain,tier\n${prefix}-second.example,2\n${prefix}-third.example,7\n`);
    await page.getByRole("button", { name: "Upload" }).click();
    const alert = page.locator(".accounts-upload").getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toContain("rows[1].tier: line 3: the ABM tier: 1, 2 or 3");
    expect((await serverApi("GET", `/v1/accounts/${prefix}-second.example`)).status).toBe(404);
    await inspect(page, "accounts-refused");
  });
});
