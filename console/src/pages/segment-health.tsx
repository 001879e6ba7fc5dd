import { healthReport, type HealthReport, type SegmentHealth, type SiblingHealth } from "../api-lift";
import { percent, plural, pValue } from "../ui/format";
import { Notice } from "../ui/status";

/**
 * The Segments page's health flags (GET /v1/admin/reports/health, the last 30 days): each
 * segment's conversions per lead-week against its own 13 weeks before, flagged when they
 * diverged; and each group's segments compared, flagged when they have the leads to differ
 * and do not. The page works without them: a failure to load them is said, nothing more.
 */

export type Health = { report: HealthReport; of: (segment: string) => SegmentHealth | undefined } | { error: Error };

export async function loadHealth(): Promise<Health> {
  try {
    const report = await healthReport();
    const bySegment = new Map(report.segments.map((s) => [s.segment, s]));
    return { report, of: (segment) => bySegment.get(segment) };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** What the flags are, once above the tiers; or why there are none. */
export function HealthNote({ health }: { health: Health }) {
  if ("error" in health) {
    return (
      <Notice kind="info">
        <p>The health flags could not be loaded ({health.error.message}); the rest of the page is up to date.</p>
      </Notice>
    );
  }
  return (
    <p class="muted" data-health-note>
      Health: each segment's conversions per lead-week in the last 30 days against its 90-day baseline (the 13 weeks before),
      flagged when they differ beyond chance; and the segments of each tier compared, flagged when they have the leads to
      differ and do not.
    </p>
  );
}

/** A segment's cell: its period and baseline rates, flagged when it diverged. */
export function HealthCell({ health }: { health: SegmentHealth | undefined }) {
  if (!health || (health.period.leads === 0 && health.baseline.leads === 0)) return <span class="muted">no leads yet</span>;
  const rates = `${percent(health.period.rate)} a lead-week, ${health.baseline.leads === 0 ? "no baseline yet" : `baseline ${percent(health.baseline.rate)}`}`;
  if (!health.diverged) return <span data-health={health.segment}>{rates}</span>;
  const way = (health.difference?.estimate ?? 0) < 0 ? "down" : "up";
  return (
    <span data-health={health.segment} data-diverged>
      <strong class="flag">
        <span aria-hidden="true">⚠ </span>Diverged from its 90-day baseline ({way})
      </strong>
      : {rates}
    </span>
  );
}

/** The comparison of a group's segments, named as the tier reads them ("Hot / Warm / Cold"). */
export function SiblingLine({ sibling, nameOf, groupName }: { sibling: SiblingHealth; nameOf: (id: string) => string; groupName: string }) {
  const names = sibling.segments.map((id) => shortName(nameOf(id), groupName)).join(" / ");
  const p = sibling.test ? ` (p ${pValue(sibling.test.p)})` : "";
  if (sibling.verdict === "not_distinguishable") {
    return (
      <p class="tier-health flag" data-siblings={sibling.group} data-verdict={sibling.verdict}>
        <span aria-hidden="true">⚠ </span>
        <strong>{names} not distinguishable</strong>: with the leads to show a difference, their conversion rates in the last 30
        days show none{p}. This tier's rules may not be separating leads that behave differently.
      </p>
    );
  }
  return (
    <p class="tier-health muted" data-siblings={sibling.group} data-verdict={sibling.verdict}>
      {sibling.verdict === "different"
        ? `${names}: their conversion rates in the last 30 days differ${p}.`
        : `${names}: too few leads yet to tell their conversion rates apart${
            sibling.leadsNeeded === null ? "" : ` (${plural(sibling.leadsNeeded, "lead-week")} each needed)`
          }.`}
    </p>
  );
}

/** "Enterprise Hot" in Enterprise is "Hot". */
function shortName(name: string, groupName: string): string {
  return name.startsWith(`${groupName} `) && name.length > groupName.length + 1 ? name.slice(groupName.length + 1) : name;
}
