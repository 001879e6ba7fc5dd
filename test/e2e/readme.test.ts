import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** README's "Add it to your site" must be what the demo site does, line for line. */
const root = new URL("../../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const section = /\n## Add it to your site\n([\s\S]*?)(?=\n## )/.exec(readme)?.[1] ?? "";
const readmeLines = [...section.matchAll(/```html\n([\s\S]*?)```/g)].flatMap((m) => lines(m[1]!));
const demoDir = new URL("src/demo/", root);
const demoPages = readdirSync(demoDir)
  .filter((f) => f.endsWith(".html"))
  .map((f) => ({ file: f, lines: lines(readFileSync(new URL(f, demoDir), "utf8")) }));

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A demo line is Leadflare's (not the demo's own site) when it uses one of these. */
const LEADFLARE = /data-lf-|lf-hide|lfHide|\/p\.js|window\.leadflare|leadflare\.push|lf-segment/;

describe("README: Add it to your site", () => {
  it("has the snippet, the markup and the identify form", () => {
    expect(readmeLines.length).toBeGreaterThan(10);
    expect(readmeLines).toContain('<script async src="/p.js"></script>');
    expect(readmeLines.some((l) => l.includes("data-lf-identify"))).toBe(true);
  });

  it("every line of it is in the demo site", () => {
    const missing = readmeLines.filter((line) => !demoPages.some((page) => page.lines.includes(line)));
    expect(missing).toEqual([]);
  });

  it("every Leadflare line of the demo site is in it", () => {
    const missing = demoPages.flatMap((page) => page.lines.filter((l) => LEADFLARE.test(l) && !readmeLines.includes(l)).map((l) => `${page.file}: ${l}`));
    expect(missing).toEqual([]);
  });
});
