import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { ApiError } from "../errors";
import { keyList } from "./keys";

/**
 * Cloudflare Access in front of the admin API: Access adds `Cf-Access-Jwt-Assertion`, a
 * JWT signed with the team's keys, to every request it lets through. The worker checks it
 * itself (signature, audience, issuer, expiry), so a request that reaches it some other
 * way (the workers.dev URL, a route Access does not cover) proves nothing by carrying one.
 * Configured by LF_ACCESS_TEAM_DOMAIN and LF_ACCESS_AUD; LF_ACCESS_JWKS (a JWKS document)
 * replaces fetching the team's keys, for tests and air-gapped setups.
 */
export const ACCESS_HEADER = "cf-access-jwt-assertion";

interface AccessSettings {
  issuer: string;
  audience: string[];
  jwks: string | undefined;
}

type AccessEnv = Pick<Cloudflare.Env, "LF_ACCESS_TEAM_DOMAIN" | "LF_ACCESS_AUD" | "LF_ACCESS_JWKS">;

/** Null unless both the team domain and an audience are set: half a configuration admits nobody. */
export function accessSettings(env: AccessEnv): AccessSettings | null {
  const team = (env.LF_ACCESS_TEAM_DOMAIN ?? "").trim().replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  const audience = keyList(env.LF_ACCESS_AUD);
  if (!team || audience.length === 0) return null;
  return { issuer: `https://${team}`, audience, jwks: (env.LF_ACCESS_JWKS ?? "").trim() || undefined };
}

/** Per isolate: the remote key set caches the team's keys (and refetches for a new `kid`). */
let cachedKeys: { source: string; keys: JWTVerifyGetKey } | undefined;

function keysOf(settings: AccessSettings): JWTVerifyGetKey {
  const source = settings.jwks ?? settings.issuer;
  if (cachedKeys?.source === source) return cachedKeys.keys;
  let keys: JWTVerifyGetKey;
  try {
    keys = settings.jwks ? createLocalJWKSet(JSON.parse(settings.jwks)) : createRemoteJWKSet(new URL(`${settings.issuer}/cdn-cgi/access/certs`));
  } catch (error) {
    console.error(`LF_ACCESS_JWKS is not a JWKS document: ${(error as Error).message}`);
    throw new ApiError(503, "not_configured", "Cloudflare Access sign-in is misconfigured: LF_ACCESS_JWKS is not a JWKS document.");
  }
  cachedKeys = { source, keys };
  return keys;
}

/** What jose says of a token that is not genuine (anything else is about reaching the keys). */
const REFUSED = /^ERR_(JWT_|JWS_|JWKS_NO_MATCHING_KEY|JWKS_MULTIPLE_MATCHING_KEYS|JOSE_ALG_NOT_ALLOWED)/;

/** The signed-in email and the token's expiry (epoch ms); 401 for any token that is not genuine. */
export async function accessIdentity(settings: AccessSettings, token: string): Promise<{ email: string; expiresAt: number }> {
  const keys = keysOf(settings);
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keys, { issuer: settings.issuer, audience: settings.audience, algorithms: ["RS256"], requiredClaims: ["exp"] }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && REFUSED.test(code)) {
      throw new ApiError(401, "unauthorized", "The Cloudflare Access token is not valid here (signature, audience, issuer or expiry).");
    }
    console.error("Cloudflare Access: cannot verify a token", error);
    throw new ApiError(503, "access_unavailable", "The Cloudflare Access signing keys cannot be had right now; try again, or use an admin token.");
  }
  if (typeof payload.email !== "string" || payload.email === "") {
    throw new ApiError(401, "unauthorized", "The Cloudflare Access token names no email (a service token?): use an admin token for scripts.");
  }
  return { email: payload.email, expiresAt: payload.exp! * 1000 };
}
