import { useDraft } from "../draft-store";

/**
 * PLACEHOLDER (the Rules branch only): the Content branch writes the real publish bar here
 * (changes, diff, message, Publish, the conflict flow); at merge its version replaces this one.
 */
export function DraftBar() {
  const { changes } = useDraft();
  return (
    <p class="draft-bar" data-draft-changes={changes.length}>
      {changes.length === 0 ? "The draft has no changes." : `${changes.length} ${changes.length === 1 ? "change" : "changes"} in the draft`}
    </p>
  );
}
