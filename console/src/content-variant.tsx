import type { SlotKind } from "../../src/domain/config";
import type { JsonPath } from "../../src/domain/json-path";
import { errorAt, formatPath, problemsAt, type DraftProblem } from "./draft";
import { editDraft } from "./draft-store";
import { Field, TextField } from "./ui/field";

/**
 * The fields of one slot variant in the draft, fitting its kind: a text; a CTA's label and
 * URL; an offer's title, body, code and expiry; an image's URL and alt text; an html
 * snippet. Every keystroke edits the shared draft, and every problem the server's schema
 * finds is shown at its field (aria-invalid, aria-describedby) as the user types.
 */
export interface VariantFieldsProps {
  kind: SlotKind;
  /** `["slots", slot, "variants", segment]`. */
  path: JsonPath;
  value: unknown;
  problems: readonly DraftProblem[];
}

/** What a new own variant starts from when there is nothing to inherit. */
export const EMPTY_VARIANT: Record<SlotKind, unknown> = {
  text: "",
  html: "",
  cta: { label: "", url: "" },
  offer: { title: "", body: "" },
  image: { src: "", alt: "" },
};

/** The keys each object kind's fields edit: any other key's problem is listed above them. */
const FIELD_KEYS: Partial<Record<SlotKind, string[]>> = {
  cta: ["label", "url"],
  offer: ["title", "body", "code", "expiresAt"],
  image: ["src", "alt"],
};

export function VariantFields({ kind, path, value, problems }: VariantFieldsProps) {
  const fieldPaths = kind in FIELD_KEYS ? FIELD_KEYS[kind]!.map((key) => [...path, key]) : [path];
  // Problems of the variant no field shows: a wrong type, an unknown key.
  const elsewhere = problemsAt(problems, path, { within: true }).filter(
    (p) => !fieldPaths.some((at) => at.length === p.path.length && at.every((step, i) => p.path[i] === step)),
  );
  const object = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const text = (key: string) => (typeof object[key] === "string" ? (object[key] as string) : "");
  const props = (key: string, label: string, hint?: string, optional = false) => {
    const at = [...path, key];
    return {
      label,
      hint,
      value: text(key),
      // An optional field left empty is absent, not an empty string.
      onValue: (v: string) => editDraft(at, optional && v === "" ? undefined : v),
      error: errorAt(problems, at),
      "data-draft-path": formatPath(at),
    };
  };
  return (
    <div class="variant-fields" data-variant-editor>
      {elsewhere.length > 0 && (
        <div class="notice notice-error" data-draft-path={formatPath(path)} tabIndex={-1}>
          <p>This variant has problems:</p>
          <ul>
            {elsewhere.map((p) => (
              <li key={`${p.key}:${p.message}`}>
                <code>{p.key}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {kind === "text" && (
        <TextArea label="Text" rows={3} value={typeof value === "string" ? value : ""} path={path} problems={problems} hint="Shown as plain text (up to 2,000 characters)." />
      )}
      {kind === "html" && (
        <TextArea
          label="HTML"
          rows={8}
          value={typeof value === "string" ? value : ""}
          path={path}
          problems={problems}
          hint="Markup the slot's element gets (up to 20,000 characters)."
          mono
        />
      )}
      {kind === "cta" && (
        <>
          <TextField {...props("label", "Button label")} maxLength={200} />
          <TextField {...props("url", "Link URL", "A path on the site (/pricing) or an http(s) URL.")} inputMode="url" />
        </>
      )}
      {kind === "offer" && (
        <>
          <TextField {...props("title", "Title")} maxLength={200} />
          <TextArea label="Body" rows={3} value={text("body")} path={[...path, "body"]} problems={problems} />
          <TextField {...props("code", "Code (optional)", "A coupon code shown with the offer.", true)} maxLength={64} />
          <ExpiryField path={[...path, "expiresAt"]} value={object.expiresAt} problems={problems} />
        </>
      )}
      {kind === "image" && (
        <>
          <TextField {...props("src", "Image URL", "A path on the site (/img/banner.png) or an http(s) URL.")} inputMode="url" />
          <TextField {...props("alt", "Alt text", "What the image says, for people who cannot see it.")} maxLength={300} />
        </>
      )}
    </div>
  );
}

interface TextAreaProps {
  label: string;
  value: string;
  path: JsonPath;
  problems: readonly DraftProblem[];
  rows: number;
  hint?: string;
  mono?: boolean;
}

function TextArea({ label, value, path, problems, rows, hint, mono = false }: TextAreaProps) {
  return (
    <Field label={label} hint={hint} error={errorAt(problems, path)}>
      {(control) => (
        <textarea
          {...control}
          class={mono ? "mono" : undefined}
          rows={rows}
          value={value}
          data-draft-path={formatPath(path)}
          onInput={(e) => editDraft(path, e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

/**
 * The offer's end, in the browser's time zone; stored as UTC (`…Z`). A value the field
 * cannot show (not a date) shows empty, with the schema's problem beside it.
 */
function ExpiryField({ path, value, problems }: { path: JsonPath; value: unknown; problems: readonly DraftProblem[] }) {
  return (
    <TextField
      type="datetime-local"
      label="Ends (optional)"
      hint="In your time zone. After it, visitors get the inherited offer."
      value={toLocalInput(value)}
      onValue={(v) => editDraft(path, v === "" ? undefined : new Date(v).toISOString())}
      error={errorAt(problems, path)}
      data-draft-path={formatPath(path)}
    />
  );
}

function toLocalInput(value: unknown): string {
  if (typeof value !== "string") return "";
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return "";
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
