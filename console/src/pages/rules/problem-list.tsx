import type { DraftProblem } from "../../draft";
import { useStatus } from "../../ui/status";
import { focusPath } from "./draft-fields";

/** The parts of the document this page edits; problems elsewhere (content, retention) are only listed. */
const ON_THIS_PAGE = new Set(["segments", "scoring", "signals", "pageCategories"]);

/**
 * Every problem of the draft, by the server's own schema, each a button that takes the
 * focus to its field (opening what it is folded in). Also shown at the fields themselves.
 */
export function ProblemList({ problems }: { problems: DraftProblem[] }) {
  const notify = useStatus();
  if (problems.length === 0) return <p class="no-problems">The draft has no problems: it can be published.</p>;
  return (
    <section class="notice notice-error problem-list" aria-labelledby="rules-problems">
      <h2 id="rules-problems">
        {problems.length === 1 ? "1 problem" : `${problems.length} problems`} in the draft
      </h2>
      <ul>
        {problems.map((problem, i) => {
          const here = ON_THIS_PAGE.has(String(problem.path[0]));
          return (
            <li key={`${problem.key} ${i}`}>
              {here ? (
                <button
                  type="button"
                  class="link-button"
                  onClick={() => {
                    if (!focusPath(problem.path)) notify(`${problem.key} is not shown on this page.`);
                  }}
                >
                  <code>{problem.key || "the document"}</code>
                </button>
              ) : (
                <code>{problem.key || "the document"}</code>
              )}
              : {problem.message}
              {here ? null : <span class="muted"> (not on this page)</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
