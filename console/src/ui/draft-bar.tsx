import { useState } from "preact/hooks";
import type { JsonPath } from "../../../src/domain/json-path";
import type { VersionWithDocument } from "../api";
import { formatPath, valueAt, type DraftProblem } from "../draft";
import { discardDraft, publishDraft, reapplyDraft, reloadDraft, useDraft, type Conflict } from "../draft-store";
import { Button } from "./button";
import { ChangeTable, JsonValue } from "./change-table";
import { ConfirmDialog } from "./dialog";
import { TextField } from "./field";
import { Notice, useStatus } from "./status";

/**
 * The shared draft's publish bar, for every page that edits it (Content, Rules): how many
 * changes it holds and, on request, each one before → after; its problems, each a button to
 * its field; a message and Publish (refused while there are problems); Discard draft.
 *
 * Publishing is If-Match on the version the draft started from. When someone else published
 * meanwhile, the bar says who published which version and what they changed, and offers the
 * two ways on that never overwrite: re-apply the draft's own changes onto their version (and
 * then show where the draft replaces one of their values), or drop the draft and load theirs.
 *
 * A page's fields carry `data-draft-path` (formatPath of their JSON path) so that a problem's
 * button can focus them; a page that shows only part of the draft at a time passes
 * `showProblem` to bring the right part up first.
 */
