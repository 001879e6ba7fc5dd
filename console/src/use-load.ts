import { useCallback, useEffect, useState } from "preact/hooks";

export type Loaded<T> =
  | { state: "loading"; reload: () => void }
  | { state: "failed"; error: Error; reload: () => void }
  | { state: "ready"; data: T; reload: () => void };

/**
 * Data a page shows, loaded when `deps` change and again on `reload()`. An answer that
 * arrives after the deps changed (the user moved on) is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ state: "loading" } | { state: "failed"; error: Error } | { state: "ready"; data: T }>({ state: "loading" });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  useEffect(() => {
    let current = true;
    setState({ state: "loading" });
    load().then(
      (data) => current && setState({ state: "ready", data }),
      (error: unknown) => current && setState({ state: "failed", error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
    // The caller's deps, and a reload.
  }, [...deps, round]);
  return { ...state, reload };
}
