import { defaultDocument, shippedConfig } from "../../src/config/active";
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
