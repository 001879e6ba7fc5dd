import type { SlotContent } from "./content";
import { emailTokenPayload, signEmailToken } from "./email-tokens";
import { isSafeContentUrl } from "./safe-url";
import type { ResolvedSegment } from "./segments";

/**
 * What the ESP content API returns for one lead: the segment, the content of its slots,
 * and for every `cta` slot a click-time link (`/r/<token>`), for every `image` slot an
 * open-tracking image (`/i/<token>`). Other slot kinds need neither.
 */
export interface EmailContent {
  segment: { id: string; name: string };
  slots: Record<string, SlotContent>;
  links: Record<string, string>;
  images: Record<string, string>;
}

export interface EmailContentOptions {
  /** The lead's opaque id; null for an email we do not know (the links then serve defaults). */
  leadId: string | null;
  campaign?: string | undefined;
  now: number;
  /** LF_LINK_SECRET. */
  secret: string;
  /** Origin where this worker answers `/r/` and `/i/`. */
  linkOrigin: string;
  /** Base for relative CTA and image URLs: an email has no page to resolve them against. */
  siteOrigin: string;
}

export async function buildEmailContent(
  segment: ResolvedSegment,
  slots: Record<string, SlotContent>,
  options: EmailContentOptions,
): Promise<EmailContent> {
  const out: EmailContent = { segment: { id: segment.id, name: segment.name }, slots: {}, links: {}, images: {} };
  const sign = (purpose: "link" | "image", slotId: string) =>
    signEmailToken(options.secret, purpose, emailTokenPayload(options.leadId, slotId, options.campaign, options.now));
  for (const [slotId, content] of Object.entries(slots)) {
    out.slots[slotId] = withAbsoluteUrls(content, options.siteOrigin);
    if (content.kind === "cta") out.links[slotId] = `${options.linkOrigin}/r/${await sign("link", slotId)}`;
    if (content.kind === "image") out.images[slotId] = `${options.linkOrigin}/i/${await sign("image", slotId)}`;
  }
  return out;
}

/** CTA and image URLs made absolute against the site origin; other kinds unchanged. */
export function withAbsoluteUrls(content: SlotContent, siteOrigin: string): SlotContent {
  if (content.kind === "cta") return { ...content, url: absoluteUrl(content.url, siteOrigin) };
  if (content.kind === "image") return { ...content, src: absoluteUrl(content.src, siteOrigin) };
  return content;
}

/**
 * `/demo/contact` against `https://www.example.com` → `https://www.example.com/demo/contact`.
 * A URL that is not http(s), or a "relative" one that lands on another host (`/\evil.example`),
 * is never linked to or followed: the site's home page stands in for it.
 */
export function absoluteUrl(url: string, siteOrigin: string): string {
  return new URL(isSafeContentUrl(url, siteOrigin) ? url : "/", siteOrigin).toString();
}

/**
 * An origin from configuration (`LF_SITE_ORIGIN`, `LF_PUBLIC_ORIGIN`): the origin of an
 * http(s) URL, or null when the value is empty or anything else. Never the request's: its
 * Host header is whatever the client chose to send.
 */
export function configuredOrigin(value: string | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : null;
  } catch {
    return null;
  }
}

/** The marketing site's origin (`LF_SITE_ORIGIN`), which relative URLs resolve against; null when not configured. */
export const siteOrigin = (configured: string | undefined): string | null => configuredOrigin(configured);
