import { activeConfig } from "../api";
import { compileConfig, type CompiledSegment } from "../../../src/domain/compile";
import { conditionWords } from "../../../src/domain/condition-words";
import type { ConfigDocument, SegmentDef } from "../../../src/domain/config";
import { slotOrigins } from "../../../src/domain/content";
import { useLoad } from "../use-load";
import { Load } from "../ui/loading";
import { OriginBadge, SlotPreview } from "../ui/slot-preview";
import { Table } from "../ui/table";
import { HealthCell, HealthNote, loadHealth, SiblingLine, type Health } from "./segment-health";
import { SegmentSizes } from "./segment-sizes";

/**
 * The Segmentation Criteria Table as marketing knows it: tier by tier (the top-level
 * groups), each segment's rule in words, its sales action and campaign track, and what it
 * shows in every slot with where each value comes from (own, parent group, default); and
 * the health flags of the last 30 days (./segment-health.tsx).
 */
export default function SegmentsPage() {
  const loaded = useLoad(() => Promise.all([activeConfig(), loadHealth()]), []);
  return (
    <Load loaded={loaded} what="the segments">
      {([config, health]) => <Segments document={config.document} version={config.version} health={health} />}
    </Load>
  );
}

interface Tier {
  /** The top-level group; null for segments outside any group (the catch-all). */
  group: SegmentDef | null;
  members: CompiledSegment[];
}

/** Segments by top-level group, in the document's (first-match) order. */
export function tiersOf(document: ConfigDocument): { tiers: Tier[]; segments: Map<string, SegmentDef> } {
  const compiled = compileConfig(document);
  const tiers = new Map<string | null, Tier>();
  for (const group of document.segments.filter((s) => s.group && !s.parent)) tiers.set(group.id, { group, members: [] });
  for (const candidate of compiled.candidates) {
    const root = candidate.path.length > 1 ? candidate.path[0]! : null;
    if (!tiers.has(root)) tiers.set(root, { group: null, members: [] });
    tiers.get(root)!.members.push(candidate);
  }
  return { tiers: [...tiers.values()].filter((t) => t.members.length > 0), segments: compiled.segments };
}

function Segments({ document, version, health }: { document: ConfigDocument; version: number; health: Health }) {
  const { tiers, segments } = tiersOf(document);
  const now = Date.now();
  const nameOf = (id: string) => segments.get(id)?.name ?? id;
  return (
    <>
      <p class="lead">
        Active version {version}. A lead gets the first segment, top to bottom, whose rule it meets; a segment in a tier also meets
        the tier's rule.
      </p>
      <SegmentSizes />
      <HealthNote health={health} />
      {tiers.map((tier) => {
        const tierName = tier.group?.name ?? "Outside any tier";
        const tierRule = conditionWords(tier.group?.when);
        return (
          <section key={tier.group?.id ?? "other"} class="tier" aria-labelledby={`tier-${tier.group?.id ?? "other"}`}>
            <h2 id={`tier-${tier.group?.id ?? "other"}`}>{tierName}</h2>
            {tier.group && (
              <p class="tier-rule">
                Tier rule: <strong>{tierRule || "none"}</strong>
                {tier.group.description ? ` (${tier.group.description})` : ""}
              </p>
            )}
            {"report" in health &&
              health.report.siblings
                .filter((sibling) => tier.members.some((m) => m.path.includes(sibling.group)))
                .map((sibling) => <SiblingLine key={sibling.group} sibling={sibling} nameOf={nameOf} groupName={nameOf(sibling.group)} />)}
            <Table
              caption={`${tierName}: segments`}
              showCaption={false}
              rows={tier.members}
              rowKey={(s) => s.def.id}
              columns={[
                {
                  header: "Segment",
                  rowHeader: true,
                  cell: (s) => (
                    <>
                      {s.def.name} <code class="id">{s.def.id}</code>
                    </>
                  ),
                },
                { header: "Rule", cell: (s) => <span data-rule>{ruleWords(s, tier.group?.name)}</span> },
                { header: "Sales action", cell: (s) => s.def.sales?.action ?? "—" },
                {
                  header: "Campaign track",
                  cell: (s) => (
                    <>
                      {s.def.sales?.track ?? "—"}
                      {s.def.sales?.owner && <span class="owner"> · owner {s.def.sales.owner}</span>}
                    </>
                  ),
                },
                ...("report" in health ? [{ header: "Health (30 days)", cell: (s: CompiledSegment) => <HealthCell health={health.of(s.def.id)} /> }] : []),
              ]}
            />
            <div class="content-cards">
              {tier.members.map((s) => (
                <article key={s.def.id} class="card" data-segment={s.def.id} aria-labelledby={`content-${s.def.id}`}>
                  <h3 id={`content-${s.def.id}`}>{s.def.name}: content</h3>
                  <dl class="slots">
                    {Object.entries(slotOrigins(document.slots, s.path, now)).map(([slot, origin]) => (
                      <div key={slot} class="slot" data-slot={slot}>
                        <dt>
                          {slot} <OriginBadge origin={origin} nameOf={nameOf} />
                        </dt>
                        <dd>
                          <SlotPreview origin={origin} />
                        </dd>
                      </div>
                    ))}
                  </dl>
                </article>
              ))}
            </div>
          </section>
        );
      })}
    </>
  );
}

/** The segment's own conditions and those of groups between it and its tier, in words. */
function ruleWords(segment: CompiledSegment, tierName: string | undefined): string {
  const below = segment.conditions.filter((c) => c.from !== segment.path[0] || segment.path.length === 1);
  const words = below.map((c) => conditionWords(c.when)).filter(Boolean).join(" and ");
  if (words) return words;
  return tierName ? `anyone else in ${tierName}` : "everyone else";
}
