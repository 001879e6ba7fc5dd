import { compileConfig, type CompiledConfig } from "../domain/compile";
import { configSchema } from "../domain/config";
import defaultDocument from "./default.json";

let compiledDefault: CompiledConfig | undefined;

/**
 * The configuration served to requests, compiled once per isolate. The shipped default is
 * validated by the same schema as any edited document (a broken default fails every test).
 */
export function activeConfig(): CompiledConfig {
  compiledDefault ??= compileConfig(configSchema.parse(defaultDocument));
  return compiledDefault;
}

export { defaultDocument };
