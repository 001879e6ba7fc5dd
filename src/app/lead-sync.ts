import type { LeadSyncStore } from "../db/lead-sync-store";
import type { CompiledConfig } from "../domain/compile";
import { checkCustomTraits } from "../domain/custom-traits";
import type { JsonPath } from "../domain/json-path";
import { duplicateEmailProblems } from "../domain/lead-sync";
import type { TraitsPatch } from "../domain/traits";
import { ApiError } from "../errors";

/**
 * Trusted traits for many leads at once (a CRM sync): every row is checked before anything
 * is written, then all are written in one D1 transaction. No lead is read back: each write's
 * mark makes the ledger's sweep (within the minute) record its change of segment.
 */
export async function syncLeads(
  services: { leadSync: LeadSyncStore; config: CompiledConfig; now: number },
  leads: { email: string; traits: TraitsPatch }[],
) {
  const problems = duplicateEmailProblems(leads);
  const rows = leads.map(({ email, traits }, i) => {
    const checked = checkCustomTraits(services.config.doc.traits, traits, ["leads", i, "traits"]);
    problems.push(...checked.problems);
    return { email, traits: checked.patch, newLeadId: crypto.randomUUID() };
  });
  if (problems.length > 0) throw ApiError.problems(problems.sort(byRow));
  return services.leadSync.upsertTraits(rows, services.now);
}

/** Problems in the order of their rows (`["leads", i, …]`). */
const byRow = (a: { path: JsonPath }, b: { path: JsonPath }) => Number(a.path[1]) - Number(b.path[1]);
