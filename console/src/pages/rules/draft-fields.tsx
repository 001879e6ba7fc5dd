import { createContext, type ComponentChildren } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { JsonPath } from "../../../../src/domain/json-path";
import { errorAt, formatPath, problemsAt, valueAt, type DraftProblem } from "../../draft";
import { editDraft } from "../../draft-store";
import { Field, TextField } from "../../ui/field";

/**
 * Controls bound to one place in the shared draft (console/src/draft-store.ts): each shows
 * the draft's value at its path and the draft's problems there, and writes every edit
 * straight into the draft. Each control carries `data-path` (the path as the API writes
 * it) so that the list of problems can focus the field a problem is at.
 */

export interface RulesDraft {
  /** The draft document: any JSON (it may not validate; every read is defensive). */
  document: unknown;
  problems: DraftProblem[];
}

export const RulesContext = createContext<RulesDraft>({ document: undefined, problems: [] });

export const useRules = () => useContext(RulesContext);

export const pathAttr = (path: JsonPath) => formatPath(path);

/**
 * Focuses the field of `path`, or of the nearest place above it that has one (a problem
 * deep in a condition lands on that condition's JSON). Opens any closed `<details>` on the
 * way. Returns false when this page shows nothing for it.
 */
export function focusPath(path: JsonPath): boolean {
  for (let length = path.length; length > 0; length--) {
    const selector = `[data-path="${CSS.escape(formatPath(path.slice(0, length)))}"]`;
    const target = document.querySelector<HTMLElement>(selector);
    if (!target) continue;
    for (let d = target.closest("details"); d; d = d.parentElement?.closest("details") ?? null) d.open = true;
    target.focus();
    target.scrollIntoView({ block: "center" });
    return true;
  }
  return false;
}

const numberText = (value: unknown) => (typeof value === "number" ? String(value) : "");

/**
 * A number in the draft. An empty field removes the value (the draft then says it is
 * required, where it is); text that is not a number stays in the field, not in the draft.
 */
export function DraftNumber({ label, path, hint, step = "any" }: { label: ComponentChildren; path: JsonPath; hint?: ComponentChildren; step?: string }) {
  const { document, problems } = useRules();
  const value = valueAt(document, path);
  const [text, setText] = useState(numberText(value));
  const [local, setLocal] = useState<string>();
  useEffect(() => {
    // Changed elsewhere (the JSON editor, another tab's page): show the draft's value.
    if ((text.trim() === "" ? undefined : Number(text)) !== value) {
      setText(numberText(value));
      setLocal(undefined);
    }
  }, [value]);
  return (
    <TextField
      type="number"
      step={step}
      label={label}
      hint={hint}
      value={text}
      data-path={pathAttr(path)}
      error={local ?? errorAt(problems, path)}
      onValue={(next) => {
        setText(next);
        const number = Number(next);
        if (next.trim() === "") {
          setLocal(undefined);
          editDraft(path, undefined);
        } else if (Number.isFinite(number)) {
          setLocal(undefined);
          editDraft(path, number);
        } else setLocal("Enter a number.");
      }}
    />
  );
}

/** A string in the draft; with `optional`, an empty field removes it. */
export function DraftText({ label, path, hint, optional = false }: { label: ComponentChildren; path: JsonPath; hint?: ComponentChildren; optional?: boolean }) {
  const { document, problems } = useRules();
  const value = valueAt(document, path);
  return (
    <TextField
      label={label}
      hint={hint}
      value={typeof value === "string" ? value : ""}
      data-path={pathAttr(path)}
      error={errorAt(problems, path)}
      onValue={(next) => editDraft(path, optional && next === "" ? undefined : next)}
    />
  );
}

/** One of a fixed set of strings in the draft. */
export function DraftSelect({ label, path, options }: { label: ComponentChildren; path: JsonPath; options: readonly string[] }) {
  const { document, problems } = useRules();
  const value = valueAt(document, path);
  const current = typeof value === "string" ? value : "";
  const shown = options.includes(current) ? options : [current, ...options];
  return (
    <Field label={label} error={errorAt(problems, path)}>
      {(control) => (
        <select {...control} data-path={pathAttr(path)} value={current} onChange={(e) => editDraft(path, e.currentTarget.value)}>
          {shown.map((option) => (
            <option key={option} value={option}>
              {option || "(none)"}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function sameJson(text: string, value: unknown): boolean {
  if (text.trim() === "") return value === undefined;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/**
 * Any value of the draft as JSON: for what the structured editors do not show. An empty
 * field removes the value; text that is not JSON stays here (said at the field) until it
 * is. It shows every problem at or below its path, each named by where below it is.
 */
export function JsonField({ label, path, hint, rows = 6 }: { label: ComponentChildren; path: JsonPath; hint?: ComponentChildren; rows?: number }) {
  const { document, problems } = useRules();
  const value = valueAt(document, path);
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [text, setText] = useState(shown);
  const [parseError, setParseError] = useState<string>();
  useEffect(() => {
    if (!sameJson(text, value)) {
      setText(shown);
      setParseError(undefined);
    }
  }, [shown]);
  const below = problemsAt(problems, path, { within: true }).map((p) =>
    p.path.length > path.length ? `${formatPath(p.path.slice(path.length))}: ${p.message}` : p.message,
  );
  return (
    <Field label={label} hint={hint} error={parseError ?? (below.length ? below.join("; ") : undefined)}>
      {(control) => (
        <textarea
          {...control}
          class="json-input"
          data-path={pathAttr(path)}
          rows={rows}
          spellcheck={false}
          value={text}
          onInput={(e) => {
            const next = e.currentTarget.value;
            setText(next);
            if (next.trim() === "") {
              setParseError(undefined);
              editDraft(path, undefined);
              return;
            }
            try {
              const parsed: unknown = JSON.parse(next);
              setParseError(undefined);
              editDraft(path, parsed);
            } catch (error) {
              setParseError(`Not JSON yet (${(error as Error).message}); the draft keeps its last valid value.`);
            }
          }}
        />
      )}
    </Field>
  );
}

/** The list at `path` in the draft ([] when it is not one). */
export function listAt(document: unknown, path: JsonPath): unknown[] {
  const value = valueAt(document, path);
  return Array.isArray(value) ? value : [];
}

/** The object at `path` in the draft ({} when it is not one). */
export function objectAt(document: unknown, path: JsonPath): Record<string, unknown> {
  const value = valueAt(document, path);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Moves item `from` of the list at `path` to `to`. */
export function moveItem(document: unknown, path: JsonPath, from: number, to: number): void {
  const list = [...listAt(document, path)];
  if (to < 0 || to >= list.length) return;
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item);
  editDraft(path, list);
}
