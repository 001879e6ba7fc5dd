import type { Condition } from "./conditions";

/**
 * A segment's condition (GrowthBook/MongoDB-style, src/domain/conditions.ts) told in plain
 * words for the console: `{ "engagement.level": "high", "score": { "$gte": 65 } }` reads
 * "engagement high and score ≥ 65". Words only: whether a lead matches is always
 * GrowthBook's evalCondition, never this.
 */

const FACT_LABELS: Record<string, string> = {
  "company.employees": "employees",
  "company.industry": "industry",
  "company.revenue": "revenue",
  "company.country": "company country",
  "company.domain": "company domain",
  "person.role": "role",
  "person.seniority": "seniority",
  "person.department": "department",
  "engagement.score": "engagement score",
  "engagement.level": "engagement",
  "fit.score": "fit score",
  score: "score",
  "context.country": "visitor country",
  "context.language": "language",
  "context.path": "page",
};
/** Facts whose values read as adjectives: "engagement high", not "engagement is high". */
const LEVEL_FACTS = new Set(["engagement.level"]);

const COMPARISONS: Record<string, string> = { $gt: ">", $gte: "≥", $lt: "<", $lte: "≤", $vgt: ">", $vgte: "≥", $vlt: "<", $vlte: "≤" };

/** What a fact is called in words: `signals.pricing_views_7d` → "pricing views in 7 days". */
export function factLabel(path: string): string {
  const known = FACT_LABELS[path];
  if (known) return known;
  const [root, name, ...rest] = path.split(".");
  if (root === "signals" && name && rest.length === 0) {
    const windowed = /^(.+?)_(\d+)d$/.exec(name);
    return windowed ? `${words(windowed[1]!)} in ${windowed[2]} days` : words(name);
  }
  if (root === "context" && name === "utm" && rest.length === 1) return `utm ${words(rest[0]!)}`;
  return path;
}

const words = (name: string) => name.replace(/[_-]+/g, " ");

/** The condition in words; "" for none (or an empty one): it holds for everyone. */
export function conditionWords(condition: Condition | undefined): string {
  if (condition === undefined) return "";
  return phrase(condition).text;
}

/** A phrase and the connective that joins its parts, so that a mixed one is put in parentheses. */
interface Phrase {
  text: string;
  joined: "and" | "or" | null;
}

function phrase(condition: unknown): Phrase {
  if (!isPlainObject(condition)) return { text: json(condition), joined: null };
  const parts = Object.entries(condition).flatMap(([key, value]): Phrase[] => {
    if (key === "$and") return Array.isArray(value) ? value.map(phrase) : [];
    if (key === "$or") return [joinAll(Array.isArray(value) ? value.map(phrase) : [], "or")];
    if (key === "$nor") return [{ text: `not (${joinAll(Array.isArray(value) ? value.map(phrase) : [], "or").text})`, joined: null }];
    if (key === "$not") return [{ text: `not (${phrase(value).text})`, joined: null }];
    return [fieldPhrase(key, value)];
  });
  return joinAll(parts, "and");
}

function joinAll(parts: Phrase[], joiner: "and" | "or"): Phrase {
  const nonEmpty = parts.filter((p) => p.text !== "");
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  return { text: nonEmpty.map((p) => wrapped(p, joiner)).join(` ${joiner} `), joined: nonEmpty.length > 1 ? joiner : null };
}

/** In parentheses when its own parts are joined otherwise than where it stands. */
function wrapped(p: Phrase, within: "and" | "or" | null): string {
  return p.joined !== null && p.joined !== within ? `(${p.text})` : p.text;
}

function fieldPhrase(fact: string, value: unknown): Phrase {
  const label = factLabel(fact);
  const level = LEVEL_FACTS.has(fact);
  if (!isOperatorObject(value)) return { text: equals(label, value, level), joined: null };
  const ops = { ...value };
  const parts: string[] = [];
  // `{ $gte: 200, $lte: 999 }`: one range, as the seed table writes company sizes.
  if (typeof ops.$gte === "number" && typeof ops.$lte === "number") {
    parts.push(`${label} ${ops.$gte}–${ops.$lte}`);
    delete ops.$gte;
    delete ops.$lte;
  }
  for (const [op, arg] of Object.entries(ops)) parts.push(operatorWords(label, op, arg, level));
  return { text: parts.join(" and "), joined: parts.length > 1 ? "and" : null };
}

function operatorWords(label: string, op: string, arg: unknown, level: boolean): string {
  const list = Array.isArray(arg) ? arg : [arg];
  const comparison = COMPARISONS[op];
  if (comparison) return `${label} ${comparison} ${json(arg)}${op.startsWith("$v") ? " (version)" : ""}`;
  switch (op) {
    case "$eq":
    case "$veq":
      return equals(label, arg, level);
    case "$ne":
    case "$vne":
      return `${label} is not ${json(arg)}`;
    case "$in":
    case "$ini":
      return `${level ? label : `${label} is`} ${either(list)}${op === "$ini" ? " (any case)" : ""}`;
    case "$nin":
    case "$nini":
      return `${label} is none of ${list.map(json).join(", ")}${op === "$nini" ? " (any case)" : ""}`;
    case "$exists":
      return `${label} is ${arg ? "known" : "unknown"}`;
    case "$regex":
      return `${label} matches /${String(arg)}/`;
    case "$regexi":
      return `${label} matches /${String(arg)}/ (any case)`;
    case "$all":
    case "$alli":
      return `${label} has all of ${list.map(json).join(", ")}${op === "$alli" ? " (any case)" : ""}`;
    case "$size":
      return isOperatorObject(arg) ? fieldPhraseOf(`number of ${label}`, arg) : `${label} has ${json(arg)} items`;
    case "$type":
      return `${label} is ${/^[aeiou]/.test(String(arg)) ? "an" : "a"} ${String(arg)}`;
    case "$not":
      return `not (${isOperatorObject(arg) ? fieldPhraseOf(label, arg) : equals(label, arg, level)})`;
    case "$elemMatch":
      return `${label} has an item where ${isOperatorObject(arg) ? fieldPhraseOf("it", arg) : `(${phrase(arg).text})`}`;
    default:
      return `${label} ${op} ${json(arg)}`;
  }
}

/** Operators on a value that is not a fact (a count, an array's item), under a label of its own. */
function fieldPhraseOf(label: string, ops: Record<string, unknown>): string {
  return Object.entries(ops).map(([op, arg]) => operatorWords(label, op, arg, false)).join(" and ");
}

function equals(label: string, value: unknown, level: boolean): string {
  return level ? `${label} ${json(value)}` : `${label} is ${json(value)}`;
}

/** `["high", "medium"]` → "high or medium"; three or more: "a, b or c". */
export function either(values: unknown[]): string {
  const shown = values.map(json);
  return shown.length <= 1 ? (shown[0] ?? "nothing") : `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
}

/** Strings and numbers as they are; anything else as JSON. */
export function json(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value) ?? "nothing";
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith("$"));
}
