import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

type KeyName = "LF_API_KEY" | "LF_ADMIN_TOKEN";

/**
 * `Authorization: Bearer <key>` against one secret. Both sides are hashed first so the
 * constant-time comparison also hides the key's length. With `basic`, HTTP Basic with the
 * key as the password (any user name) is accepted too: some ESPs can only send Basic.
 */
export function requireKey(name: KeyName, options: { basic?: boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await checkKey(c.env[name], c.req.header("authorization"), options);
    await next();
  });
}

/**
 * The public endpoints: no `Authorization` is a public call; the server key makes it a
 * server call (`c.var.serverCall`). Any other Authorization is a 401, never silently
 * public: a server with a wrong or stale key must hear about it.
 */
export const optionalServerKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (header !== undefined) await checkKey(c.env.LF_API_KEY, header, {});
  c.set("serverCall", header !== undefined);
  await next();
});

async function checkKey(expected: string | undefined, header: string | undefined, options: { basic?: boolean }): Promise<void> {
  const presented = bearerToken(header) ?? (options.basic ? basicPassword(header) : null);
  if (!presented) {
    const accepted = options.basic ? "Bearer <key>, or Basic with the key as password" : "Bearer <key>";
    throw new ApiError(401, "unauthorized", `Missing Authorization: ${accepted}.`);
  }
  if (!expected || !(await constantTimeEqual(presented, expected))) {
    throw new ApiError(401, "unauthorized", "The key is not valid for this endpoint.");
  }
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/** The password of `Authorization: Basic base64(user:password)`; null when absent or malformed. */
export function basicPassword(header: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? "");
  if (!match) return null;
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(match[1]!), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
  // The user name is ignored, whatever its encoding; only the password must be UTF-8.
  const colon = bytes.indexOf(0x3a);
  if (colon < 0 || colon === bytes.length - 1) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes.subarray(colon + 1));
  } catch {
    return null;
  }
}

export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}
