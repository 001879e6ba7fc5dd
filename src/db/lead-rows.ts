import type { ActivityRow } from "../domain/activity";
import { newestFirst } from "../domain/activity";
import type { StoredAccount } from "../domain/accounts";
import type { HoldoutArm } from "../domain/holdout";
import { parseStoredTraits, type Traits } from "../domain/traits";
import { parseAccount } from "./account-sql";

/** A lead as the stores read it back (src/db/store.ts, the ledger's reads): its row and activity, decoded. */
export interface LoadedLead {
  /** Null when the visitor or email is unknown. */
  leadId: string | null;
  traits: Traits;
  activity: ActivityRow[];
  /** The holdout arms recorded for the lead, per segment. */
  holdouts: Record<string, HoldoutArm>;
  /** The lead's account with its rollup (how it was linked in `link`); null without one. */
  account: StoredAccount | null;
  /** Traits the visitor stated in forms. */
  claimed: Traits;
  /** Whether the lead has an email (an account's contacts are its identified leads). */
  identified: boolean;
}

/** A lead row as selectLead (and the ledger's reads) select it. */
export interface LeadRow {
  id: string;
  traits: string;
  claimed_traits?: string | null;
  identified?: number;
  holdouts?: string | null;
  account?: string | null;
  account_link?: string | null;
}

export function toLoaded(results: unknown[]): LoadedLead {
  const [leadRows, activityRows] = results as [LeadRow[], { key: string; total: number; recent: string }[]];
  const lead = leadRows[0];
  return {
    leadId: lead?.id ?? null,
    traits: parseStoredTraits(lead?.traits),
    claimed: parseStoredTraits(lead?.claimed_traits),
    identified: lead?.identified === 1,
    account: parseAccount(lead?.account, lead?.account_link),
    holdouts: lead?.holdouts ? (JSON.parse(lead.holdouts) as Record<string, HoldoutArm>) : {},
    activity: activityRows.map((r) => ({ key: r.key, total: r.total, recent: newestFirst(JSON.parse(r.recent) as number[]) })),
  };
}