export function DraftBar({ showProblem = focusDraftPath }: { showProblem?: (problem: DraftProblem) => void }) {
  const { draft, changes, problems, conflict, failed } = useDraft();
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [refusal, setRefusal] = useState<string>();
  const [showChanges, setShowChanges] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [overrides, setOverrides] = useState<{ paths: JsonPath[]; theirs: VersionWithDocument } | null>(null);
  const notify = useStatus();

  if (failed) return <Notice kind="error">Could not load the active configuration: {failed.message}</Notice>;
  if (!draft) return <p class="loading" role="status">Loading the draft…</p>;

  const publish = async () => {
    setError(undefined);
    setRefusal(undefined);
    if (problems.length > 0) {
      setRefusal(`Not published: the draft has ${count(problems.length, "problem")}. Fix ${problems.length === 1 ? "it" : "them"} first.`);
      return;
    }
    if (changes.length === 0) {
      setRefusal("Nothing to publish: the draft is the active version.");
      return;
    }
    setBusy(true);
    try {
      const result = await publishDraft(message.trim());
      if (result.ok) {
        setMessage("");
        setOverrides(null);
        setShowChanges(false);
        notify(`Version ${result.version.version} is active: published.`, "success");
      } else if (result.reason === "invalid") {
        setRefusal(`The server refused the draft: ${result.problems.map((p) => `${p.key}: ${p.message}`).join("; ") || "it is not valid"}.`);
      }
      // A conflict is shown below, from the store.
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const reapply = (current: Conflict) => {
    const paths = reapplyDraft();
    setOverrides({ paths, theirs: current.theirs });
    notify(`Your changes are re-applied on version ${current.theirs.version}: review them, then publish.`, "info");
  };

  const discard = async () => {
    setDiscarding(false);
    setOverrides(null);
    setMessage("");
    await discardDraft();
    notify("The draft is discarded: it is the active version again.", "info");
  };

  return (
    <section class="draft-bar" aria-labelledby="draft-bar-heading" data-draft-bar>
      <h2 id="draft-bar-heading" class="draft-bar-title">
        Draft
      </h2>
      <p class="draft-summary" data-testid="draft-summary">
        {changes.length === 0
          ? `No changes: the draft is version ${draft.basedOn}, the one it started from.`
          : `${count(changes.length, "change")} to version ${draft.basedOn}, not published yet.`}
      </p>
      {conflict ? (
        <ConflictView conflict={conflict} onReapply={() => reapply(conflict)} onReload={() => { setOverrides(null); reloadDraft(); }} />
      ) : (
        <>
          {overrides && <Overrides paths={overrides.paths} theirs={overrides.theirs} document={draft.document} />}
          {problems.length > 0 && <Problems problems={problems} showProblem={showProblem} />}
          {changes.length > 0 && (
            <div class="draft-actions">
              <Button aria-expanded={showChanges} aria-controls="draft-changes" onClick={() => setShowChanges(!showChanges)}>
                {showChanges ? "Hide the changes" : "Show the changes"}
              </Button>
              <Button onClick={() => setDiscarding(true)}>Discard draft</Button>
            </div>
          )}
          <div id="draft-changes" hidden={!showChanges || changes.length === 0}>
            {showChanges && changes.length > 0 && <ChangeTable changes={changes} caption={`The draft against version ${draft.basedOn}`} />}
          </div>
          {changes.length > 0 && (
            <form
              class="publish"
              onSubmit={(event) => {
                event.preventDefault();
                void publish();
              }}
            >
              <TextField label="Message (why, for the audit trail)" value={message} onValue={setMessage} maxLength={500} />
              <Button type="submit" variant="primary" busy={busy} aria-disabled={problems.length > 0 || undefined}>
                Publish
              </Button>
            </form>
          )}
          {refusal && <Notice kind="error">{refusal}</Notice>}
          {error && <Notice kind="error">Could not publish: {error}</Notice>}
        </>
      )}
      <ConfirmDialog
        open={discarding}
        title="Discard the draft?"
        confirmLabel="Discard draft"
        danger
        onConfirm={() => void discard()}
        onCancel={() => setDiscarding(false)}
      >
        <p>
          Your {count(changes.length, "change")} to version {draft.basedOn} {changes.length === 1 ? "is" : "are"} dropped: the draft
          becomes version {draft.basedOn} again. Nothing published changes.
        </p>
      </ConfirmDialog>
    </section>
  );
}

/** The draft's problems, each a button that takes the user to its field. */
function Problems({ problems, showProblem }: { problems: DraftProblem[]; showProblem: (problem: DraftProblem) => void }) {
  const shown = problems.slice(0, 10);
  return (
    <div class="notice notice-error draft-problems" role="group" aria-labelledby="draft-problems-heading">
      <p id="draft-problems-heading">
        <strong>The draft cannot be published: {count(problems.length, "problem")}.</strong>
      </p>
      <ul>
        {shown.map((problem) => (
          <li key={`${problem.key}:${problem.message}`}>
            <button type="button" class="link-button" onClick={() => showProblem(problem)}>
              <code>{problem.key || "the document"}</code>: {problem.message}
            </button>
          </li>
        ))}
      </ul>
      {problems.length > shown.length && <p>and {problems.length - shown.length} more.</p>}
    </div>
  );
}

function ConflictView({ conflict, onReapply, onReload }: { conflict: Conflict; onReapply: () => void; onReload: () => void }) {
  const { theirs, theirChanges } = conflict;
  return (
    <div class="notice notice-error conflict" role="group" aria-labelledby="conflict-heading" data-conflict>
      <h3 id="conflict-heading">Not published: someone else published meanwhile</h3>
      <p data-testid="conflict-who">
        {theirs.author}
        {theirs.authorNote ? ` (${theirs.authorNote})` : ""} published version {theirs.version} at{" "}
        <time dateTime={theirs.createdAt}>{new Date(theirs.createdAt).toLocaleString()}</time>
        {theirs.message ? <>: “{theirs.message}”</> : " (no message)"}. Nothing of yours was published, and nothing of theirs is
        overwritten.
      </p>
      {theirChanges.length > 0 ? (
        <ChangeTable changes={theirChanges} caption={`What version ${theirs.version} changed`} />
      ) : (
        <p>Their version has the same document your draft started from.</p>
      )}
      <div class="draft-actions">
        <Button variant="primary" onClick={onReapply}>
          Re-apply my changes on their version
        </Button>
        <Button variant="danger" onClick={onReload}>
          Drop my changes and load theirs
        </Button>
      </div>
    </div>
  );
}

/** After a re-apply: where the draft's value replaces a different one of theirs. */
function Overrides({ paths, theirs, document }: { paths: JsonPath[]; theirs: VersionWithDocument; document: unknown }) {
  if (paths.length === 0) {
    return (
      <Notice kind="success">
        Your changes are re-applied on version {theirs.version}; none of them replaces a value they changed. Review and publish.
      </Notice>
    );
  }
  return (
    <div class="notice overrides" role="group" aria-labelledby="overrides-heading" data-overrides>
      <p id="overrides-heading">
        <strong>
          Re-applied on version {theirs.version}. Where you both changed the same value, yours replaces theirs when you publish:
        </strong>
      </p>
      <ul>
        {paths.map((path) => (
          <li key={formatPath(path)} data-override={formatPath(path)}>
            <code>{formatPath(path)}</code>: theirs <JsonValue value={valueAt(theirs.document, path)} />, yours{" "}
            <JsonValue value={valueAt(document, path)} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Focuses the field of a problem: the control with its path in `data-draft-path`, else the
 * nearest one above it (the variant of an offer whose unknown key is the problem).
 */
export function focusDraftPath(problem: Pick<DraftProblem, "path">): boolean {
  for (let length = problem.path.length; length > 0; length--) {
    const key = formatPath(problem.path.slice(0, length));
    const control = document.querySelector<HTMLElement>(`[data-draft-path="${CSS.escape(key)}"]`);
    if (control) {
      control.focus();
      return true;
    }
  }
  return false;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
