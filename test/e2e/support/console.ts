import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { importJWK, SignJWT } from "jose";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterEach, expect, inject } from "vitest";
import { newVisitor, useChromium } from "./browser";
import { ACCESS_AUD, ACCESS_TEAM, ADMIN_TOKEN } from "./worker";

/**
 * The console in Chromium, for each page's browser test (test/e2e/console-*.test.ts):
 *
 *   const { signedIn } = useConsole();
 *   it("…", async () => {
 *     const { page } = await signedIn();           // signed in once per file, then reused
 *     await openPage(page, "/segments");            // or a click in the nav
 *     await inspect(page, "segments");              // axe + screenshots at both sizes
 *   });
 *
 * Sign-in is limited to 10 a minute per IP (LIMIT_SIGN_IN_IP) for the whole run: a file
 * signs in through the form once, and every later context starts from its storage state.
 * A test that signs out must sign in a context of its own (`freshSignIn`).
 */

/** The two sizes every page is checked and photographed at: a laptop and a phone. */
export const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Git-ignored (test-results/): look at them before a console change is done. */
export const SCREENSHOTS = join(ROOT, "test-results", "console");

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors (a CSP violation is one) of this context's pages. */
  problems: string[];
}

/** A context on the console; its page errors and console errors are collected (and checked after each test). */
async function consoleContext(browser: Browser, options: BrowserContextOptions, all: ConsolePage[]): Promise<ConsolePage> {
  const { context, page, errors } = await newVisitor(browser, { viewport: SIZES[0], ...options }, { antiFlickerMs: null });
  const problems: string[] = [];
  const watch = (p: Page) =>
    p.on("console", (message) => {
      // Chromium logs every 4xx answer as a failed resource: the API's refusals are part of the
      // console's flows (401 before sign-in, 422, 409), shown by the page itself.
      if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
  watch(page);
  context.on("page", watch);
  const consolePage: ConsolePage = {
    context,
    page,
    get problems() {
      return [...problems, ...errors.map((e) => `page error: ${e.message}`)];
    },
  };
  all.push(consolePage);
  return consolePage;
}

/** Fills the sign-in form with `token` and submits it (the page must be showing it). */
export async function submitSignIn(page: Page, token: string): Promise<void> {
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export function useConsole() {
  const chromium = useChromium();
  let storageState: Awaited<ReturnType<BrowserContext["storageState"]>> | undefined;
  const contexts: ConsolePage[] = [];

  afterEach(async () => {
    const open = contexts.splice(0);
    try {
      for (const c of open) expect(c.problems, "errors in the console's pages").toEqual([]);
    } finally {
      await Promise.all(open.map((c) => c.context.close()));
    }
  });

  /** A new context on the console's sign-in page, not signed in. */
  async function signedOut(path = "/segments", options: BrowserContextOptions = {}): Promise<ConsolePage> {
    const c = await consoleContext(chromium(), options, contexts);
    await c.page.goto(`/admin${path}`);
    await c.page.getByRole("heading", { name: "Sign in to Leadflare" }).waitFor();
    return c;
  }

  /** A context signed in through the sign-in form, with a session of its own. */
  async function freshSignIn(path = "/segments", options: BrowserContextOptions = {}): Promise<ConsolePage> {
    const c = await signedOut(path, options);
    await submitSignIn(c.page, ADMIN_TOKEN);
    await c.page.getByRole("button", { name: "Sign out" }).waitFor();
    return c;
  }

  /**
   * A signed-in context on `path`: the file's first call signs in through the form, later
   * ones reuse its session (the storage state: the HttpOnly cookie).
   */
  async function signedIn(path = "/segments", options: BrowserContextOptions = {}): Promise<ConsolePage> {
    if (!storageState) {
      const c = await freshSignIn(path, options);
      storageState = await c.context.storageState();
      return c;
    }
    const c = await consoleContext(chromium(), { ...options, storageState }, contexts);
    await c.page.goto(`/admin${path}`);
    await c.page.getByRole("button", { name: "Sign out" }).waitFor();
    return c;
  }

  /** A context signed in by Cloudflare Access (its JWT on every request), as `email`. */
  async function viaAccess(email: string, path = "/segments"): Promise<ConsolePage> {
    const c = await consoleContext(chromium(), { extraHTTPHeaders: { "cf-access-jwt-assertion": await accessToken(email) } }, contexts);
    await c.page.goto(`/admin${path}`);
    return c;
  }

  return { chromium, signedIn, signedOut, freshSignIn, viaAccess };
}

/** A Cloudflare Access application token for the e2e worker (its LF_ACCESS_* and keys). */
export async function accessToken(email: string): Promise<string> {
  const jwk = JSON.parse(inject("accessSigningKey")) as { kid: string };
  const key = await importJWK(jwk, "RS256");
  return new SignJWT({ email, type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
    .setIssuer(`https://${ACCESS_TEAM}`)
    .setAudience(ACCESS_AUD)
    .setSubject(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(key);
}

/** Goes to a console path in the running app (no reload), as a link in it would. */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(null, "", to);
    dispatchEvent(new Event("lf:navigate"));
  }, `/admin${path}`);
}

/** The console's `<main>` once the page `id` (registry) has loaded and shows no "Loading…". */
export async function pageReady(page: Page, id: string): Promise<void> {
  await page.locator(`main[data-page="${id}"]`).waitFor();
  await expect.poll(() => page.locator("main .loading").count(), { message: `${id} still loading`, timeout: 10_000 }).toBe(0);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * axe-core run inside the page (evaluated through the DevTools protocol, which the page's
 * CSP does not govern: the console itself keeps its no-inline-script policy); fails on any
 * serious or critical violation, naming each with the elements it found.
 */
export async function axeCheck(page: Page, label = page.url()): Promise<void> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const told = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`).join("\n")}`);
  expect(told, `axe at ${label}`).toEqual([]);
}

/** Full-page screenshots at both sizes: test-results/console/<name>-<width>x<height>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await atEachSize(page, async (size) => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}x${size.height}.png`), fullPage: true });
  });
}

/** axe and a screenshot at each size: what every page's test does once it shows its content. */
export async function inspect(page: Page, name: string): Promise<void> {
  await atEachSize(page, async (size) => {
    await axeCheck(page, `${name} at ${size.width}×${size.height}`);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}x${size.height}.png`), fullPage: true });
  });
}

/**
 * With LF_DOCS_SCREENSHOT=1 only: the page as a laptop shows it (1280×800, no scrolling) into
 * docs/<file>, the README's picture. `LF_DOCS_SCREENSHOT=1 npx vitest run --config
 * vitest.e2e.config.ts test/e2e/console.test.ts` refreshes it.
 */
export async function docsScreenshot(page: Page, file: string): Promise<void> {
  if (!process.env.LF_DOCS_SCREENSHOT) return;
  await page.setViewportSize(SIZES[0]);
  await page.screenshot({ path: join(ROOT, "docs", file) });
}

async function atEachSize(page: Page, run: (size: (typeof SIZES)[number]) => Promise<void>): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  try {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      // One frame for the layout of the new width.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await run(size);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/**
 * At 390 px wide: what makes the page scroll sideways, empty when nothing does (a table's own
 * scrolling region may be wider: it scrolls, not the page).
 */
export async function scrollsSideways(page: Page): Promise<string[]> {
  await page.setViewportSize(SIZES[1]);
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const wide = [...document.querySelectorAll("main *")].filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".table-scroll"));
    return [`the page is ${document.documentElement.scrollWidth} px wide`, ...wide.slice(0, 5).map((el) => `${el.tagName}.${el.className}`)];
  });
}
