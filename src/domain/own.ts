/**
 * Look-ups by an id that came from a configuration or a request. `record[id]` would also
 * find what every object inherits (`constructor`, `toString`, `__proto__`): a segment
 * called `constructor` would read `Object` as its content. Only own properties count.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}
