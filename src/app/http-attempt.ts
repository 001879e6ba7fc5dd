/**
 * One HTTP request of a delivery attempt (src/app/delivery.ts, src/app/crm-delivery.ts): a
 * 15 s timeout, redirects never followed, and the answer reduced to what the schedule needs.
 */

/** How long one request may take, as Standard Webhooks recommends. */
export const ATTEMPT_TIMEOUT_MS = 15_000;

export type HttpRequest = { url: string; method?: string; headers: Record<string, string>; body?: string };
export type Answer = { status: number | null; retryAfter: string | null; error: string | null; json?: unknown };

/** One request (POST unless said): its status (null: no answer), `Retry-After`, what went wrong, and a 2xx JSON body. */
export async function send(fetcher: typeof fetch, request: HttpRequest): Promise<Answer> {
  try {
    const res = await fetcher(request.url, {
      method: request.method ?? "POST",
      headers: request.headers,
      body: request.body,
      // A redirect is an answer, never followed: it could lead anywhere, 127.0.0.1 included.
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    const ok = res.status >= 200 && res.status < 300;
    const json = ok && (res.headers.get("content-type") ?? "").includes("json") ? await res.json().catch(() => undefined) : undefined;
    if (json === undefined) await res.body?.cancel();
    return { status: res.status, retryAfter: res.headers.get("retry-after"), error: ok ? null : `answered ${res.status}`, json };
  } catch (e) {
    const error = e instanceof Error && e.name === "TimeoutError" ? `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : `request failed: ${String(e)}`.slice(0, 300);
    return { status: null, retryAfter: null, error };
  }
}

