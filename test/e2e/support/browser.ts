import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";

/**
 * Debian's chromium, headless, with its background networking off (this machine has no
 * network). Playwright gives every launch a fresh, empty user-data-dir of its own.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const workerUrl = () => inject("workerUrl");

/** A new visitor: its own browser context (storage, cookies), and every script error it sees. */
export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors thrown on any page of this visitor. */
  errors: Error[];
}

/**
 * `antiFlickerMs`: the anti-flicker snippet's timeout as these pages see it. Tests that are
 * not about that timeout stretch it (default 10 s), so a busy machine taking more than the
 * snippet's 1 s to answer cannot turn into a failure; tests about it pass null.
 */
export async function newVisitor(
  browser: Browser,
  options: BrowserContextOptions = {},
  { antiFlickerMs = 10_000 }: { antiFlickerMs?: number | null } = {},
): Promise<Visitor> {
  // The server records no bots, and "HeadlessChrome" is one: present as the desktop Chrome
  // a real visitor would use.
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
  const context = await browser.newContext({ baseURL: workerUrl(), userAgent, ...options });
  if (antiFlickerMs !== null) {
    await context.addInitScript((ms) => {
      let hide: { t?: unknown } | undefined;
      Object.defineProperty(window, "lfHide", {
        configurable: true,
        get: () => hide,
        set: (value) => {
          hide = value;
          if (typeof hide?.t === "number") hide.t = Math.max(hide.t, ms);
        },
      });
    }, antiFlickerMs);
  }
  const errors: Error[] = [];
  context.on("page", (p) => p.on("pageerror", (e) => errors.push(e)));
  const page = await context.newPage();
  return { context, page, errors };
}

export interface SlotView {
  text: string;
  variant: string | null;
  href: string | null;
  visible: boolean;
  /** Offer fields by name, and whether each is shown. */
  fields: Record<string, { text: string; hidden: boolean }>;
  elementChildren: number;
}

/** What the reader sees in every `[data-lf-slot]` of the page. */
export async function slots(page: Page): Promise<Record<string, SlotView>> {
  const views = await page.$$eval("[data-lf-slot]", (els) =>
    els.map((el) => {
      const style = getComputedStyle(el);
      const fields: Record<string, { text: string; hidden: boolean }> = {};
      el.querySelectorAll<HTMLElement>("[data-lf-field]").forEach((f) => {
        fields[f.dataset.lfField!] = { text: f.textContent ?? "", hidden: f.hidden };
      });
      return [
        el.getAttribute("data-lf-slot")!,
        {
          text: (el.textContent ?? "").trim(),
          variant: el.getAttribute("data-lf-variant"),
          href: el.getAttribute("href"),
          visible: style.visibility === "visible" && style.display !== "none",
          fields,
          elementChildren: el.children.length,
        },
      ] as const;
    }),
  );
  return Object.fromEntries(views);
}

/** Waits until the script has applied content to the page's hero slot. */
export async function applied(page: Page): Promise<Record<string, SlotView>> {
  await page.waitForSelector('[data-lf-slot="hero"][data-lf-variant]', { state: "attached" });
  return slots(page);
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One request a page made to the worker's API, and (once settled) how it was answered. */
export interface ApiCall {
  path: string;
  body: any;
  /** Status and JSON body; status null when the request failed. */
  answered: Promise<{ status: number | null; json: any }>;
}

/**
 * Records every API request of a context in order, beacons included (they can outlive
 * their page, so this listens on the context). Answers are read as they arrive, before a
 * navigation can discard them.
 */
export function apiTraffic(context: BrowserContext): ApiCall[] {
  const calls: ApiCall[] = [];
  const settle = new Map<Request, (answer: { status: number | null; json: any }) => void>();
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith("/v1/")) return;
    calls.push({ path: url.pathname, body: request.postDataJSON(), answered: new Promise((resolve) => settle.set(request, resolve)) });
  });
  context.on("response", async (response) => {
    const json = await response.json().catch(() => null);
    settle.get(response.request())?.({ status: response.status(), json });
  });
  context.on("requestfailed", (request) => settle.get(request)?.({ status: null, json: null }));
  return calls;
}

/** One chromium for the test file: launched before its tests, closed after them. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("chromium is not running");
    return browser;
  };
}
