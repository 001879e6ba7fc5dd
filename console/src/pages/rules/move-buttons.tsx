import { useEffect, useState } from "preact/hooks";
import { Button } from "../../ui/button";
import { useStatus } from "../../ui/status";
import { moveItem } from "./draft-fields";
import type { JsonPath } from "../../../../src/domain/json-path";

type Direction = "up" | "down";

/**
 * Reordering a list of the draft by buttons (no drag-only UI): "Move up" and "Move down"
 * per item. After a move the focus follows the item to its new place (on the other button
 * when it reached an end), and the new position is announced.
 */
export function useMoves(document: unknown, path: JsonPath) {
  const [pending, setPending] = useState<{ key: string; direction: Direction } | null>(null);
  const notify = useStatus();
  useEffect(() => {
    if (!pending) return;
    setPending(null);
    const buttons = [...globalThis.document.querySelectorAll<HTMLButtonElement>(`[data-move-key="${CSS.escape(pending.key)}"]`)];
    const same = buttons.find((b) => b.dataset.move === pending.direction && !b.disabled);
    (same ?? buttons.find((b) => !b.disabled))?.focus();
  }, [pending]);
  /** `keyAt`: the key the item has at its new index (lists keyed by index); its own key by default. */
  return (key: string, name: string, index: number, count: number, keyAt: (to: number) => string = () => key) => {
    const move = (direction: Direction) => {
      const to = direction === "up" ? index - 1 : index + 1;
      moveItem(document, path, index, to);
      setPending({ key: keyAt(to), direction });
      notify(`${name} is now number ${to + 1} of ${count}.`);
    };
    return (
      <span class="move-buttons">
        <Button data-move-key={key} data-move="up" disabled={index === 0} onClick={() => move("up")}>
          <span aria-hidden="true">↑ </span>Move<span class="visually-hidden"> {name}</span> up
        </Button>
        <Button data-move-key={key} data-move="down" disabled={index === count - 1} onClick={() => move("down")}>
          <span aria-hidden="true">↓ </span>Move<span class="visually-hidden"> {name}</span> down
        </Button>
      </span>
    );
  };
}
