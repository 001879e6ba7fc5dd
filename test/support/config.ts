import { defaultDocument, shippedConfig } from "../../src/config/shipped";
import { compileConfig } from "../../src/domain/compile";
import { configSchema, type ConfigDocument } from "../../src/domain/config";

/** The shipped default, compiled: what a fresh install serves. */
export const defaultConfig = () => shippedConfig();

/** A deep copy of the default document, to edit in a test. */
export function defaultDocCopy(): ConfigDocument {
  return structuredClone(defaultDocument) as unknown as ConfigDocument;
}

export function compile(doc: unknown) {
  return compileConfig(configSchema.parse(doc));
}

/** The same JSON with every object's keys in reverse order. */
export function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) as T;
}
