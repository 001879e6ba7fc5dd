import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { EmailContent } from "./email-content";
import { ownValue } from "./own";

/**
 * Ready-to-paste fragments of an email's slots (`format=html` / `format=text`), in the
 * order given. Every value from the configuration is escaped by hono's `html` template,
 * except `html` slots, whose content is HTML by definition (written by an admin).
 * CTAs link to their click-time link and images load through their open-tracking URL.
 */
export function renderEmailHtml(content: EmailContent, order: string[]): string {
  return order.flatMap((slotId) => htmlFragment(content, slotId) ?? []).join("\n");
}

/** Plain-text fragments: `html` and `image` slots have no text form and are left out. */
export function renderEmailText(content: EmailContent, order: string[]): string {
  return order.flatMap((slotId) => textFragment(content, slotId) ?? []).join("\n\n");
}

function htmlFragment(content: EmailContent, slotId: string): string | null {
  const slot = ownValue(content.slots, slotId);
  if (!slot) return null;
  let out: HtmlEscapedString | Promise<HtmlEscapedString>;
  switch (slot.kind) {
    case "text":
      out = html`<p data-lf-slot="${slotId}">${slot.text}</p>`;
      break;
    case "cta":
      out = html`<a data-lf-slot="${slotId}" href="${ownValue(content.links, slotId) ?? slot.url}">${slot.label}</a>`;
      break;
    case "offer":
      out = html`<div data-lf-slot="${slotId}"><p><strong>${slot.title}</strong></p><p>${slot.body}</p>${
        slot.code ? html`<p>Code: <strong>${slot.code}</strong></p>` : ""
      }</div>`;
      break;
    case "html":
      out = html`<div data-lf-slot="${slotId}">${raw(slot.html)}</div>`;
      break;
    case "image":
      out = html`<img data-lf-slot="${slotId}" src="${ownValue(content.images, slotId) ?? slot.src}" alt="${slot.alt}">`;
      break;
  }
  // Only strings are interpolated, so hono renders synchronously.
  return String(out);
}

function textFragment(content: EmailContent, slotId: string): string | null {
  const slot = ownValue(content.slots, slotId);
  switch (slot?.kind) {
    case "text":
      return slot.text;
    case "cta":
      return `${slot.label}: ${ownValue(content.links, slotId) ?? slot.url}`;
    case "offer":
      return [slot.title, slot.body, ...(slot.code ? [`Code: ${slot.code}`] : [])].join("\n");
    default:
      return null;
  }
}

/** The slots to render, in the order the caller asked for them (else the configuration's). */
export function fragmentOrder(content: EmailContent, requested: string[] | undefined): string[] {
  const present = Object.keys(content.slots);
  return requested ? [...new Set(requested)].filter((id) => Object.hasOwn(content.slots, id)) : present;
}
