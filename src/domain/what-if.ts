import type { ConfigDocument, ConfigProblem } from "./config";
import type { GivenFacts } from "./facts";

/**
 * Facts stated for a what-if evaluation must be facts the configuration knows: a signal
 * it does not declare would silently never match, so it is an error, named by its path.
 */
export function checkGivenFacts(doc: ConfigDocument, given: GivenFacts | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(given?.signals ?? {})) {
    if (!Object.hasOwn(doc.signals, name)) problems.push({ path: ["signals", name], message: `signal "${name}" is not declared in this configuration` });
  }
  return problems;
}
