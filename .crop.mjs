import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
const [file, width, step, prefix] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: Number(width), height: Number(step) } });
await page.setContent(`<style>body{margin:0} img{display:block}</style><img src="data:image/png;base64,${readFileSync(file).toString("base64")}">`);
await page.waitForFunction(() => document.images[0].complete);
const h = await page.evaluate(() => document.images[0].naturalHeight);
for (let y = 0, i = 0; y < h; y += Number(step), i++) {
  await page.screenshot({ path: `/tmp/shots/${prefix}-${i}.png`, clip: { x: 0, y, width: Number(width), height: Math.min(Number(step), h - y) }, fullPage: true });
}
console.log(h);
await browser.close();
