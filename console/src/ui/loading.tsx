import type { ComponentChildren } from "preact";
import type { Loaded } from "../use-load";
import { Button } from "./button";
import { Notice } from "./status";

/** A page's data: "Loading…", the error with a Retry, or the page itself. */
export function Load<T>({ loaded, what, children }: { loaded: Loaded<T>; what: string; children: (data: T) => ComponentChildren }) {
  if (loaded.state === "loading") return <p class="loading" role="status">Loading {what}…</p>;
  if (loaded.state === "failed") {
    return (
      <Notice kind="error">
        <p>
          Could not load {what}: {loaded.error.message}
        </p>
        <Button onClick={loaded.reload}>Retry</Button>
      </Notice>
    );
  }
  return <>{children(loaded.data)}</>;
}
