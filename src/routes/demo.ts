import type { Context } from "hono";
import { identifyVisitor } from "../app/identity";
import { siteOrigin } from "../domain/email-content";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { demoFiles, demoImages } from "../generated/assets";
import { Email, VisitorId } from "./schemas";
import { siteAsset } from "./site-asset";

/**
 * The demo site (src/demo/): a plain marketing site that uses the script tag exactly as a
 * customer would. Deliberately no Content-Security-Policy, so the browser tests prove the
 * script itself never runs markup that arrives as content. The files are static assets
 * (console/dist/site/demo/), served only through these routes.
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
  const type = TYPES[file.split(".").pop()!];
  if (!demoFiles.includes(file) || !type) throw new Error(`demo file ${file} was not built (npm run build)`);
  return async (c: Context<AppEnv>) => c.body(await siteAsset(c, `demo/${file}`), 200, { "content-type": type, "cache-control": "no-cache" });
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
 * demo email (`/i/<token>` redirects here) shows a real image. Only the names the build
 * wrote (static assets, console/dist/site/demo/img/); any other is a 404.
 */
export async function demoImageHandler(c: Context<AppEnv>): Promise<Response> {
  const file = c.req.param("file") ?? "";
  if (!demoImages.includes(file)) return c.json(errorBody("not_found", `No demo image ${file}.`), 404);
  return c.body(await siteAsset(c, `demo/img/${file}`), 200, { "content-type": "image/png", "cache-control": "public, max-age=86400" });
}
