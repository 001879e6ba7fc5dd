import type { Context } from "hono";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { demoFiles, demoImages } from "../generated/assets";

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
 * POST /demo/contact: where the demo's contact form submits. A real site would hand the
 * form to its CRM; the demo keeps nothing and shows its thank-you note (post/redirect/get).
 */
export function demoContactHandler(c: Context<AppEnv>): Response {
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
