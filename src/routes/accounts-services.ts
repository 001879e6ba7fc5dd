import type { Context } from "hono";
import type { AccountServices } from "../app/accounts";
import { freeMailDomains } from "../app/free-mail";
import type { AppEnv } from "../env";

/** The accounts use cases' services: the store, the clock, and the free-mail list (from the static assets). */
export async function accountServices(c: Context<AppEnv>): Promise<AccountServices> {
  const freeMail = await freeMailDomains(c.env.ASSETS, c.req.url);
  return { accounts: c.var.accounts, now: c.var.now, isFreeMail: (domain) => freeMail.has(domain) };
}
