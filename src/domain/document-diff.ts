import { sameJson } from "./config-changes";

/**
 * What changed between two configuration documents, value by value, for people to read
 * (the console's History and, later, a draft against the active version). The audit trail's
 * one-line summary per item is describeChanges (config-changes.ts); this names every
 * changed leaf with its value before and after.
 */
export interface DocumentChange {
  /** Where, in the newer document (in the older one for a removal): usable to find the field. */
  path: (string | number)[];
  /** The path for reading: list items that have an `id` are named by it (`segments.enterprise-hot.when`). */
  label: string;
  kind: "added" | "removed" | "changed" | "reordered";
  /** Absent for "added". */
  before?: unknown;
  /** Absent for "removed". */
  after?: unknown;
}

export function diffDocuments(before: unknown, after: unknown): DocumentChange[] {
  const changes: DocumentChange[] = [];
  walk(before, after, [], [], changes);
  return changes;
}

type Step = string | number;

function walk(a: unknown, b: unknown, path: Step[], label: string[], out: DocumentChange[]): void {
  if (sameJson(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of Object.keys(b)) {
      const at = [...path, key];
      if (!Object.hasOwn(a, key)) out.push(change(at, [...label, key], "added", undefined, b[key]));
      else walk(a[key], b[key], at, [...label, key], out);
    }
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(b, key)) out.push(change([...path, key], [...label, key], "removed", a[key], undefined));
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (byId(a) && byId(b)) return walkById(a, b, path, label, out);
    // Lists of plain values (`$in: [...]`) read best whole; lists of objects item by item.
    if ([...a, ...b].every((v) => typeof v !== "object" || v === null)) {
      out.push(change(path, label, "changed", a, b));
      return;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const at = [...path, i];
      const name = [...label, `[${i}]`];
      if (i >= a.length) out.push(change(at, name, "added", undefined, b[i]));
      else if (i >= b.length) out.push(change(at, name, "removed", a[i], undefined));
      else walk(a[i], b[i], at, name, out);
    }
    return;
  }
  out.push(change(path, label, "changed", a, b));
}

/** Items with a unique `id` (segments, fit rules): matched by it, so a move is not a change of every item. */
function walkById(a: unknown[], b: unknown[], path: Step[], label: string[], out: DocumentChange[]): void {
  const idOf = (item: unknown) => (item as { id: string }).id;
  const older = new Map(a.map((item, i) => [idOf(item), { item, i }]));
  const newer = new Set(b.map(idOf));
  b.forEach((item, i) => {
    const id = idOf(item);
    const previous = older.get(id);
    if (!previous) out.push(change([...path, i], [...label, id], "added", undefined, item));
    else walk(previous.item, item, [...path, i], [...label, id], out);
  });
  for (const [id, { item, i }] of older) if (!newer.has(id)) out.push(change([...path, i], [...label, id], "removed", item, undefined));
  const kept = (items: unknown[], other: { has(id: string): boolean }) => items.map(idOf).filter((id) => other.has(id));
  const orderBefore = kept(a, newer);
  const orderAfter = kept(b, older);
  if (!sameJson(orderBefore, orderAfter)) out.push(change(path, label, "reordered", orderBefore, orderAfter));
}

function byId(items: unknown[]): boolean {
  const ids = items.map((item) => (isPlainObject(item) ? item.id : undefined));
  return ids.every((id) => typeof id === "string") && new Set(ids).size === ids.length;
}

function change(path: Step[], label: string[], kind: DocumentChange["kind"], before: unknown, after: unknown): DocumentChange {
  const out: DocumentChange = { path, label: readable(label), kind };
  if (kind !== "added") out.before = before;
  if (kind !== "removed") out.after = after;
  return out;
}

/** Names joined by dots, indexes as `[2]`, a key with dots or spaces quoted: `when["company.employees"].$gte`. */
function readable(label: string[]): string {
  return label.reduce((text, step) => {
    if (/^\[\d+\]$/.test(step)) return `${text}${step}`;
    if (!/^[\w$-]+$/.test(step)) return `${text}[${JSON.stringify(step)}]`;
    return text === "" ? step : `${text}.${step}`;
  }, "");
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
