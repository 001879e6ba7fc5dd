import { explainHold, explainMiss, matchesCondition, type FailedClause } from "./conditions";
import type { CompiledConfig } from "./compile";
import type { Facts } from "./facts";

export interface ResolvedSegment {
  id: string;
  name: string;
  /** Root first: `["enterprise", "enterprise-hot"]`. */
  path: string[];
}

export interface TraceEntry {
  segment: string;
  matched: boolean;
  /** For a miss: the failing clauses, each with the segment (own or parent) it came from. */
  failed?: (FailedClause & { from: string })[];
  /** For the match: the clauses that held (own and ancestors'), with the values seen. */
  held?: (FailedClause & { from: string })[];
}

/**
 * First match wins over the ordered, non-group segments; a segment matches when its own
 * condition and every ancestor's hold. The configuration guarantees a catch-all last, so
 * this always returns exactly one segment. With `explain`, the trace lists every segment
 * tried and, for a miss, the failing clauses (the hot paths skip building it).
 */
export function resolveSegment(
  config: CompiledConfig,
  facts: Facts,
  explain = false,
): { segment: ResolvedSegment; trace: TraceEntry[] } {
  const trace: TraceEntry[] = [];
  for (const candidate of config.candidates) {
    const missed = candidate.conditions.filter((c) => !matchesCondition(facts, c.when));
    if (missed.length === 0) {
      if (explain) {
        const held = candidate.conditions.flatMap((c) => explainHold(facts, c.when).map((f) => ({ ...f, from: c.from })));
        trace.push({ segment: candidate.def.id, matched: true, ...(held.length ? { held } : {}) });
      }
      return { segment: { id: candidate.def.id, name: candidate.def.name, path: candidate.path }, trace };
    }
    if (explain) {
      const failed = missed.flatMap((c) => explainMiss(facts, c.when).map((f) => ({ ...f, from: c.from })));
      trace.push({ segment: candidate.def.id, matched: false, failed });
    }
  }
  // Unreachable for a validated configuration (the catch-all matches everything).
  throw new Error("configuration has no catch-all segment");
}
