import { EVENT_TYPES } from "../../../../src/domain/config";
import { editDraft } from "../../draft-store";
import { Button } from "../../ui/button";
import { ConditionEditor } from "./condition-editor";
import { DraftNumber, DraftSelect, DraftText, listAt, pathAttr, useRules } from "./draft-fields";
import { useMoves } from "./move-buttons";

const ENGAGEMENT = ["scoring", "engagement"] as const;
const LEVELS = [...ENGAGEMENT, "levels"] as const;
const POINTS = [...ENGAGEMENT, "points"] as const;
const FIT = ["scoring", "fit", "rules"] as const;

/**
 * Engagement: its levels (the thresholds segment rules name as "engagement high"), how
 * fast points fade (half-life) and how long they count, and the points per event; then fit
 * rules and how the lead score weighs the two.
 */
export function Thresholds() {
  return (
    <div class="rules-grid rules-grid-wide">
      {(["high", "medium"] as const).map((level) => (
        <div key={level} class="card" data-path={pathAttr([...LEVELS, level])} tabIndex={-1}>
          <h3>Engagement {level}</h3>
          <DraftNumber label={`${level === "high" ? "High" : "Medium"} when the engagement score is above`} path={[...LEVELS, level, "above"]} />
          <ConditionEditor path={[...LEVELS, level, "orWhen"]} label={`Or ${level} when`} />
        </div>
      ))}
    </div>
  );
}

export function Decay() {
  return (
    <div class="rules-grid">
      <DraftNumber label="Half-life (days)" hint="An event's points halve every this many days." path={[...ENGAGEMENT, "halfLifeDays"]} />
      <DraftNumber label="Counted for (days)" hint="Events older than this no longer count." path={[...ENGAGEMENT, "horizonDays"]} />
      <DraftNumber
        label="Daily cap on public events (points)"
        hint="Per visitor and UTC day; empty for the default (500)."
        path={[...ENGAGEMENT, "publicDailyCap"]}
      />
    </div>
  );
}

export function PointsRules() {
  const { document } = useRules();
  const rules = listAt(document, POINTS);
  const moves = useMoves(document, POINTS);
  return (
    <>
      <p class="lead">The first rule that fits an event gives its points: put rules for a page category before the general one.</p>
      <ol class="item-list">
        {rules.map((_, i) => {
          const name = `points rule ${i + 1}`;
          return (
            <li key={i} class="item-row" data-path={pathAttr([...POINTS, i])} tabIndex={-1}>
              <DraftSelect label={`Event (rule ${i + 1})`} path={[...POINTS, i, "event"]} options={EVENT_TYPES} />
              <DraftText label="Page category (empty: any)" path={[...POINTS, i, "category"]} optional />
              <DraftNumber label="Points" path={[...POINTS, i, "points"]} />
              <span class="item-actions">
                {moves(`points-${i}`, name, i, rules.length, (to) => `points-${to}`)}
                <Button onClick={() => editDraft([...POINTS, i], undefined)}>
                  Remove<span class="visually-hidden"> {name}</span>
                </Button>
              </span>
            </li>
          );
        })}
      </ol>
      <Button onClick={() => editDraft([...POINTS, rules.length], { event: "page_view", points: 1 })}>Add a points rule</Button>
    </>
  );
}

export function FitRules() {
  const { document } = useRules();
  const rules = listAt(document, FIT);
  return (
    <>
      <p class="lead">A lead's fit score is the sum of the points of the rules its traits meet (company, person, request).</p>
      <div class="rules-grid rules-grid-wide">
        {rules.map((rule, i) => {
          const label = typeof (rule as { label?: unknown })?.label === "string" ? (rule as { label: string }).label : `rule ${i + 1}`;
          return (
            <div key={i} class="card" data-path={pathAttr([...FIT, i])} tabIndex={-1}>
              <DraftText label={`Label (fit rule ${i + 1})`} path={[...FIT, i, "label"]} />
              <DraftNumber label="Points" path={[...FIT, i, "points"]} />
              <ConditionEditor path={[...FIT, i, "when"]} label={`When ${label}`} />
              <Button onClick={() => editDraft([...FIT, i], undefined)}>
                Remove<span class="visually-hidden"> fit rule {label}</span>
              </Button>
            </div>
          );
        })}
      </div>
      <Button
        onClick={() =>
          editDraft([...FIT, rules.length], { id: `rule-${rules.length + 1}`, label: "New rule", when: { "company.employees": { $gte: 1 } }, points: 0 })
        }
      >
        Add a fit rule
      </Button>
      <h3>Lead score</h3>
      <p class="lead">The 0–100 lead score: fit score × its weight + engagement score × its weight.</p>
      <div class="rules-grid">
        <DraftNumber label="Fit weight" path={["scoring", "leadScore", "fitWeight"]} />
        <DraftNumber label="Engagement weight" path={["scoring", "leadScore", "engagementWeight"]} />
      </div>
    </>
  );
}
