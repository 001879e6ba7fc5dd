import { useEffect, useState } from "preact/hooks";

/**
 * Client routes under /admin with the History API: `/admin/history/12` is the console path
 * `/history/12`. The worker answers every such URL with index.html (src/routes/console.ts),
 * so a deep link or a reload lands on the same page.
 */
export const BASE = "/admin";

const CHANGE = "lf:navigate";

/** The path below /admin: "/" for /admin and /admin/. */
export function consolePath(pathname = location.pathname): string {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return rest === "" ? "/" : rest;
}

/** The full URL path of a console path: `/history` → `/admin/history`. */
export function href(path: string): string {
  return `${BASE}${path === "/" ? "/" : path}`;
}

export function navigate(path: string, { replace = false } = {}): void {
  const url = href(path);
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  dispatchEvent(new Event(CHANGE));
}

/** The current console path, re-rendering on navigation (links, back and forward). */
export function usePath(): string {
  const [path, setPath] = useState(consolePath);
  useEffect(() => {
    const update = () => setPath(consolePath());
    addEventListener("popstate", update);
    addEventListener(CHANGE, update);
    return () => {
      removeEventListener("popstate", update);
      removeEventListener(CHANGE, update);
    };
  }, []);
  return path;
}

/**
 * A click on an in-console link: navigate without reloading. Modified clicks (new tab,
 * new window) and other targets are left to the browser.
 */
export function followLink(event: MouseEvent, path: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
