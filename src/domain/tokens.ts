/**
 * Compact, URL-safe signed tokens: `base64url(json payload).base64url(HMAC-SHA256)`.
 * The MAC covers a purpose label too, so a preview token can never be replayed as an email
 * link or the other way round (nor either as an admin session cookie). Payloads carry `exp` (epoch seconds); verification takes
 * the time as an argument. No I/O: WebCrypto only.
 */
export type TokenPurpose = "preview" | "link" | "image" | "admin-session" | "verify";

export interface TokenPayload {
  /** Expiry, epoch seconds. */
  exp: number;
  [field: string]: unknown;
}

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keyCache.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 of `message` under `secret` (the same cached key the tokens are signed with). */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message)));
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes unpadded base64url; null for anything but the one canonical spelling. atob
 * ignores a last character's unused bits, so without the round-trip check one signature
 * could be written four ways, and a token counted once per spelling.
 */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  let bytes: Uint8Array;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  return base64url(bytes) === text ? bytes : null;
}

export async function signToken(secret: string, purpose: TokenPurpose, payload: TokenPayload): Promise<string> {
  const body = base64url(encoder.encode(JSON.stringify(payload)));
  return `${body}.${base64url(await hmacSha256(secret, `${purpose}.${body}`))}`;
}

/** The payload of a genuine, unexpired token for this purpose; null for anything else. */
export async function verifyToken<T extends TokenPayload>(
  secret: string,
  purpose: TokenPurpose,
  token: string,
  nowMs: number,
): Promise<T | null> {
  if (token.length > 2048) return null;
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) return null;
  const macBytes = fromBase64url(mac);
  if (!macBytes) return null;
  // crypto.subtle.verify compares in constant time.
  const genuine = await crypto.subtle.verify("HMAC", await hmacKey(secret), macBytes, encoder.encode(`${purpose}.${body}`));
  if (!genuine) return null;
  const json = fromBase64url(body);
  if (!json) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(json));
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null || typeof (payload as TokenPayload).exp !== "number") return null;
  if ((payload as TokenPayload).exp * 1000 <= nowMs) return null;
  return payload as T;
}
