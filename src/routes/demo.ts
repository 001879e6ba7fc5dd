import type { Context } from "hono";
import { identifyVisitor } from "../app/identity";
import { siteOrigin } from "../domain/email-content";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { demoFiles, demoImages } from "../generated/assets";
import { Email, VisitorId } from "./schemas";

/**
 * The demo site (src/demo/): a plain marketing site that uses the script tag exactly as a
 * customer would. Deliberately no Content-Security-Policy, so the browser tests prove the
 * script itself never runs markup that arrives as content.
 */
export const DEMO_ROUTES: [path: string, file: string][] = [
  ["/demo", "index.html"],
  ["/demo/", "index.html"],
  ["/demo/pricing", "pricing.html"],
  ["/demo/contact", "contact.html"],
  ["/demo/site.css", "site.css"],
];

const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", css: "text/css; charset=utf-8" };

export function demoFile(file: string) {
  const body = demoFiles[file];
  const type = TYPES[file.split(".").pop()!];
  if (body === undefined || !type) throw new Error(`demo file ${file} was not built (npm run build)`);
  return (c: Context<AppEnv>) => c.body(body, 200, { "content-type": type, "cache-control": "no-cache" });
}

/**
 * POST /demo/contact: where the demo's contact form submits, i.e. the site's own back end.
 * The browser's identify (the script sees the submit) is only a claim; this handler is what
 * a real site's server does after a form it trusts: it verifies the browser (its `lf_vid`
 * cookie) as the lead with the submitted email, through the same use case as
 * `POST /v1/leads/{email}/visitors`. Then it shows the thank-you note (post/redirect/get).
 */
export async function demoContactHandler(c: Context<AppEnv>): Promise<Response> {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const email = Email.safeParse(form.email);
  const visitorId = VisitorId.safeParse(/(?:^|;\s*)lf_vid=([^;]+)/.exec(c.req.header("cookie") ?? "")?.[1]);
  // Only where the worker is the site (npm start, the tests): deployed in front of a real
  // site (LF_SITE_ORIGIN elsewhere) this demo form must not verify anyone for anyone.
  const servesTheSite = siteOrigin(c.env.LF_SITE_ORIGIN) === new URL(c.req.url).origin;
  if (servesTheSite && email.success && visitorId.success) {
    await identifyVisitor(c.var.store, { visitorId: visitorId.data, email: email.data, verified: true, now: c.var.now });
  }
  return c.redirect("/demo/contact?sent=1#thanks", 303);
}

/**
 * GET /demo/img/<file>: the email banners the default configuration names, so an open of a
 * demo email (`/i/<token>` redirects here) shows a real image. Decoded once per isolate.
 */
const imageCache = new Map<string, Uint8Array<ArrayBuffer>>();
export function demoImageHandler(c: Context<AppEnv>): Response {
  const file = c.req.param("file") ?? "";
  const base64 = Object.hasOwn(demoImages, file) ? demoImages[file] : undefined;
  if (base64 === undefined) return c.json(errorBody("not_found", `No demo image ${file}.`), 404);
  let bytes = imageCache.get(file);
  if (!bytes) imageCache.set(file, (bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))));
  return c.body(bytes, 200, { "content-type": "image/png", "cache-control": "public, max-age=86400" });
}
