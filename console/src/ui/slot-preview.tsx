import type { SlotKind } from "../../../src/domain/config";
import type { SlotOrigin } from "../../../src/domain/content";

/** Where a segment's value of a slot comes from, as a badge: own, or inherited from whom. */
export function OriginBadge({ origin, nameOf }: { origin: Pick<SlotOrigin, "level" | "variant">; nameOf: (id: string) => string }) {
  const text = origin.level === "own" ? "own" : origin.level === "default" ? "inherited from default" : `inherited from ${nameOf(origin.variant)}`;
  return <span class={`origin origin-${origin.level}`} data-origin={origin.level}>{text}</span>;
}

/** A slot's value as text: never rendered as HTML (an `html` slot shows its source). */
export function SlotPreview({ origin }: { origin: { kind: SlotKind; value: unknown } }) {
  const value = origin.value as Record<string, string | undefined>;
  switch (origin.kind) {
    case "text":
      return <q>{String(origin.value)}</q>;
    case "cta":
      return (
        <>
          <span class="cta-label">{value.label}</span> → <code>{value.url}</code>
        </>
      );
    case "offer":
      return (
        <>
          <strong>{value.title}</strong>
          {value.body ? <span class="offer-body"> {value.body}</span> : null}
          {value.code && <span class="offer-code"> Code {value.code}.</span>}
          {value.expiresAt && <span class="offer-expiry"> Until {new Date(value.expiresAt).toLocaleString()}.</span>}
        </>
      );
    case "image":
      return (
        <>
          Image <code>{value.src}</code>, alt text <q>{value.alt}</q>
        </>
      );
    case "html":
      return <code class="html-source">{truncate(String(origin.value), 160)}</code>;
  }
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
