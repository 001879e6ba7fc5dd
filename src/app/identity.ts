import type { LeadStore } from "../db/store";

/**
 * Identity (issue 12): who may say that a browser is the lead with an email.
 * - A browser's identify is a *claim*: recorded, never merged, and nothing derived from the
 *   known lead reaches that browser; its own activity keeps counting on its own lead.
 * - The site's server (the server key), which saw a login or a form it trusts, verifies:
 *   the visitor joins the lead and its activity merges, exactly once (LeadStore.verifyVisitor).
 * - `identity.trustBrowserIdentify` makes a browser's identify a verification, for sites that
 *   accept that anyone typing an email into a form is served that lead's content.
 */
export interface IdentifyInput {
  visitorId: string;
  email: string;
  /** A verification (the site's server or a trusted browser), not a claim. */
  verified: boolean;
  now: number;
}

export async function identifyVisitor(store: LeadStore, input: IdentifyInput): Promise<{ verified: boolean }> {
  if (input.verified) await store.verifyVisitor(input.visitorId, input.email, [crypto.randomUUID(), crypto.randomUUID()], input.now);
  else await store.claim(input.visitorId, input.email, crypto.randomUUID(), input.now);
  return { verified: input.verified };
}
