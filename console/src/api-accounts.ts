import type { AccountFields } from "../../src/domain/accounts";
import { request } from "./api";

/** Target accounts (README "Accounts"): the list and the upload, as the admin API answers them. */

export interface AccountListing extends AccountFields {
  domain: string;
  updatedAt: string;
  leads: number;
  engagedContacts: number;
  score: number;
  roles: string[];
  seniorities: string[];
}

export interface AccountPage {
  accounts: AccountListing[];
  next: string | null;
}

export async function listAccounts(options: { limit?: number; after?: string } = {}): Promise<AccountPage> {
  return (await request<AccountPage>("GET", "/v1/admin/accounts", { query: options })).data;
}

/** A CSV with a header row; 422 (an ApiError whose problems name `rows[i].field` and the line) writes nothing. */
export async function uploadAccountsCsv(csv: string): Promise<{ created: number; updated: number }> {
  return (await request<{ created: number; updated: number }>("POST", "/v1/admin/accounts:batch", { body: { csv } })).data;
}
