import type { Context } from "hono";
import type { AppEnv } from "../env";

/**
 * The body of a file `npm run build` wrote under console/dist/site/ (p.js, the demo), which
 * wrangler.toml serves as Workers Static Assets so the bodies cost the worker bundle nothing.
 * Every request runs the worker first (`run_worker_first`) and no route passes /site/ through,
 * so these files are reachable only through the routes that call this and set their own
 * headers. `path` is one the build names (src/generated/assets.ts), never a request's.
 * A missing file is the build's fault, not the request's: it throws (a 500). Read whole (a
 * few KB at most), so the answer has a Content-Length as it did when the bodies were strings
 * in the bundle (the assets' HTML arrives as a stream of unknown length).
 */
export async function siteAsset(c: Context<AppEnv>, path: string): Promise<ArrayBuffer> {
  const res = await c.env.ASSETS.fetch(new URL(`/site/${path}`, c.req.url));
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`site/${path} was not built (npm run build): the assets answered ${res.status}`);
  }
  return res.arrayBuffer();
}
