import type { JsonPath } from "./json-path";

/** POST /v1/leads:batch: at most this many leads a request (one D1 transaction, one JSON parameter). */
export const BATCH_MAX_LEADS = 1000;

export interface BatchProblem {
  path: JsonPath;
  message: string;
}

/** An email twice in one batch is refused (which of its rows should win?), each repeat named with its first row. */
export function duplicateEmailProblems(leads: readonly { email: string }[]): BatchProblem[] {
  const first = new Map<string, number>();
  const problems: BatchProblem[] = [];
  leads.forEach(({ email }, i) => {
    const seen = first.get(email);
    if (seen === undefined) first.set(email, i);
    else problems.push({ path: ["leads", i, "email"], message: `the same email as leads[${seen}]: one row per lead` });
  });
  return problems;
}
