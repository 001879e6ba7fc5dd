import type { ComponentChildren, PartialInputHTMLAttributes, VNode } from "preact";
import { useId } from "preact/hooks";

/** What a control needs from its Field: its id, and the ids that describe it. */
export interface FieldControl {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

export interface FieldProps {
  label: ComponentChildren;
  /** The problem with this value, shown at the field (and read with it). */
  error?: string | undefined;
  hint?: ComponentChildren;
  /** The control, given its id and aria attributes: `{(control) => <select {...control} />}`. */
  children: (control: FieldControl) => VNode;
}

/** A labelled control with its hint and its error message beside it. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      {hint && (
        <p id={hintId} class="field-hint">
          {hint}
        </p>
      )}
      {children({ id, "aria-describedby": describedBy, ...(error ? { "aria-invalid": true as const } : {}) })}
      {error && (
        <p id={errorId} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export interface TextFieldProps extends Omit<PartialInputHTMLAttributes<HTMLInputElement>, "label" | "value" | "id" | "role" | "type"> {
  type?: "text" | "password" | "email" | "url" | "search" | "tel" | "number" | "datetime-local";
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  error?: string | undefined;
  hint?: ComponentChildren;
}

/** A text input in a Field. */
export function TextField({ label, value, onValue, error, hint, type = "text", ...input }: TextFieldProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(control) => (
        // Preact types each input type separately; the props here suit all the listed types.
        <input {...input} type={type as "text"} {...control} value={value} onInput={(e) => onValue(e.currentTarget.value)} />
      )}
    </Field>
  );
}
