import type { Condition } from "./conditions";
import type { ConfigDocument, SegmentDef } from "./config";

/**
 * A configuration prepared for request time: regexes built, parent chains and inherited
 * conditions resolved. Built once per configuration version and cached in the isolate.
 */
export interface CompiledConfig {
  doc: ConfigDocument;
  /** Page-category rules in order; first match wins. */
  categoryRules: { pattern: RegExp; category: string }[];
  /** Segments that can be resolved (not groups), in order, with their ancestry. */
  candidates: CompiledSegment[];
  segments: Map<string, SegmentDef>;
}

export interface CompiledSegment {
  def: SegmentDef;
  /** Root first, ending with the segment itself: `["enterprise", "enterprise-hot"]`. */
  path: string[];
  /** Own and inherited conditions, root first, each tagged with the segment it came from. */
  conditions: { from: string; when: Condition }[];
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

export function compileConfig(doc: ConfigDocument): CompiledConfig {
  const segments = new Map(doc.segments.map((s) => [s.id, s]));
  const candidates = doc.segments
    .filter((s) => !s.group)
    .map((def) => {
      const chain: SegmentDef[] = [];
      for (let s: SegmentDef | undefined = def; s; s = s.parent ? segments.get(s.parent) : undefined) chain.unshift(s);
      return {
        def,
        path: chain.map((s) => s.id),
        conditions: chain.filter((s) => s.when).map((s) => ({ from: s.id, when: s.when! })),
      };
    });
  return {
    doc,
    categoryRules: doc.pageCategories.map((r) => ({ pattern: globToRegExp(r.match), category: r.category })),
    candidates,
    segments,
  };
}

export const OTHER_CATEGORY = "other";

/** The page category of a path, from the configured rules; `other` when none matches. */
export function categorizePath(config: CompiledConfig, path: string): string {
  for (const rule of config.categoryRules) if (rule.pattern.test(path)) return rule.category;
  return OTHER_CATEGORY;
}
