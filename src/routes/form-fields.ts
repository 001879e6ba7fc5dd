import type { CompiledConfig } from "../domain/compile";

/** The personalize answer's `fields`: which form fields the script sends with a submit (none: no member). */
export function formFields(config: CompiledConfig): { fields?: string[] } {
  const fields = Object.keys(config.doc.forms?.fields ?? {});
  return fields.length ? { fields } : {};
}
