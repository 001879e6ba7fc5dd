import { isbot } from "isbot";

/**
 * Whether a public request may be recorded. Global Privacy Control (`Sec-GPC: 1`) and
 * known bots/crawlers are served content but never written: the server enforces this,
 * whatever the script does.
 */
export function recordingAllowed(request: Request): boolean {
  if (globalPrivacyControl(request)) return false;
  return !isbot(request.headers.get("user-agent") ?? "");
}

/** The browser asked not to be tracked (`Sec-GPC: 1`). */
export function globalPrivacyControl(request: Request): boolean {
  return request.headers.get("sec-gpc")?.trim() === "1";
}
