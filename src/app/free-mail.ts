/**
 * The free-mail and disposable providers' domains (the npm `email-providers` list, 8,700
 * domains), which `npm run build` copies into the static assets (console/dist/site/
 * free-mail.json) so the list costs the worker bundle nothing. Read once per isolate, on the
 * first account upload: only uploads need it (a lead is linked by lookup of an uploaded
 * domain, and no such domain is ever a provider's).
 */
let cached: Promise<ReadonlySet<string>> | null = null;

export function freeMailDomains(assets: Fetcher, origin: string): Promise<ReadonlySet<string>> {
  cached ??= (async () => {
    const res = await assets.fetch(new URL("/site/free-mail.json", origin));
    if (res.status !== 200) {
      cached = null;
      throw new Error(`site/free-mail.json was not built (npm run build): the assets answered ${res.status}`);
    }
    return new Set(((await res.json()) as string[]).map((d) => d.toLowerCase()));
  })();
  return cached;
}
