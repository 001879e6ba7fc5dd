import { useEffect, useState } from "preact/hooks";
import { DEFAULT_SEGMENT_ID, type ConfigDocument, type SlotKind } from "../../../src/domain/config";
import { slotOrigins, type SlotOrigin } from "../../../src/domain/content";
import { EMPTY_VARIANT, VariantFields } from "../content-variant";
import { valueAt, type DraftProblem } from "../draft";
import { editDraft, useDraft } from "../draft-store";
import { href, navigate } from "../router";
import { Link } from "../ui/link";
import { DraftBar, focusDraftPath } from "../ui/draft-bar";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Notice } from "../ui/status";
import { OriginBadge, SlotPreview } from "../ui/slot-preview";
import { ContentLayers } from "./content-layers";
import type { PageProps } from "./registry";
import { focusPath } from "./rules/draft-fields";

/**
 * Every slot's content per segment, edited in the shared draft: pick a slot and a segment
 * (a group, or default), see what it shows and where that comes from (its own variant, a
 * parent group's, default), edit its own variant or go back to the inherited one; then
 * publish from the draft bar. The address names the pair: /admin/content/hero/smb-qualified.
 */
export default function ContentPage({ rest }: PageProps) {
  const { draft, problems } = useDraft();
  const [chosen, setChosen] = useState(() => selectionOf(rest));
  // Back and forward (and a link to another pair) change `rest`.
  useEffect(() => setChosen(selectionOf(rest)), [rest]);
  if (!draft) return <DraftBar />;

  const slots = slotsOf(draft.document);
  if (rest === "/layers" || rest.startsWith("/layers/")) {
    const showLayerProblem = (problem: DraftProblem) => requestAnimationFrame(() => focusPath(problem.path));
    return (
      <>
        <p>
          <Link to="/content">← Slots and segments</Link>
        </p>
        <DraftBar showProblem={showLayerProblem} />
        <ContentLayers document={draft.document} problems={problems} slotKinds={Object.fromEntries(Object.entries(slots).map(([id, s]) => [id, s.kind]))} />
      </>
    );
  }
  const segments = segmentsOf(draft.document);
  const slotIds = Object.keys(slots);
  const slotId = chosen.slot !== undefined && slotIds.includes(chosen.slot) ? chosen.slot : slotIds[0];
  const segmentId = chosen.segment !== undefined && segments.some((s) => s.id === chosen.segment) ? chosen.segment : DEFAULT_SEGMENT_ID;
  const unknown = (chosen.slot !== undefined && chosen.slot !== slotId) || (chosen.segment !== undefined && chosen.segment !== segmentId);

  // The address follows the pickers without a navigation: focus stays on the picker.
  const choose = (next: Selection) => {
    setChosen(next);
    history.replaceState(null, "", href(`/content/${encodeURIComponent(next.slot ?? "")}/${encodeURIComponent(next.segment ?? "")}`));
  };
  const showProblem = (problem: DraftProblem) => {
    const [root, slot, variants, segment] = problem.path;
    if (root === "slots" && typeof slot === "string" && variants === "variants" && typeof segment === "string") choose({ slot, segment });
    else if (root === "slots" && typeof slot === "string") choose({ slot, segment: segmentId });
    // A layer's problem: its field on the Layers view (/content/layers).
    if (root === "layers") {
      navigate("/content/layers");
      requestAnimationFrame(() => requestAnimationFrame(() => focusPath(problem.path)));
      return;
    }
    requestAnimationFrame(() => focusDraftPath(problem));
  };

  return (
    <>
      <p class="lead">
        What each segment sees in every slot of your pages. A segment without its own value inherits its group's, or default's.
        Changes stay in this browser's draft until you publish them.
      </p>
      <DraftBar showProblem={showProblem} />
      {unknown && <Notice kind="error">The draft has no {chosen.slot !== slotId ? `slot “${chosen.slot}”` : `segment “${chosen.segment}”`}: showing another.</Notice>}
      {slotId === undefined ? (
        <Notice>The draft has no slots.</Notice>
      ) : (
        <>
          <div class="pickers">
            <Field label="Slot">
              {(control) => (
                <select {...control} value={slotId} onChange={(e) => choose({ slot: e.currentTarget.value, segment: segmentId })}>
                  {slotIds.map((id) => (
                    <option key={id} value={id}>
                      {id} ({slots[id]!.kind})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Segment">
              {(control) => (
                <select {...control} value={segmentId} onChange={(e) => choose({ slot: slotId, segment: e.currentTarget.value })}>
                  {segments.map((s) => (
                    <option key={s.id} value={s.id}>
                      {segmentLabel(s, segments)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <SlotEditor key={`${slotId}/${segmentId}`} slotId={slotId} slot={slots[slotId]!} segmentId={segmentId} segments={segments} problems={problems} />
        </>
      )}
      <p class="layers-link">
        <Link to="/content/layers">Layers ({layerCount(draft.document)})</Link>: overrides by language, vertical or role on top of every segment's
        content.
      </p>
    </>
  );
}

interface Selection {
  slot?: string | undefined;
  segment?: string | undefined;
}

const layerCount = (document: unknown) => {
  const layers = valueAt(document, ["layers"]);
  return Array.isArray(layers) ? layers.length : 0;
};

function selectionOf(rest: string): Selection {
  const [slot, segment] = rest.split("/").filter(Boolean).map(decodeURIComponent);
  return { slot, segment };
}

interface SegmentInfo {
  id: string;
  name: string;
  parent?: string | undefined;
  group: boolean;
}

interface SlotInfo {
  kind: SlotKind;
  variants: Record<string, unknown>;
}

const KINDS = new Set<string>(Object.keys(EMPTY_VARIANT));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The draft's slots that have a kind and variants to edit: the draft may be any JSON. */
function slotsOf(document: unknown): Record<string, SlotInfo> {
  const slots = valueAt(document, ["slots"]);
  if (!isObject(slots)) return {};
  const out: Record<string, SlotInfo> = {};
  for (const [id, slot] of Object.entries(slots)) {
    if (isObject(slot) && typeof slot.kind === "string" && KINDS.has(slot.kind) && isObject(slot.variants)) {
      out[id] = { kind: slot.kind as SlotKind, variants: slot.variants };
    }
  }
  return out;
}

function segmentsOf(document: unknown): SegmentInfo[] {
  const list = valueAt(document, ["segments"]);
  if (!Array.isArray(list)) return [];
  return list.flatMap((s: unknown) =>
    isObject(s) && typeof s.id === "string"
      ? [{ id: s.id, name: typeof s.name === "string" && s.name ? s.name : s.id, parent: typeof s.parent === "string" ? s.parent : undefined, group: s.group === true }]
      : [],
  );
}

/** The segment's path from its top group down to itself (what inheritance walks up). */
function pathOf(id: string, segments: SegmentInfo[]): string[] {
  const path = [id];
  const seen = new Set(path);
  for (let parent = segments.find((s) => s.id === id)?.parent; parent && !seen.has(parent); ) {
    path.unshift(parent);
    seen.add(parent);
    parent = segments.find((s) => s.id === parent)?.parent;
  }
  return path;
}

function segmentLabel(segment: SegmentInfo, segments: SegmentInfo[]): string {
  if (segment.id === DEFAULT_SEGMENT_ID) return `${segment.name} (everyone else)`;
  if (segment.group) return `${segment.name} (group)`;
  const parent = segments.find((s) => s.id === segment.parent);
  return parent ? `${segment.name} (in ${parent.name})` : segment.name;
}

interface SlotEditorProps {
  slotId: string;
  slot: SlotInfo;
  segmentId: string;
  segments: SegmentInfo[];
  problems: DraftProblem[];
}

function SlotEditor({ slotId, slot, segmentId, segments, problems }: SlotEditorProps) {
  const path = ["slots", slotId, "variants", segmentId];
  const own = Object.hasOwn(slot.variants, segmentId) ? slot.variants[segmentId] : undefined;
  const lineage = pathOf(segmentId, segments);
  const now = Date.now();
  const originWith = (variants: Record<string, unknown>): SlotOrigin | undefined =>
    slotOrigins({ [slotId]: { kind: slot.kind, variants } } as unknown as ConfigDocument["slots"], lineage, now)[slotId];
  const { [segmentId]: _own, ...others } = slot.variants;
  const inherited = originWith(others);
  const shown = originWith(slot.variants);
  const segment = segments.find((s) => s.id === segmentId);
  const name = segment?.name ?? segmentId;
  const nameOf = (id: string) => segments.find((s) => s.id === id)?.name ?? id;
  const isDefault = segmentId === DEFAULT_SEGMENT_ID;

  const focusFirstField = () => requestAnimationFrame(() => document.querySelector<HTMLElement>("[data-variant-editor] input, [data-variant-editor] textarea")?.focus());
  const focusOwnButton = () => requestAnimationFrame(() => document.querySelector<HTMLElement>("[data-give-own]")?.focus());

  return (
    <section class="slot-editor" aria-labelledby="slot-editor-heading" data-slot-editor={`${slotId}/${segmentId}`}>
      <h2 id="slot-editor-heading">
        {slotId} for {name}
      </h2>
      <p class="slot-shown" data-testid="slot-shown">
        {shown ? (
          <>
            Shown: <OriginBadge origin={shown} nameOf={nameOf} /> <SlotPreview origin={shown} />
          </>
        ) : (
          "Nothing is shown: no variant applies (an expired offer is skipped)."
        )}
      </p>
      {own !== undefined ? (
        <>
          {shown && shown.level !== "own" && <Notice>Its own offer has expired: visitors get the inherited one until it is changed.</Notice>}
          <VariantFields kind={slot.kind} path={path} value={own} problems={problems} />
          {isDefault ? (
            <p class="muted">Every segment without a value of its own, or of its group, gets this one: it cannot be removed.</p>
          ) : (
            <div class="inherit">
              <p>
                {inherited ? (
                  <>
                    Without its own value: <OriginBadge origin={inherited} nameOf={nameOf} /> <SlotPreview origin={inherited} />
                  </>
                ) : (
                  "Without its own value it would show nothing."
                )}
              </p>
              <Button
                onClick={() => {
                  editDraft(path, undefined);
                  focusOwnButton();
                }}
              >
                Use the inherited value
              </Button>
            </div>
          )}
        </>
      ) : (
        <div class="inherit">
          <p>
            {name} has no value of its own for {slotId}.
          </p>
          <Button
            variant="primary"
            data-give-own
            onClick={() => {
              editDraft(path, structuredClone(inherited?.value ?? EMPTY_VARIANT[slot.kind]));
              focusFirstField();
            }}
          >
            Give {name} its own {slotId}
          </Button>
        </div>
      )}
    </section>
  );
}
