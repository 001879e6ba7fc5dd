import { z } from "zod";
import { signToken, verifyToken } from "./tokens";

/**
 * The tokens in email links (`/r/<token>`, purpose `link`) and images (`/i/<token>`,
 * purpose `image`). The payload names the lead by its opaque id (never the email), the
 * slot, the campaign and the expiry, with one-letter field names to keep URLs short.
 */
export type EmailTokenPurpose = "link" | "image";

export interface EmailTokenPayload {
  /** Lead id (`leads.id`); absent when the email was unknown at send time. */
  l?: string;
  /** Slot id. */
  s: string;
  /** Campaign, as the ESP named it. */
  c?: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** How long an email link or image stays personalized; afterwards it serves the default. */
export const EMAIL_TOKEN_TTL_DAYS = 90;

/** Campaign names the ESP passes: no `@`, so an email address can never ride along. */
export const CAMPAIGN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

const payloadSchema = z.object({
  l: z.string().min(1).max(64).optional(),
  s: z.string().min(1).max(63),
  c: z.string().regex(CAMPAIGN_PATTERN).optional(),
  exp: z.number().int(),
});

export function emailTokenPayload(leadId: string | null, slot: string, campaign: string | undefined, now: number): EmailTokenPayload {
  return {
    ...(leadId ? { l: leadId } : {}),
    s: slot,
    ...(campaign ? { c: campaign } : {}),
    exp: Math.floor(now / 1000) + EMAIL_TOKEN_TTL_DAYS * 86_400,
  };
}

export function signEmailToken(secret: string, purpose: EmailTokenPurpose, payload: EmailTokenPayload): Promise<string> {
  return signToken(secret, purpose, { ...payload });
}

/** The payload of a genuine, unexpired email token of this purpose; null for anything else. */
export async function readEmailToken(
  secret: string,
  purpose: EmailTokenPurpose,
  token: string,
  now: number,
): Promise<EmailTokenPayload | null> {
  if (!secret) return null;
  const payload = await verifyToken(secret, purpose, token, now);
  const parsed = payloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : null;
}
