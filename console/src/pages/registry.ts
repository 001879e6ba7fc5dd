import type { ComponentType } from "preact";
import type { Session } from "../api";

/**
 * The console's pages, in navigation order. A new page is one file in this folder and one
 * line here: `{ id, title, path, load: () => import("./file") }` (a lazily loaded chunk whose
 * default export is the page), or `component` for one bundled with the shell. The shell
 * gives it the nav link, the `<h1>` (its title), the document title and focus on arrival.
 */
export interface PageProps {
  /** The path below the page's own: "" on /admin/history, "/12" on /admin/history/12. */
  rest: string;
  /** Who is signed in (the author of any change the page makes). */
  session: Session;
}

export type PageComponent = ComponentType<PageProps>;

export type PageDef = {
  /** Stable and unique: `data-page` on the page's `<main>`, for tests. */
  id: string;
  /** The nav link's text and the page's `<h1>`. */
  title: string;
  /** Under /admin: `/segments` serves /admin/segments and everything below it. */
  path: `/${string}`;
} & ({ component: PageComponent } | { load: () => Promise<{ default: PageComponent }> });

export const pages: PageDef[] = [
  { id: "segments", title: "Segments", path: "/segments", load: () => import("./segments") },
  { id: "content", title: "Content", path: "/content", load: () => import("./content") },
  { id: "rules", title: "Rules", path: "/rules", load: () => import("./rules") },
  { id: "try-it", title: "Try it", path: "/try", load: () => import("./try-it") },
  { id: "preview", title: "Preview", path: "/preview", load: () => import("./preview") },
  { id: "leads", title: "Leads", path: "/leads", load: () => import("./leads") },
  { id: "accounts", title: "Accounts", path: "/accounts", load: () => import("./accounts") },
  { id: "history", title: "History", path: "/history", load: () => import("./history") },
  { id: "reports", title: "Reports", path: "/reports", load: () => import("./reports") },
  { id: "lift", title: "Lift", path: "/lift", load: () => import("./lift") },
  { id: "routing", title: "Routing", path: "/routing", load: () => import("./routing") },
];

/** The page a console path belongs to, and the rest of the path below it. */
export function pageAt(path: string, all: readonly PageDef[] = pages): { page: PageDef; rest: string } | null {
  for (const page of all) {
    if (path === page.path || path.startsWith(`${page.path}/`)) return { page, rest: path.slice(page.path.length) };
  }
  return null;
}
