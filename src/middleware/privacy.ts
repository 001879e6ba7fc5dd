import type { Context } from "hono";
import { isbot } from "isbot";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/**
 * Who is behind a request to the public endpoints, as far as recording goes. A browser
 * calls them directly; a site's server calls them with the server key (a "server call")
 * and may forward its visitor's context, which then stands in for the request's own
 * User-Agent, country and language: those describe the server, not the visitor.
 */

/**
 * Why an answer recorded nothing. `read_only`: `GET /v1/personalize` never records;
 * `daily_cap`: the visitor's public events reached today's points cap.
 */
export const NOT_RECORDED_REASONS = ["bot", "gpc", "preview", "consent", "read_only", "daily_cap"] as const;
export type NotRecordedReason = (typeof NOT_RECORDED_REASONS)[number];

/** What a site's server forwards about its visitor (server calls only). */
export interface ForwardedContext {
  userAgent?: string | undefined;
  ip?: string | undefined;
  country?: string | undefined;
  language?: string | undefined;
  asOrganization?: string | undefined;
}

/** The privacy fields of a public request body. */
export interface PrivacyInput {
  gpc?: boolean | undefined;
  consent?: boolean | undefined;
  context?: ForwardedContext | undefined;
}

export interface Visitor {
  /** Why nothing may be recorded; null when it may. */
  notRecorded: "bot" | "gpc" | "consent" | null;
  /**
   * Whether the visitor's stored state may be read. With GPC or without consent the answer
   * comes from the request alone; a bot is not recorded but still gets the visitor's real
   * state (a crawler has no visitor id of anyone's, so nothing leaks).
   */
  readsStoredState: boolean;
  country: string | undefined;
  /** An Accept-Language value. */
  language: string | undefined;
  /** The network's organization (`request.cf.asOrganization`), lower-cased: an account's network names it. */
  asOrganization: string | undefined;
}

/** The visitor of this request. A public call carrying `context` is refused (401) before anything is read or written. */
export function visitorOf(c: Context<AppEnv>, input: PrivacyInput = {}): Visitor {
  const server = c.var.serverCall === true;
  if (input.context && !server) {
    throw new ApiError(401, "unauthorized", "`context` is accepted only from server calls (Authorization: Bearer <LF_API_KEY>); nothing was recorded.");
  }
  const forwarded = input.context ?? {};
  const gpc = input.gpc === true || globalPrivacyControl(c.req.raw);
  // A server call that forwards no User-Agent cannot tell a person from a crawler.
  const bot = server ? !forwarded.userAgent?.trim() || isbot(forwarded.userAgent) : isbot(c.req.header("user-agent") ?? "");
  const notRecorded = gpc ? "gpc" : input.consent === false ? "consent" : bot ? "bot" : null;
  return {
    notRecorded,
    readsStoredState: notRecorded === null || notRecorded === "bot",
    country: server ? forwarded.country : (c.req.raw.cf?.country as string | undefined),
    language: server ? forwarded.language : c.req.header("accept-language"),
    asOrganization: networkName(server ? forwarded.asOrganization : (c.req.raw.cf?.asOrganization as string | undefined)),
  };
}

/** An organization name as account_networks keys it: trimmed, lower-cased. */
export function networkName(name: string | undefined): string | undefined {
  const key = name?.trim().toLowerCase();
  return key ? key : undefined;
}

/** The answer's `recorded` and, when nothing was recorded, `reason` (no other detail). */
export function recordingOutcome(reason: NotRecordedReason | null): { recorded: true } | { recorded: false; reason: NotRecordedReason } {
  return reason === null ? { recorded: true } : { recorded: false, reason };
}

/** The browser asked not to be tracked (`Sec-GPC: 1`). */
export function globalPrivacyControl(request: Request): boolean {
  return request.headers.get("sec-gpc")?.trim() === "1";
}
