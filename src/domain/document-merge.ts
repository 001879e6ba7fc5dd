import { sameJson } from "./config-changes";

/**
 * Re-applies a draft's changes onto a version someone else published meanwhile: a three-way
 * merge of JSON documents. `base` is the version the draft started from, `mine` the draft,
 * `theirs` the version now active. Whatever only one side changed is taken from that side;
 * where both changed the same value differently, the draft wins (the user re-applies their
 * edit knowingly, after being shown the other change) and the place is listed in
 * `overridden`, so the console can say which of their changes the draft replaces.
 *
 * Lists whose items all have a unique `id` (segments, fit rules) merge item by item, matched
 * by id, so that one side's edit of a segment and the other's edit of another both survive.
 */
export interface MergeResult {
  document: unknown;
  /** Paths (in the merged document) where the draft replaced a different change of theirs. */
  overridden: (string | number)[][];
}

const ABSENT = Symbol("absent");
type Maybe = unknown | typeof ABSENT;
type Step = string | number;

export function mergeDocuments(base: unknown, mine: unknown, theirs: unknown): MergeResult {
  const overridden: Step[][] = [];
  const document = merge(base, mine, theirs, [], overridden);
  return { document: document === ABSENT ? null : document, overridden };
}

function merge(base: Maybe, mine: Maybe, theirs: Maybe, path: Step[], overridden: Step[][]): Maybe {
  if (same(mine, base)) return theirs;
  if (same(theirs, base) || same(mine, theirs)) return mine;
  if (isObject(base) && isObject(mine) && isObject(theirs)) return mergeObjects(base, mine, theirs, path, overridden);
  if (Array.isArray(base) && Array.isArray(mine) && Array.isArray(theirs) && [base, mine, theirs].every(byId)) {
    return mergeById(base, mine, theirs, path, overridden);
  }
  overridden.push(path);
  return mine;
}

function mergeObjects(
  base: Record<string, unknown>,
  mine: Record<string, unknown>,
  theirs: Record<string, unknown>,
  path: Step[],
  overridden: Step[][],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Their key order first (the published document's), then keys only the draft added.
  for (const key of unique([...Object.keys(theirs), ...Object.keys(mine), ...Object.keys(base)])) {
    const value = merge(own(base, key), own(mine, key), own(theirs, key), [...path, key], overridden);
    // defineProperty: a `__proto__` key in the JSON stays a key.
    if (value !== ABSENT) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function mergeById(base: unknown[], mine: unknown[], theirs: unknown[], path: Step[], overridden: Step[][]): unknown[] {
  const index = (items: unknown[]) => new Map(items.map((item) => [idOf(item), item]));
  const [b, m, t] = [index(base), index(mine), index(theirs)];
  const order = orderOf(base, mine, theirs);
  const out: unknown[] = [];
  for (const id of order) {
    const value = merge(b.has(id) ? b.get(id) : ABSENT, m.has(id) ? m.get(id) : ABSENT, t.has(id) ? t.get(id) : ABSENT, [...path, out.length], overridden);
    if (value !== ABSENT) out.push(value);
  }
  return out;
}

/** The draft's order if it reordered the items, else theirs; items only the other side has keep their neighbours. */
function orderOf(base: unknown[], mine: unknown[], theirs: unknown[]): string[] {
  const ids = (items: unknown[]) => items.map(idOf);
  const kept = (list: string[], other: Set<string>) => list.filter((id) => other.has(id));
  const baseIds = new Set(ids(base));
  const mineReordered = !sameJson(kept(ids(mine), baseIds), kept(ids(base), new Set(ids(mine))));
  const [lead, other] = mineReordered ? [ids(mine), ids(theirs)] : [ids(theirs), ids(mine)];
  const order = [...lead];
  other.forEach((id, i) => {
    if (order.includes(id)) return;
    // After the nearest earlier neighbour the leading order has, else at the start.
    const before = other.slice(0, i).reverse().find((prev) => order.includes(prev));
    order.splice(before === undefined ? 0 : order.indexOf(before) + 1, 0, id);
  });
  return order;
}

function same(a: Maybe, b: Maybe): boolean {
  if (a === ABSENT || b === ABSENT) return a === b;
  return sameJson(a, b);
}

function own(object: Record<string, unknown>, key: string): Maybe {
  return Object.hasOwn(object, key) ? object[key] : ABSENT;
}

function idOf(item: unknown): string {
  return (item as { id: string }).id;
}

function byId(items: unknown[]): boolean {
  const ids = items.map((item) => (isObject(item) ? item.id : undefined));
  return ids.every((id) => typeof id === "string") && new Set(ids).size === ids.length;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
