import { compileConfig, type CompiledConfig } from "../domain/compile";
import { configSchema } from "../domain/config";
import defaultDocument from "./default.json";

/**
 * The shipped default configuration (src/config/default.json) as a module, for the tests,
 * the bench and the scripts. The worker never imports it: it reads the same document from
 * its static assets (site/config/default.json, written by `npm run build`; see
 * ./active.ts), so the document costs the worker bundle nothing.
 */
export { defaultDocument };

let compiled: CompiledConfig | undefined;

/** The shipped default, compiled: what a fresh database activates as version 1. */
export function shippedConfig(): CompiledConfig {
  compiled ??= compileConfig(configSchema.parse(defaultDocument));
  return compiled;
}
