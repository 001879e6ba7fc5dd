import type { Context } from "hono";
import type { AppEnv } from "../env";
import { clientScript } from "../generated/assets";
import { siteAsset } from "./site-asset";

/**
 * GET /p.js, the script tag. `/p.js` is what customers paste, so browsers keep it for an
 * hour and then revalidate in the background (a 304 when the ETag still matches): a fix
 * reaches every site within the hour. `/p.js?v=<version>` names one build and is cached
 * for a year. The body is a static asset (console/dist/site/p.js); a 304 does not read it.
 */
const ETAG = `"${clientScript.version}"`;
const SHORT = "public, max-age=3600, stale-while-revalidate=604800";
const PINNED = "public, max-age=31536000, immutable";

export async function clientScriptHandler(c: Context<AppEnv>): Promise<Response> {
  const headers = {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": c.req.query("v") === clientScript.version ? PINNED : SHORT,
    etag: ETAG,
    "x-content-type-options": "nosniff",
    // Public code: lets a page load it with `crossorigin` (and subresource integrity).
    "access-control-allow-origin": "*",
  };
  if (etagMatches(c.req.header("if-none-match"), ETAG)) return new Response(null, { status: 304, headers });
  return new Response(await siteAsset(c, "p.js"), { status: 200, headers });
}

/** `If-None-Match`: `*` or a list of (possibly weak) tags; compared weakly, as RFC 9110 says for GET. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}
