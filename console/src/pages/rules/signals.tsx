import { useState } from "preact/hooks";
import { factLabel } from "../../../../src/domain/condition-words";
import { EVENT_TYPES } from "../../../../src/domain/config";
import { editDraft } from "../../draft-store";
import { Button } from "../../ui/button";
import { TextField } from "../../ui/field";
import { DraftNumber, DraftSelect, DraftText, listAt, objectAt, pathAttr, useRules } from "./draft-fields";
import { useMoves } from "./move-buttons";

/**
 * Signals: counts of a lead's events in a window (`signals.pricing_views_7d`), facts that
 * segment rules and levels can name. Removing one that a rule uses is a problem at that rule.
 */
export function Signals() {
  const { document } = useRules();
  const signals = Object.keys(objectAt(document, ["signals"]));
  const [newId, setNewId] = useState("");
  const [newError, setNewError] = useState<string>();
  const add = (event: Event) => {
    event.preventDefault();
    const id = newId.trim();
    if (!id) return setNewError("Name the signal.");
    if (signals.includes(id)) return setNewError(`There is a signal "${id}" already.`);
    setNewError(undefined);
    setNewId("");
    editDraft(["signals", id], { event: "page_view", windowDays: 30 });
  };
  return (
    <>
      <div class="rules-grid">
        {signals.map((id) => {
          const at = ["signals", id] as const;
          return (
            <div key={id} class="card" data-path={pathAttr(at)} tabIndex={-1}>
              <h3>
                {factLabel(`signals.${id}`)} <code class="id">signals.{id}</code>
              </h3>
              <DraftSelect label={`Event (${id})`} path={[...at, "event"]} options={EVENT_TYPES} />
              <DraftText label="Page category" hint="Empty: any" path={[...at, "category"]} optional />
              <DraftNumber label="Window (days)" path={[...at, "windowDays"]} />
              <Button onClick={() => editDraft(at, undefined)}>
                Remove<span class="visually-hidden"> signal {id}</span>
              </Button>
            </div>
          );
        })}
      </div>
      <form class="inline-form" onSubmit={add}>
        <TextField label="New signal" hint="e.g. docs_views_14d: lower-case letters, digits, - and _" value={newId} onValue={setNewId} error={newError} />
        <Button type="submit">Add the signal</Button>
      </form>
    </>
  );
}

const CATEGORIES = ["pageCategories"] as const;

/** Page categories: which paths count as which category, first match wins. */
export function PageCategories() {
  const { document } = useRules();
  const categories = listAt(document, CATEGORIES);
  const moves = useMoves(document, CATEGORIES);
  return (
    <>
      <p class="lead">A page view's category is that of the first pattern its path matches (`*`: any characters).</p>
      <ol class="item-list">
        {categories.map((_, i) => {
          const name = `page category ${i + 1}`;
          return (
            <li key={i} class="item-row" data-path={pathAttr([...CATEGORIES, i])} tabIndex={-1}>
              <DraftText label={`Path pattern (${i + 1})`} path={[...CATEGORIES, i, "match"]} />
              <DraftText label="Category" path={[...CATEGORIES, i, "category"]} />
              <span class="item-actions">
                {moves(`category-${i}`, name, i, categories.length, (to) => `category-${to}`)}
                <Button onClick={() => editDraft([...CATEGORIES, i], undefined)}>
                  Remove<span class="visually-hidden"> {name}</span>
                </Button>
              </span>
            </li>
          );
        })}
      </ol>
      <Button onClick={() => editDraft([...CATEGORIES, categories.length], { match: "/", category: "page" })}>Add a page category</Button>
    </>
  );
}
