import { evalCondition } from "@growthbook/growthbook";
import safeRegex from "safe-regex2";

/**
 * Segment, level and fit conditions use GrowthBook's targeting-condition syntax
 * (MongoDB-style). Evaluation is GrowthBook's `evalCondition`; this module only checks a
 * condition's shape before it is accepted and explains which part of it failed.
 */
export type Condition = Record<string, unknown>;

/** Operators allowed at the level of a condition object. */
const LOGICAL_OPERATORS = new Set(["$and", "$or", "$nor", "$not"]);
/** Operators allowed on a field's value (`{ "score": { "$gte": 65 } }`). */
const VALUE_OPERATORS = new Set([
  "$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$exists", "$in", "$nin", "$ini", "$nini",
  "$all", "$alli", "$size", "$elemMatch", "$regex", "$regexi", "$type", "$not",
  "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte",
]);
const ARRAY_OPERATORS = new Set(["$in", "$nin", "$ini", "$nini", "$all", "$alli"]);
const TYPE_NAMES = new Set(["string", "number", "boolean", "array", "object", "null", "undefined"]);
/**
 * How deeply a condition's objects and arrays may nest. Real segments use a handful of
 * levels; the cap keeps a hostile document from overflowing the stack while it is checked,
 * stored, evaluated or explained.
 */
export const MAX_CONDITION_DEPTH = 64;
const MAX_REGEX_LENGTH = 256;

export interface ConditionProblem {
  /** Path below the condition, e.g. `["score", "$gtee"]`. */
  path: (string | number)[];
  message: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Checks a condition's structure: known operators only, operator arguments of the right
 * type, and every field path accepted by `isKnownFact`.
 */
export function checkCondition(
  condition: unknown,
  isKnownFact: (path: string) => boolean,
): ConditionProblem[] {
  if (nestsDeeperThan(condition, MAX_CONDITION_DEPTH)) {
    return [{ path: [], message: `conditions may nest at most ${MAX_CONDITION_DEPTH} levels of objects and arrays` }];
  }
  const problems: ConditionProblem[] = [];
  walkCondition(condition, [], isKnownFact, problems);
  return problems;
}

/** Whether `value` has more than `levels` levels of objects/arrays; never recurses past `levels`. */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (levels === 0) return true;
  return Object.values(value).some((inner) => nestsDeeperThan(inner, levels - 1));
}

function walkCondition(
  condition: unknown,
  at: (string | number)[],
  isKnownFact: ((path: string) => boolean) | null,
  out: ConditionProblem[],
): void {
  if (!isPlainObject(condition)) {
    out.push({ path: at, message: "a condition must be an object" });
    return;
  }
  for (const [key, value] of Object.entries(condition)) {
    const here = [...at, key];
    if (key.startsWith("$")) {
      if (!LOGICAL_OPERATORS.has(key)) {
        out.push({ path: here, message: `unknown operator ${key} (field operators go inside a field)` });
      } else if (key === "$not") {
        walkCondition(value, here, isKnownFact, out);
      } else if (!Array.isArray(value) || value.length === 0) {
        out.push({ path: here, message: `${key} takes a non-empty array of conditions` });
      } else {
        value.forEach((sub, i) => walkCondition(sub, [...here, i], isKnownFact, out));
      }
      continue;
    }
    if (isKnownFact && !isKnownFact(key)) {
      out.push({ path: here, message: `no fact provides "${key}"` });
    }
    walkValue(value, here, out);
  }
}

