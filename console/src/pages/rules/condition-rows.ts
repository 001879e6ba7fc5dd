import type { Condition } from "../../../../src/domain/conditions";
import type { JsonPath } from "../../../../src/domain/json-path";

/**
 * The part of the condition language (GrowthBook-style, src/domain/conditions.ts) that the
 * structured editor shows: comparisons of one fact with a value, all of them holding or any.
 *
 *   { "engagement.level": "high", "score": { "$gte": 65 } }     all: two rows
 *   { "$or": [{ "company.industry": "saas" }, { "score": { "$gt": 40 } }] }   any: two rows
 *
 * Anything else (other operators, nesting, booleans) is not rows: the editor shows it as
 * JSON only. Rows written back give the same condition (the same JSON, up to `$eq`).
 */
export const OPERATORS = ["$gte", "$lte", "$gt", "$lt", "$eq", "$in"] as const;
export type Operator = (typeof OPERATORS)[number];
export type RowValue = string | number | (string | number)[];

export interface Row {
  fact: string;
  op: Operator;
  value: RowValue;
}

export interface Rows {
  mode: "all" | "any";
  rows: Row[];
}

export const OPERATOR_WORDS: Record<Operator, string> = {
  $gte: "at least (≥)",
  $lte: "at most (≤)",
  $gt: "above (>)",
  $lt: "below (<)",
  $eq: "is (=)",
  $in: "is one of",
};

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is string | number => typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
const isOperator = (op: string): op is Operator => (OPERATORS as readonly string[]).includes(op);

/** The condition as rows; null when it uses more than rows can show. `undefined`: no rows. */
export function rowsOf(condition: unknown): Rows | null {
  if (condition === undefined) return { mode: "all", rows: [] };
  if (!isObject(condition)) return null;
  const keys = Object.keys(condition);
  if (keys.length === 1 && (keys[0] === "$or" || keys[0] === "$and")) {
    const list = condition[keys[0]];
    if (!Array.isArray(list) || list.length === 0) return null;
    const rows: Row[] = [];
    for (const item of list) {
      const one = flatRows(item);
      if (!one || one.length !== 1) return null;
      rows.push(one[0]!);
    }
    return { mode: keys[0] === "$or" ? "any" : "all", rows };
  }
  const rows = flatRows(condition);
  return rows ? { mode: "all", rows } : null;
}

function flatRows(condition: unknown): Row[] | null {
  if (!isObject(condition)) return null;
  const rows: Row[] = [];
  for (const [fact, value] of Object.entries(condition)) {
    if (fact.startsWith("$")) return null;
    if (isScalar(value)) {
      rows.push({ fact, op: "$eq", value });
      continue;
    }
    if (!isObject(value) || Object.keys(value).length === 0) return null;
    for (const [op, arg] of Object.entries(value)) {
      if (!isOperator(op)) return null;
      if (op === "$in" ? !Array.isArray(arg) || !arg.every(isScalar) : !isScalar(arg)) return null;
      rows.push({ fact, op, value: arg as RowValue });
    }
  }
  return rows;
}

/**
 * Rows as a condition (undefined for none), and where each row's value is in it. "All" is
 * one object, `{ fact: value, fact: { $op: value } }`, unless two rows would share a key
 * there (the same fact and operator, or an equality beside a comparison): then `$and`.
 */
export function conditionOf({ mode, rows }: Rows): { condition: Condition | undefined; paths: JsonPath[] } {
  if (rows.length === 0) return { condition: undefined, paths: [] };
  const single = (row: Row): Condition => ({ [row.fact]: row.op === "$eq" ? row.value : { [row.op]: row.value } });
  const singlePath = (row: Row): JsonPath => (row.op === "$eq" ? [row.fact] : [row.fact, row.op]);
  const clash = rows.some((row, i) => rows.some((other, j) => j !== i && other.fact === row.fact && (other.op === row.op || other.op === "$eq")));
  if (mode === "any" || clash) {
    const key = mode === "any" ? "$or" : "$and";
    return { condition: { [key]: rows.map(single) }, paths: rows.map((row, i) => [key, i, ...singlePath(row)]) };
  }
  const condition: Loose = {};
  for (const row of rows) {
    if (row.op === "$eq") condition[row.fact] = row.value;
    else condition[row.fact] = { ...(isObject(condition[row.fact]) ? (condition[row.fact] as Loose) : {}), [row.op]: row.value };
  }
  return { condition, paths: rows.map(singlePath) };
}

/** The value a row keeps when its operator changes: a list for "is one of", one value otherwise. */
export function valueFor(op: Operator, value: RowValue, numeric: boolean): RowValue {
  if (op === "$in") return Array.isArray(value) ? value : [value];
  const one = Array.isArray(value) ? value[0] : value;
  if (numeric) return typeof one === "number" ? one : 0;
  return one ?? "";
}
