import type { LeadSyncStore } from "../db/lead-sync-store";
import { duplicateEmailProblems } from "../domain/lead-sync";
import type { TraitsPatch } from "../domain/traits";
import { ApiError } from "../errors";

/**
 * Trusted traits for many leads at once (a CRM sync): every row is checked before anything
 * is written, then all are written in one D1 transaction. No lead is read back: each write's
 * mark makes the ledger's sweep (within the minute) record its change of segment.
 */
export async function syncLeads(services: { leadSync: LeadSyncStore; now: number }, leads: { email: string; traits: TraitsPatch }[]) {
  const problems = duplicateEmailProblems(leads);
  if (problems.length > 0) throw ApiError.problems(problems);
  return services.leadSync.upsertTraits(leads.map((l) => ({ ...l, newLeadId: crypto.randomUUID() })), services.now);
}
