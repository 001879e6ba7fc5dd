import type { Context } from "hono";
import type { PrivacyRequester } from "../app/privacy-requests";
import type { AppEnv } from "../env";
import { enqueueDeliveries } from "../services";

/** Who asks for an erase or export, for the audit: the server API's key, or the admin by name. */
export function privacyRequester(c: Context<AppEnv>, actor: string): PrivacyRequester {
  const destinations = Object.entries(c.var.config.doc.routing?.destinations ?? {})
    .filter(([name, d]) => d.type === "webhook" && c.var.routing.live.has(name))
    .map(([name]) => name);
  return {
    privacy: c.var.privacy, secret: c.env.LF_LINK_SECRET, actor, now: c.var.now,
    erasureNotices: { destinations, enqueue: (ids) => enqueueDeliveries(c.env, ids, 0, "erasure") },
  };
}

/** The server API has one credential (any of LF_API_KEY's rotating keys). */
export const SERVER_ACTOR = "LF_API_KEY";
export const adminActor = (c: Context<AppEnv>) => `admin:${c.var.admin!.author}`;
