import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useMemo, useRef, useState } from "preact/hooks";

export type StatusKind = "success" | "error" | "info";

interface Toast {
  id: number;
  kind: StatusKind;
  message: string;
}

type Notify = (message: string, kind?: StatusKind) => void;

const StatusContext = createContext<Notify>(() => {});

/** How long a toast stays; an error stays until dismissed. */
const TOAST_MS = 6000;

/**
 * Status messages for the whole console: always-present live regions (polite for news,
 * assertive for errors), so that screen readers announce what a page reports.
 */
export function StatusProvider({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const notify = useCallback<Notify>(
    (message, kind = "info") => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { id, kind, message }]);
      if (kind !== "error") setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );
  const region = (errors: boolean) => (
    <div class="toasts" role={errors ? "alert" : "status"} aria-live={errors ? "assertive" : "polite"}>
      {toasts
        .filter((t) => (t.kind === "error") === errors)
        .map((t) => (
          <div key={t.id} class={`toast toast-${t.kind}`}>
            <span>{t.message}</span>
            <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
    </div>
  );
  return (
    <StatusContext.Provider value={useMemo(() => notify, [notify])}>
      {children}
      <div class="toast-stack">
        {region(false)}
        {region(true)}
      </div>
    </StatusContext.Provider>
  );
}

/** `notify("Version 12 is active", "success")`: a toast, announced to assistive technology. */
export function useStatus(): Notify {
  return useContext(StatusContext);
}

/** A message inside a page: an error (announced at once) or a note. */
export function Notice({ kind = "info", children }: { kind?: StatusKind; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === "error" ? "alert" : undefined}>
      {children}
    </div>
  );
}
