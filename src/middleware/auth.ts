import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

type KeyName = "LF_API_KEY" | "LF_ADMIN_TOKEN";

/**
 * `Authorization: Bearer <key>` against one secret. Both sides are hashed first so the
 * constant-time comparison also hides the key's length.
 */
export function requireKey(name: KeyName) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const expected = c.env[name];
    const presented = bearerToken(c.req.header("authorization"));
    if (!presented) throw new ApiError(401, "unauthorized", "Missing Authorization: Bearer <key>.");
    if (!expected || !(await constantTimeEqual(presented, expected))) {
      throw new ApiError(401, "unauthorized", "The key is not valid for this endpoint.");
    }
    await next();
  });
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}
