import type { ButtonHTMLAttributes } from "preact";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "danger";
  /** While an action runs: disabled, and says so to assistive technology. */
  busy?: boolean;
}

/** A button (type="button" unless told otherwise, so it never submits a form by accident). */
export function Button({ variant = "secondary", busy = false, type = "button", class: className, disabled, children, ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      class={["button", `button-${variant}`, className].filter(Boolean).join(" ")}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {children}
    </button>
  );
}
