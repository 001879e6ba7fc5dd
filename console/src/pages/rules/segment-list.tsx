import { conditionWords } from "../../../../src/domain/condition-words";
import type { Condition } from "../../../../src/domain/conditions";
import { problemsAt } from "../../draft";
import { ConditionEditor } from "./condition-editor";
import { DraftText, listAt, pathAttr, useRules } from "./draft-fields";
import { useMoves } from "./move-buttons";

type Loose = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * The draft's segments in their order, which is the order they are tried in (first match
 * wins; the catch-all stays last): move each up or down, and open one to edit its name and
 * rule. A group holds a rule its members add to theirs; it is never a lead's segment.
 */
export function SegmentList() {
  const { document, problems } = useRules();
  const segments = listAt(document, ["segments"]);
  const moves = useMoves(document, ["segments"]);
  const seen = new Map<string, number>();
  return (
    <ol class="segment-list">
      {segments.map((raw, i) => {
        const segment = (typeof raw === "object" && raw !== null ? raw : {}) as Loose;
        const id = text(segment.id) ?? `#${i + 1}`;
        // Keys follow a segment when it moves; a duplicate id (a problem itself) still has its own.
        const count = seen.get(id) ?? 0;
        seen.set(id, count + 1);
        const key = count ? `${id}~${count}` : id;
        const name = text(segment.name) || id;
        const parentId = text(segment.parent);
        const parent = parentId && (segments.find((s) => (s as Loose | null)?.id === parentId) as Loose | undefined);
        const here = ["segments", i] as const;
        const troubled = problemsAt(problems, here, { within: true }).length;
        return (
          <li key={key} class="segment-item" data-segment={text(segment.id)}>
            <div class="segment-head" tabIndex={-1} data-path={pathAttr(here)}>
              <h3 id={`segment-${key}`}>
                <span class="position">{i + 1}.</span> {name} <code class="id">{id}</code>
              </h3>
              <p class="segment-kind">
                {segment.group === true ? "Group: never a lead's segment; its members add its rule to theirs." : null}
                {parentId ? ` In ${text(parent && parent.name) ?? parentId}.` : null}
                {troubled ? <strong class="problem-count"> {troubled === 1 ? "1 problem" : `${troubled} problems`}</strong> : null}
              </p>
              {moves(key, name, i, segments.length)}
              <p class="segment-rule">
                Rule: <strong>{ruleWords(segment.when)}</strong>
              </p>
            </div>
            {problemsAt(problems, here).map((p) => (
              <p key={p.message} class="field-error">
                {p.message}
              </p>
            ))}
            <details class="segment-edit">
              <summary>
                Edit<span class="visually-hidden"> {name}</span>
              </summary>
              <DraftText label="Name" path={[...here, "name"]} />
              <DraftText label="Description" path={[...here, "description"]} optional />
              <ConditionEditor path={[...here, "when"]} label={`Rule of ${name}`} />
            </details>
          </li>
        );
      })}
    </ol>
  );
}

function ruleWords(when: unknown): string {
  if (typeof when !== "object" || when === null || Array.isArray(when)) return when === undefined ? "none (everyone)" : "not a condition";
  return conditionWords(when as Condition) || "none (everyone)";
}
