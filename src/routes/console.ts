import type { Context } from "hono";
import type { AppEnv } from "../env";

/**
 * The console SPA at /admin: its files are Workers Static Assets (console/dist/admin/, see
 * wrangler.toml), so they cost the worker bundle nothing and hold no data (everything comes
 * through the authenticated admin API). A path that is no file (a client route such as
 * /admin/history/12) gets index.html, so deep links and reloads work. Every answer carries
 * the console's security headers: no inline script or style, no framing, no referrer abroad.
 */
const HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; " +
    "font-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

export async function consoleHandler(c: Context<AppEnv>): Promise<Response> {
  let res = await c.env.ASSETS.fetch(c.req.raw);
  // No file, and not under the build's own assets/: one of the SPA's routes, even one that
  // ends like a file name (a lead's page, /admin/leads/ada@example.com).
  if (res.status === 404 && !c.req.path.startsWith("/admin/assets/")) res = await c.env.ASSETS.fetch(new URL("/admin/index.html", c.req.url));
  res = new Response(res.body, res);
  for (const [name, value] of Object.entries(HEADERS)) res.headers.set(name, value);
  return res;
}
