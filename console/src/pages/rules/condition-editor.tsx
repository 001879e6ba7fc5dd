import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { conditionWords, factLabel } from "../../../../src/domain/condition-words";
import { FIXED_FACTS } from "../../../../src/domain/config";
import { customFactPaths } from "../../../../src/domain/custom-traits";
import type { Condition } from "../../../../src/domain/conditions";
import type { JsonPath } from "../../../../src/domain/json-path";
import { errorAt, valueAt } from "../../draft";
import { editDraft } from "../../draft-store";
import { Button } from "../../ui/button";
import { Field } from "../../ui/field";
import { conditionOf, OPERATOR_WORDS, OPERATORS, rowsOf, valueFor, type Operator, type Row, type RowValue, type Rows } from "./condition-rows";
import { JsonField, objectAt, pathAttr, useRules } from "./draft-fields";

/** Facts compared as numbers; every other fact is text. */
const isNumeric = (fact: string) => /^(company\.employees|company\.revenue|engagement\.score|fit\.score|score|signals\..+)$/.test(fact);

/** The facts a condition may use: the fixed ones, the draft's declared signals and custom traits. */
function factOptions(document: unknown, current: readonly string[]): string[] {
  const signals = Object.keys(objectAt(document, ["signals"])).map((id) => `signals.${id}`);
  const known = [...FIXED_FACTS, ...signals, ...customFactPaths(objectAt(document, ["traits"]))];
  return [...known, ...current.filter((fact) => !known.includes(fact))];
}

/**
 * A condition of the draft (a segment's rule, a level's "or when", a fit rule) as rows of
 * fact, comparison and value, all or any of them holding; always also as JSON, and only as
 * JSON when it uses more than rows can show. `label` names it ("Rule of Enterprise Hot").
 */
export function ConditionEditor({ path, label }: { path: JsonPath; label: string }) {
  const { document } = useRules();
  const condition = valueAt(document, path);
  const shown = rowsOf(condition);
  const [jsonOpen, setJsonOpen] = useState(false);
  const words = typeof condition === "object" && condition !== null ? conditionWords(condition as Condition) : "";
  return (
    <fieldset class="condition" data-path-group={pathAttr(path)}>
      <legend>{label}</legend>
      <p class="condition-words">
        In words: <strong>{words || "always (no condition)"}</strong>
      </p>
      {shown ? (
        <ConditionRows path={path} rows={shown} label={label} />
      ) : (
        <p class="muted">This condition uses more than the fields here can show: edit it as JSON.</p>
      )}
      {/* One JSON field whichever way the condition is shown, so typing in it never loses the focus. */}
      <details class="as-json" open={jsonOpen || !shown} onToggle={(e) => setJsonOpen(e.currentTarget.open)}>
        <summary>Edit as JSON</summary>
        <JsonField label={`${label} as JSON`} path={path} rows={shown ? 6 : 8} hint="Any condition GrowthBook's syntax allows; empty for none." />
      </details>
    </fieldset>
  );
}

