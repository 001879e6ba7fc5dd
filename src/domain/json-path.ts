/**
 * JSON paths as the API writes them in a problem's `path` (`segments[0].when["company.employees"]`)
 * and as zod and the domain checks produce them (`["segments", 0, "when", "company.employees"]`).
 * The console turns either into the other to show a problem at its field.
 */
export type JsonPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `["events", 0, "id"]` → `events[0].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => {
    if (typeof p === "number") return `${out}[${p}]`;
    const key = String(p);
    return IDENTIFIER.test(key) ? (out ? `${out}.${key}` : key) : `${out}[${JSON.stringify(key)}]`;
  }, "");
}

/** `events[0].id` → `["events", 0, "id"]`: the inverse of formatPath; null for anything it cannot have written. */
export function parsePath(text: string): (string | number)[] | null {
  const path: (string | number)[] = [];
  const part = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  for (let at = 0; at < text.length; ) {
    part.lastIndex = at;
    const match = part.exec(text);
    // A leading dot, or a name straight after another, is not formatPath's.
    if (!match || (match[1] !== undefined && (at === 0) === match[0].startsWith("."))) return null;
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(JSON.parse(match[3]!) as string);
    at = part.lastIndex;
  }
  return path;
}
