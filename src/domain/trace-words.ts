import { conditionWords, either, factLabel, json } from "./condition-words";
import type { Condition } from "./conditions";

/**
 * A what-if's trace (POST /v1/admin/evaluate: every segment tried, in order, until the
 * match) told as sentences for the console's Try it page: "not Enterprise Hot: score 58 is
 * below 65", "Enterprise Warm: matched". Words only; the match itself is the API's.
 */

/** One segment tried, as the API answers it (src/domain/segments.ts TraceEntry). */
export interface TraceStep {
  segment: string;
  matched: boolean;
  failed?: { from: string; clause: Condition; saw: Record<string, unknown> }[];
  held?: { from: string; clause: Condition; saw: Record<string, unknown> }[];
}

/** Every step as a sentence, in order; `nameOf` gives a segment's name for its id. */
export function traceWords(trace: readonly TraceStep[], nameOf: (id: string) => string): string[] {
  return trace.map((step) => traceStepWords(step, nameOf));
}

export function traceStepWords(step: TraceStep, nameOf: (id: string) => string): string {
  const name = nameOf(step.segment);
  if (step.matched) return `${name}: matched`;
  const reasons = (step.failed ?? []).map((f) => {
    const words = missWords(f.clause, f.saw);
    // A group's rule (the tier's) failed, not the segment's own.
    return f.from === step.segment ? words : `${words} (${nameOf(f.from)}'s rule)`;
  });
  return `not ${name}: ${reasons.join("; ") || "its rule does not hold"}`;
}

/**
 * Why one failing clause fails: "score 58 is below 65" for a single comparison on a fact,
 * "engagement is medium, not high" for an equality; anything else (an `$or`, a regex) as
 * what it needs and the values it saw.
 */
export function missWords(clause: Condition, saw: Record<string, unknown>): string {
  const entries = Object.entries(clause);
  if (entries.length === 1 && !entries[0]![0].startsWith("$")) {
    const [fact, expected] = entries[0]!;
    const words = fieldMissWords(fact, expected, saw[fact]);
    if (words) return words;
  }
  const seen = Object.entries(saw).map(([fact, value]) => `${factLabel(fact)} ${value === null || value === undefined ? "unknown" : json(value)}`);
  return `needs ${conditionWords(clause)}${seen.length ? ` (saw ${seen.join(", ")})` : ""}`;
}

function fieldMissWords(fact: string, expected: unknown, seen: unknown): string | null {
  const label = factLabel(fact);
  // `saw` holds null for a fact the lead does not have.
  if (seen === null || seen === undefined) return `${label} is unknown (needs ${conditionWords({ [fact]: expected })})`;
  if (!isOperatorObject(expected)) return `${label} is ${json(seen)}, not ${json(expected)}`;
  const ops = Object.entries(expected);
  if (ops.length !== 1) return null;
  const [op, arg] = ops[0]!;
  switch (op) {
    case "$gte":
      return `${label} ${json(seen)} is below ${json(arg)}`;
    case "$gt":
      return `${label} ${json(seen)} is not above ${json(arg)}`;
    case "$lte":
      return `${label} ${json(seen)} is above ${json(arg)}`;
    case "$lt":
      return `${label} ${json(seen)} is not below ${json(arg)}`;
    case "$eq":
      return `${label} is ${json(seen)}, not ${json(arg)}`;
    case "$ne":
    case "$nin":
      return `${label} is ${json(seen)}`;
    case "$in":
      return Array.isArray(arg) ? `${label} is ${json(seen)}, not ${either(arg)}` : null;
    default:
      return null;
  }
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith("$"));
}