function ConditionRows({ path, rows: shown, label }: { path: JsonPath; rows: Rows; label: string }) {
  const { document, problems } = useRules();
  const { paths } = conditionOf(shown);
  const write = (next: Rows) => editDraft(path, conditionOf(next).condition);
  const change = (index: number, row: Row) => write({ ...shown, rows: shown.rows.map((r, i) => (i === index ? row : r)) });
  const facts = factOptions(document, shown.rows.map((r) => r.fact));
  return (
    <>
      {shown.rows.length > 1 && (
        <Field label="Holds when">
          {(control) => (
            <select {...control} value={shown.mode} onChange={(e) => write({ ...shown, mode: e.currentTarget.value as Rows["mode"] })}>
              <option value="all">all of these hold</option>
              <option value="any">any of these holds</option>
            </select>
          )}
        </Field>
      )}
      <ol class="condition-rows">
        {shown.rows.map((row, i) => {
          const at = [...path, ...paths[i]!];
          const factAt = row.op === "$eq" ? at : at.slice(0, -1);
          const numeric = isNumeric(row.fact);
          const n = <span class="visually-hidden"> of {label}, line {i + 1}</span>;
          return (
            <li key={i} class="condition-row" data-row-fact={row.fact}>
              <Field label={<>Fact{n}</>} error={row.op === "$eq" ? undefined : errorAt(problems, factAt)}>
                {(control) => (
                  <select
                    {...control}
                    data-path={row.op === "$eq" ? undefined : pathAttr(factAt)}
                    value={row.fact}
                    onChange={(e) => {
                      const fact = e.currentTarget.value;
                      change(i, { fact, op: row.op, value: valueFor(row.op, row.value, isNumeric(fact)) });
                    }}
                  >
                    {facts.map((fact) => (
                      <option key={fact} value={fact}>
                        {factLabel(fact) === fact ? fact : `${factLabel(fact)} (${fact})`}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={<>Comparison{n}</>}>
                {(control) => (
                  <select
                    {...control}
                    value={row.op}
                    onChange={(e) => {
                      const op = e.currentTarget.value as Operator;
                      change(i, { ...row, op, value: valueFor(op, row.value, numeric) });
                    }}
                  >
                    {OPERATORS.map((op) => (
                      <option key={op} value={op}>
                        {OPERATOR_WORDS[op]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <ValueInput
                label={<>Value{n}</>}
                row={row}
                numeric={numeric}
                path={at}
                error={errorAt(problems, at)}
                onValue={(value) => change(i, { ...row, value })}
              />
              <Button class="condition-remove" onClick={() => write({ ...shown, rows: shown.rows.filter((_, j) => j !== i) })}>
                Remove<span class="visually-hidden"> line {i + 1} of {label}</span>
              </Button>
            </li>
          );
        })}
      </ol>
      <Button onClick={() => write({ ...shown, rows: [...shown.rows, { fact: "score", op: "$gte", value: 0 }] })}>
        Add a line<span class="visually-hidden"> to {label}</span>
      </Button>
    </>
  );
}

const valueText = (value: RowValue) => (Array.isArray(value) ? value.join(", ") : String(value));

/** Text to a row's value: numbers for numeric facts, a comma-separated list for "is one of"; null if it is not one. */
function parseValue(text: string, op: Operator, numeric: boolean): RowValue | null {
  const one = (part: string): string | number | null => {
    if (!numeric) return part;
    const number = Number(part);
    return part.trim() !== "" && Number.isFinite(number) ? number : null;
  };
  if (op !== "$in") return one(text.trim());
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean).map(one);
  return parts.every((p) => p !== null) ? (parts as (string | number)[]) : null;
}

function ValueInput({ label, row, numeric, path, error, onValue }: {
  label: ComponentChildren;
  row: Row;
  numeric: boolean;
  path: JsonPath;
  error: string | undefined;
  onValue: (value: RowValue) => void;
}) {
  const [text, setText] = useState(valueText(row.value));
  const [local, setLocal] = useState<string>();
  useEffect(() => {
    if (JSON.stringify(parseValue(text, row.op, numeric)) !== JSON.stringify(row.value)) {
      setText(valueText(row.value));
      setLocal(undefined);
    }
  }, [JSON.stringify(row.value), row.op]);
  const list = row.op === "$in";
  return (
    <Field label={label} error={local ?? error} hint={list ? "Separated by commas" : undefined}>
      {(control) => (
        <input
          {...control}
          // Preact types each input type apart; both suit these props.
          type={(numeric && !list ? "number" : "text") as "text"}
          step={numeric && !list ? "any" : undefined}
          data-path={pathAttr(path)}
          value={text}
          onInput={(e) => {
            const next = e.currentTarget.value;
            setText(next);
            const value = parseValue(next, row.op, numeric);
            if (value === null) setLocal(numeric ? "Enter a number (or numbers, separated by commas)." : "Enter a value.");
            else {
              setLocal(undefined);
              onValue(value);
            }
          }}
        />
      )}
    </Field>
  );
}
