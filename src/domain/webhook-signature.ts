/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the key a `whsec_<base64>` secret holds, as `v1,<base64>`;
 * several secrets (a rotation) give several signatures, space-separated. WebCrypto rather
 * than the `standardwebhooks` package: the package's pure-JS SHA-256 adds 4.8 KB gzipped to a
 * worker at its budget; the tests verify these signatures with the package, and against the
 * specification's test vector.
 */
export async function signWebhook(secrets: string[], id: string, timestampSeconds: number, body: string): Promise<string> {
  const message = new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const key = await crypto.subtle.importKey("raw", webhookSecretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
      return `v1,${btoa(String.fromCharCode(...mac))}`;
    }),
  );
  return signatures.join(" ");
}

/** The key bytes of a `whsec_` secret (base64 after the prefix); a secret without the prefix is its own bytes. */
export function webhookSecretBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (!secret.startsWith("whsec_")) return new Uint8Array(new TextEncoder().encode(secret));
  return Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
}

/** The secrets a Worker secret holds: one, or several separated by spaces or commas during a rotation. */
export function webhookSecrets(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}
