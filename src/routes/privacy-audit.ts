import type { Context } from "hono";
import type { PrivacyRequester } from "../app/privacy-requests";
import type { AppEnv } from "../env";

/** Who asks for an erase or export, for the audit: the server API's key, or the admin by name. */
export function privacyRequester(c: Context<AppEnv>, actor: string): PrivacyRequester {
  return { privacy: c.var.privacy, secret: c.env.LF_LINK_SECRET, actor, now: c.var.now };
}

/** The server API has one credential (any of LF_API_KEY's rotating keys). */
export const SERVER_ACTOR = "LF_API_KEY";
export const adminActor = (c: Context<AppEnv>) => `admin:${c.var.admin!.author}`;
