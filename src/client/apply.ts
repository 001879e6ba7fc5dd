/**
 * Puts slot content into the page. Text goes in through textContent; only a slot whose
 * kind is `html` is parsed as HTML; URLs (cta href, image src) must be http(s), or relative
 * and staying on the page's origin.
 * A slot whose content cannot be applied safely keeps the page's own markup.
 */
import { isSafeContentUrl } from "../domain/safe-url";

export interface SlotContent {
  kind: string;
  variant: string;
  [field: string]: unknown;
}

const OFFER_FIELDS = /^(title|body|code)$/;

export function applySlots(slots: Record<string, SlotContent>): void {
  document.querySelectorAll<HTMLElement>("[data-lf-slot]").forEach((el) => {
    const id = el.getAttribute("data-lf-slot")!;
    // Own properties only: `data-lf-slot="constructor"` must not find Object. ({}.hasOwnProperty: older Safari lacks Object.hasOwn.)
    const content = {}.hasOwnProperty.call(slots, id) ? slots[id] : undefined;
    if (content && fill(el, content)) el.setAttribute("data-lf-variant", text(content.variant));
  });
}

function fill(el: HTMLElement, c: SlotContent): boolean {
  switch (c.kind) {
    case "text":
      el.textContent = text(c.text);
      return true;
    case "cta":
      if (!safeUrl(c.url)) return false;
      el.textContent = text(c.label);
      if (el.tagName == "A") el.setAttribute("href", c.url);
      return true;
    case "offer":
      el.querySelectorAll<HTMLElement>("[data-lf-field]").forEach((field) => {
        const name = field.getAttribute("data-lf-field")!;
        if (!OFFER_FIELDS.test(name)) return;
        field.textContent = text(c[name]);
        // An optional field (code) the variant lacks disappears instead of showing stale text.
        field.hidden = !c[name];
      });
      return true;
    case "html":
      el.innerHTML = text(c.html);
      return true;
    case "image":
      if (!safeUrl(c.src)) return false;
      el.setAttribute("src", c.src);
      el.setAttribute("alt", text(c.alt));
      return true;
  }
  return false;
}

const text = (value: unknown): string => (typeof value == "string" ? value : "");

/** Absolute http(s), or relative and staying on this page's origin; never javascript:, data: or anything else. */
const safeUrl = (url: unknown): url is string => typeof url == "string" && isSafeContentUrl(url, location.href);