function walkValue(value: unknown, at: (string | number)[], out: ConditionProblem[]): void {
  if (!isPlainObject(value)) return; // primitive or array: equality
  const keys = Object.keys(value);
  const operators = keys.filter((k) => k.startsWith("$"));
  if (operators.length === 0) return; // plain object: deep equality
  if (operators.length !== keys.length) {
    out.push({ path: at, message: "mixes operators and plain fields" });
    return;
  }
  for (const op of operators) {
    const arg = value[op];
    const here = [...at, op];
    if (!VALUE_OPERATORS.has(op)) {
      out.push({ path: here, message: `unknown operator ${op}` });
    } else if (ARRAY_OPERATORS.has(op) && !Array.isArray(arg)) {
      out.push({ path: here, message: `${op} takes an array` });
    } else if (["$lt", "$lte", "$gt", "$gte"].includes(op) && typeof arg !== "number" && typeof arg !== "string") {
      out.push({ path: here, message: `${op} takes a number or a string` });
    } else if (op === "$exists" && typeof arg !== "boolean") {
      out.push({ path: here, message: "$exists takes true or false" });
    } else if (op === "$size" && typeof arg !== "number" && !isPlainObject(arg)) {
      out.push({ path: here, message: "$size takes a number or an operator object" });
    } else if (op === "$type" && (typeof arg !== "string" || !TYPE_NAMES.has(arg))) {
      out.push({ path: here, message: `$type takes one of ${[...TYPE_NAMES].join(", ")}` });
    } else if (op === "$regex" || op === "$regexi") {
      if (typeof arg !== "string") out.push({ path: here, message: `${op} takes a string` });
      else if (!isValidRegex(arg)) out.push({ path: here, message: `${op} is not a valid regular expression` });
      // Facts such as context.path come from visitors: a pattern with nested repetition would
      // let any visitor spend the worker's CPU (catastrophic backtracking).
      else if (arg.length > MAX_REGEX_LENGTH || !safeRegex(arg)) {
        out.push({
          path: here,
          message:
            `${op} must be at most ${MAX_REGEX_LENGTH} characters, with no nested repetition such as (a+)+ (it could backtrack ` +
            "catastrophically), at most 25 repetitions, and no lookbehind (the safety check cannot read it)",
        });
      }
    } else if (op === "$not") {
      walkValue(arg, here, out);
    } else if (op === "$elemMatch") {
      if (!isPlainObject(arg)) out.push({ path: here, message: "$elemMatch takes an object" });
      else if (Object.keys(arg).every((k) => k.startsWith("$"))) walkValue(arg, here, out);
      else walkCondition(arg, here, null, out); // paths inside elements are relative
    }
  }
}

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export function matchesCondition(facts: object, condition: Condition): boolean {
  return evalCondition(facts as Record<string, unknown>, condition as never);
}

/** Value at a dot path (own properties only), `undefined` when any step is missing. */
export function factAt(facts: object, path: string): unknown {
  let current: unknown = facts;
  for (const part of path.split(".")) {
    if (!isPlainObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

/** One failing clause of a condition and the fact values it saw. */
export interface FailedClause {
  clause: Condition;
  /** The fact values the clause looked at (`undefined` ones are missing facts). */
  saw: Record<string, unknown>;
}

/**
 * Which top-level clauses of `condition` fail for `facts`. Each clause is evaluated on its
 * own with the same library, so the explanation can never disagree with the match.
 */
export function explainMiss(facts: object, condition: Condition): FailedClause[] {
  const failed: FailedClause[] = [];
  for (const [key, value] of Object.entries(condition)) {
    const clause = { [key]: value };
    if (matchesCondition(facts, clause)) continue;
    if (key === "$and" && Array.isArray(value)) {
      for (const sub of value) failed.push(...explainMiss(facts, sub as Condition));
    } else if (!key.startsWith("$") && isOperatorObject(value) && Object.keys(value).length > 1) {
      // `{ employees: { $gte: 200, $lte: 999 } }`: name the bound that failed, not both.
      for (const [op, arg] of Object.entries(value)) {
        const part = { [key]: { [op]: arg } };
        if (!matchesCondition(facts, part)) failed.push({ clause: part, saw: sawValues(facts, part) });
      }
    } else {
      failed.push({ clause, saw: sawValues(facts, clause) });
    }
  }
  return failed;
}

/** The top-level clauses of a condition that holds, each with the fact values it looked at: why it matched. */
export function explainHold(facts: object, condition: Condition): FailedClause[] {
  return Object.entries(condition).map(([key, value]) => {
    const clause = { [key]: value };
    return { clause, saw: sawValues(facts, clause) };
  });
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith("$"));
}

function sawValues(facts: object, condition: Condition): Record<string, unknown> {
  const saw: Record<string, unknown> = {};
  const visit = (c: unknown) => {
    if (!isPlainObject(c)) return;
    for (const [key, value] of Object.entries(c)) {
      if (LOGICAL_OPERATORS.has(key)) {
        if (Array.isArray(value)) value.forEach(visit);
        else visit(value);
      } else if (!key.startsWith("$")) {
        saw[key] = factAt(facts, key) ?? null;
      }
    }
  };
  visit(condition);
  return saw;
}
