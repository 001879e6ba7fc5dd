import type { ConfigDocument } from "./config";

/**
 * What an activation changed, for the audit trail: one line per section or per named item
 * (`segments.enterprise-hot changed`, `slots.offer added`, `segments reordered`). Compared
 * by content, so key order and formatting do not count as changes.
 */
export function describeChanges(before: ConfigDocument, after: ConfigDocument): string[] {
  const changes: string[] = [];
  const section = (name: string, a: unknown, b: unknown) => {
    if (!sameJson(a, b)) changes.push(`${name} changed`);
  };
  const byKey = (name: string, a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const key of Object.keys(b)) {
      if (!Object.hasOwn(a, key)) changes.push(`${name}.${key} added`);
      else if (!sameJson(a[key], b[key])) changes.push(`${name}.${key} changed`);
    }
    for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) changes.push(`${name}.${key} removed`);
  };

  section("pageCategories", before.pageCategories, after.pageCategories);
  byKey("signals", before.signals, after.signals);
  section("scoring.engagement", before.scoring.engagement, after.scoring.engagement);
  section("scoring.fit", before.scoring.fit, after.scoring.fit);
  section("scoring.leadScore", before.scoring.leadScore, after.scoring.leadScore);
  const segments = (doc: ConfigDocument) => Object.fromEntries(doc.segments.map((s) => [s.id, s]));
  byKey("segments", segments(before), segments(after));
  const order = (doc: ConfigDocument) => doc.segments.map((s) => s.id);
  const kept = new Set(order(after));
  if (!sameJson(order(before).filter((id) => kept.has(id)), order(after).filter((id) => before.segments.some((s) => s.id === id)))) {
    changes.push("segments reordered");
  }
  byKey("slots", before.slots, after.slots);
  section("retention", before.retention, after.retention);
  return changes;
}

/** Deep equality of JSON values, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
