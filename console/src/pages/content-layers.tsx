import { useState } from "preact/hooks";
import type { SlotKind } from "../../../src/domain/config";
import { valueAt, type DraftProblem } from "../draft";
import { editDraft } from "../draft-store";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { DraftText, JsonField, RulesContext } from "./rules/draft-fields";

/**
 * The configuration's content layers (README "Content layers"), edited in the shared draft:
 * ordered overrides on top of the segments' variants, each with a condition over the facts
 * (and `segment.id` / `segment.path`). Per slot the first layer that holds wins; a layer sets
 * some fields of a CTA, offer or image and the variant's others stay (left empty: inherited).
 * Every problem the validation finds (an unknown slot, an unsafe URL, an unknown fact) is
 * shown at its field, as elsewhere in the draft.
 */

/** The fields a layer may set per slot kind; text and html are set whole. */
const LAYER_FIELDS: Partial<Record<SlotKind, [key: string, label: string][]>> = {
  cta: [["label", "Button label"], ["url", "Link URL"]],
  offer: [["title", "Title"], ["body", "Body"], ["code", "Code"]],
  image: [["src", "Image URL"], ["alt", "Alt text"]],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

interface LayersProps {
  document: unknown;
  problems: DraftProblem[];
  /** The draft's slots and their kinds. */
  slotKinds: Record<string, SlotKind>;
}

export function ContentLayers({ document, problems, slotKinds }: LayersProps) {
  const raw = valueAt(document, ["layers"]);
  const layers = Array.isArray(raw) ? raw : [];
  const focusLayer = (index: number) => requestAnimationFrame(() => window.document.querySelector<HTMLElement>(`[data-layer-index="${index}"] h3`)?.focus());
  const setLayers = (next: unknown[]) => editDraft(["layers"], next.length ? next : undefined);
  const move = (from: number, to: number) => {
    const next = [...layers];
    const [layer] = next.splice(from, 1);
    next.splice(to, 0, layer);
    setLayers(next);
    focusLayer(to);
  };
  const add = () => {
    const ids = new Set(layers.map((l) => (isObject(l) ? l.id : undefined)));
    let n = layers.length + 1;
    while (ids.has(`layer-${n}`)) n++;
    setLayers([...layers, { id: `layer-${n}`, name: `Layer ${n}`, when: {}, slots: {} }]);
    focusLayer(layers.length);
  };

  return (
    <RulesContext.Provider value={{ document, problems }}>
      <section class="content-layers" aria-labelledby="layers-heading">
        <h2 id="layers-heading">Layers</h2>
        <p class="muted">
          Overrides on top of every segment's content, in order: for each slot the first layer whose condition holds wins. A field left empty is
          the segment's own (a German offer keeps the segment's code). Conditions use the facts, plus <code>segment.id</code> and{" "}
          <code>segment.path</code> (e.g. <code>{'{"segment.path": {"$all": ["enterprise"]}}'}</code>).
        </p>
        {layers.length === 0 && <p>No layers: every segment shows its own content.</p>}
        <ol class="layer-list">
          {layers.map((layer, index) => (
            <LayerCard
              key={index}
              index={index}
              layer={isObject(layer) ? layer : {}}
              count={layers.length}
              slotKinds={slotKinds}
              onMove={(to) => move(index, to)}
              onRemove={() => {
                setLayers(layers.filter((_, i) => i !== index));
                requestAnimationFrame(() => window.document.getElementById("layers-heading")?.focus());
              }}
            />
          ))}
        </ol>
        <Button onClick={add}>Add a layer</Button>
      </section>
    </RulesContext.Provider>
  );
}

interface LayerCardProps {
  index: number;
  layer: Record<string, unknown>;
  count: number;
  slotKinds: Record<string, SlotKind>;
  onMove: (to: number) => void;
  onRemove: () => void;
}

function LayerCard({ index, layer, count, slotKinds, onMove, onRemove }: LayerCardProps) {
  const at = ["layers", index];
  const title = typeof layer.name === "string" && layer.name ? layer.name : typeof layer.id === "string" ? layer.id : `Layer ${index + 1}`;
  const slots = isObject(layer.slots) ? layer.slots : {};
  const unused = Object.keys(slotKinds).filter((id) => !Object.hasOwn(slots, id));
  const [adding, setAdding] = useState(unused[0] ?? "");
  const slotToAdd = unused.includes(adding) ? adding : (unused[0] ?? "");
  return (
    <li class="layer-card" data-layer-index={index} data-layer={typeof layer.id === "string" ? layer.id : undefined}>
      <h3 tabIndex={-1}>
        {index + 1}. {title}
      </h3>
      <div class="layer-order">
        <Button onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move ${title} up`}>
          ↑
        </Button>
        <Button onClick={() => onMove(index + 1)} disabled={index === count - 1} aria-label={`Move ${title} down`}>
          ↓
        </Button>
        <Button onClick={onRemove} aria-label={`Remove ${title}`}>
          Remove
        </Button>
      </div>
      <DraftText label={`Id of layer ${index + 1}`} path={[...at, "id"]} />
      <DraftText label={`Name of layer ${index + 1}`} path={[...at, "name"]} optional />
      <JsonField label={`Condition of layer ${index + 1} (JSON)`} path={[...at, "when"]} rows={3} hint="The same conditions as segments; {} holds for everyone." />
      {Object.keys(slots).map((slotId) => (
        <SlotOverride key={slotId} path={[...at, "slots", slotId]} slotId={slotId} kind={slotKinds[slotId]} layerTitle={title} layerNumber={index + 1} />
      ))}
      {unused.length > 0 && (
        <div class="layer-add-slot">
          <Field label={`Slot to override in layer ${index + 1}`}>
            {(control) => (
              <select {...control} value={slotToAdd} onChange={(e) => setAdding(e.currentTarget.value)}>
                {unused.map((id) => (
                  <option key={id} value={id}>
                    {id} ({slotKinds[id]})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button onClick={() => slotToAdd && editDraft([...at, "slots", slotToAdd], (slotKinds[slotToAdd] ?? "text") in LAYER_FIELDS ? {} : "")}>Override this slot</Button>
        </div>
      )}
    </li>
  );
}

/** What one layer sets in one slot: the whole text, or some fields (empty: the segment's own). */
function SlotOverride(props: { path: (string | number)[]; slotId: string; kind: SlotKind | undefined; layerTitle: string; layerNumber: number }) {
  const { path, slotId, kind, layerTitle, layerNumber } = props;
  const fields = kind ? LAYER_FIELDS[kind] : undefined;
  // Unique names: the Content page has a variant's own "Text" and "Link URL" fields too.
  const named = (label: string) => `${label} (${slotId}, layer ${layerNumber})`;
  return (
    <fieldset class="layer-slot" data-layer-slot={slotId}>
      <legend>
        {slotId} {kind ? `(${kind})` : "(not a slot of this configuration)"}
      </legend>
      {fields ? (
        fields.map(([key, label]) => <DraftText key={key} label={named(label)} path={[...path, key]} hint="Empty: the segment's own." optional />)
      ) : kind ? (
        <DraftText label={named(kind === "html" ? "HTML" : "Text")} path={path} />
      ) : (
        <JsonField label={named("Value (JSON)")} path={path} rows={2} />
      )}
      <Button onClick={() => editDraft(path, undefined)} aria-label={`Stop overriding ${slotId} in ${layerTitle}`}>
        Stop overriding {slotId}
      </Button>
    </fieldset>
  );
}
