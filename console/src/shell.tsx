import { useEffect, useRef, useState } from "preact/hooks";
import type { Session } from "./api";
import { pageAt, pages, type PageComponent, type PageDef } from "./pages/registry";
import { navigate, usePath } from "./router";
import { Button } from "./ui/button";
import { Link } from "./ui/link";
import { Notice } from "./ui/status";

/** Pages already loaded, so that coming back to one shows it at once. */
const loaded = new Map<string, PageComponent>();

function usePageComponent(page: PageDef | undefined): { component?: PageComponent; error?: Error } {
  const [, rerender] = useState(0);
  const [error, setError] = useState<Error>();
  const component = page && ("component" in page ? page.component : loaded.get(page.id));
  useEffect(() => {
    setError(undefined);
    if (!page || component || !("load" in page)) return;
    let current = true;
    page.load().then(
      (module) => {
        loaded.set(page.id, module.default);
        if (current) rerender((n) => n + 1);
      },
      (e: unknown) => current && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      current = false;
    };
  }, [page, component]);
  return { component, error };
}

/** The signed-in console: header (who, Sign out), navigation, and the page of the URL. */
export function Shell({ session, onSignOut, signingOut }: { session: Session; onSignOut: () => void; signingOut: boolean }) {
  const path = usePath();
  const match = pageAt(path);
  const { component: Page, error } = usePageComponent(match?.page);
  const heading = useRef<HTMLHeadingElement>(null);
  const previousPath = useRef(path);

  useEffect(() => {
    if (path === "/" && pages[0]) navigate(pages[0].path, { replace: true });
  }, [path]);
  useEffect(() => {
    document.title = `${match?.page.title ?? "Not found"} · Leadflare console`;
  }, [match?.page.id]);
  useEffect(() => {
    // After a navigation (also within a page: a version of History), focus the heading:
    // screen readers announce it, and Tab continues from there, not from a link that is gone.
    // Not on arrival, nor for /admin's redirect to the first page.
    if (previousPath.current !== path && previousPath.current !== "/") heading.current?.focus();
    previousPath.current = path;
  }, [path]);

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="header">
        <Link to={pages[0]?.path ?? "/"} class="brand">
          Leadflare
        </Link>
        <p class="signed-in">
          Signed in as <strong data-testid="author">{session.author}</strong>
          <span class="via">{session.via === "access" ? " (Cloudflare Access)" : ""}</span>
        </p>
        <Button onClick={onSignOut} busy={signingOut}>
          Sign out
        </Button>
      </header>
      <nav class="nav" aria-label="Console">
        <ul>
          {pages.map((page) => (
            <li key={page.id}>
              <Link to={page.path} aria-current={match?.page.id === page.id ? "page" : undefined}>
                {page.title}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="main" data-page={match?.page.id ?? "not-found"}>
        <h1 ref={heading} tabIndex={-1}>
          {match?.page.title ?? (path === "/" ? "Leadflare console" : "Not found")}
        </h1>
        {!match ? (
          path === "/" ? null : (
            <Notice kind="error">
              <p>
                There is no console page at {path}. <Link to={pages[0]?.path ?? "/"}>Go to {pages[0]?.title}</Link>.
              </p>
            </Notice>
          )
        ) : error ? (
          <Notice kind="error">
            <p>This page could not be loaded ({error.message}): reload the console.</p>
          </Notice>
        ) : Page ? (
          <Page key={match.page.id} rest={match.rest} session={session} />
        ) : (
          <p class="loading" role="status">
            Loading…
          </p>
        )}
      </main>
    </div>
  );
}
