import { z } from "@hono/zod-openapi";
import type { AccountRecord } from "../db/account-store";
import { accountFacts, accountFields, ACCOUNT_BATCH_MAX } from "../domain/accounts";
import { domainName } from "../domain/traits";

/** The OpenAPI shapes of the accounts routes (README "Accounts"). */

export const AccountDomain = domainName.openapi(LF_OPENAPI_DOCS ? { description: "The account's email/web domain", example: "acme-health.com" } : {});

export const AccountIn = accountFields.openapi("AccountIn", LF_OPENAPI_DOCS ? {
  description:
    "A target account. PUT replaces it whole (an absent field is cleared). `tier`: the ABM tier, 1 to 3; `technologies`: the technographic list " +
    "(lower-cased); `asOrganizations`: the names Cloudflare reports in `request.cf.asOrganization` for the company's own network",
  example: { name: "Acme Health", employees: 5000, industry: "healthcare", country: "US", tier: 1, owner: "ae@example.com", technologies: ["salesforce"] },
} : {});

export const AccountsBatchIn = z
  .strictObject({ accounts: z.array(z.unknown()).min(1).max(ACCOUNT_BATCH_MAX) })
  .openapi("AccountsBatchIn", LF_OPENAPI_DOCS ? { description: "Up to 1,000 accounts, each an AccountIn with its `domain`" } : {});

export const AccountsWritten = z
  .object({ created: z.number().int(), updated: z.number().int() })
  .openapi("AccountsWritten", LF_OPENAPI_DOCS ? { description: "How many accounts were new, and how many replaced" } : {});

export const AccountOut = accountFields
  .extend({
    domain: z.string(),
    updatedAt: z.string().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601" } : {}),
    leads: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Leads linked to the account (by company.domain, email domain or network)" } : {}),
    engagedContacts: z.number().int().openapi(LF_OPENAPI_DOCS ? { description: "Identified contacts engaged (medium or high) at a review in the last 30 days" } : {}),
    score: z.number().openapi(LF_OPENAPI_DOCS ? { description: "Their engagement scores, each decayed to now" } : {}),
    roles: z.array(z.string()),
    seniorities: z.array(z.string()),
  })
  .openapi("Account");

/** An account as the API answers it: its fields, its leads, and its engaged contacts as of `now`. */
export function accountOut(account: AccountRecord, now: number, halfLifeDays: number): z.infer<typeof AccountOut> {
  const { contacts, updatedAt, ...fields } = account;
  const rollup = accountFacts({ ...fields, contacts }, now, halfLifeDays);
  return {
    ...fields,
    updatedAt: new Date(updatedAt).toISOString(),
    engagedContacts: rollup.engagedContacts,
    score: rollup.score,
    roles: rollup.roles,
    seniorities: rollup.seniorities,
  };
}
