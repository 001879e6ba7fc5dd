import { useEffect, useRef, useState } from "preact/hooks";
import { factLabel } from "../../../src/domain/condition-words";
import { activeConfig, ApiError, evaluate, type Evaluation, type GivenFacts } from "../api";
import { parsePath, serverProblems, type DraftProblem } from "../draft";
import { useDraft } from "../draft-store";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { Field, TextField } from "../ui/field";
import { Link } from "../ui/link";
import { Notice } from "../ui/status";
import { EvaluationResult } from "./try-it/result";

/**
 * What-if: which segment, content and why for facts typed here, or for a stored lead by
 * its email (the facts typed then override its own), with the active version or with the
 * shared draft (sent as `config`, never stored). Nothing is recorded.
 */

type Source = "active" | "draft";

/** The typed facts by their path (`company.employees`, `signals.pricing_views_7d`); kept while the console is open. */
let remembered: { source: Source; email: string; facts: Record<string, string> } = { source: "active", email: "", facts: {} };

const TEXT_FACTS = ["company.industry", "company.country", "person.role", "person.seniority", "person.department", "context.language"] as const;
const NUMBER_FACTS = ["company.employees", "engagement.score", "score", "account.tier", "account.engagedContacts"] as const;

/** The typed facts as the API's `facts`: empty fields are left to be derived. */
function givenFacts(typed: Record<string, string>): GivenFacts {
  const facts: Record<string, Record<string, unknown> | number> = {};
  for (const [path, raw] of Object.entries(typed)) {
    const text = raw.trim();
    if (text === "") continue;
    const numeric = path !== "engagement.level" && !(TEXT_FACTS as readonly string[]).includes(path);
    const value = numeric ? Number(text) : text;
    const [root, name] = path.split(".") as [string, string | undefined];
    if (name === undefined) facts[root] = value as number;
    else facts[root] = { ...(facts[root] as Record<string, unknown> | undefined), [name]: value };
  }
  return facts as GivenFacts;
}

const segmentNames = (document: unknown) =>
  new Map(
    (Array.isArray((document as { segments?: unknown })?.segments) ? (document as { segments: unknown[] }).segments : []).flatMap((s) => {
      const { id, name } = (s ?? {}) as { id?: unknown; name?: unknown };
      return typeof id === "string" ? [[id, typeof name === "string" ? name : id] as const] : [];
    }),
  );

const signalIds = (document: unknown) => Object.keys(((document as { signals?: object } | null)?.signals ?? {}) as object);

export default function TryItPage() {
  const { draft, changes, problems } = useDraft();
  const active = useLoad(activeConfig, []);
  const [source, setSource] = useState<Source>(remembered.source);
  const [email, setEmail] = useState(remembered.email);
  const [facts, setFacts] = useState<Record<string, string>>(remembered.facts);
  const [busy, setBusy] = useState(false);
  /** Answers so far: a new one is a new round, also when it says the same. */
  const [round, setRound] = useState(0);
  const [result, setResult] = useState<{ answer: Evaluation; source: Source } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<{ message: string; draftProblems: DraftProblem[] } | null>(null);
  const resultHeading = useRef<HTMLDivElement>(null);
  useEffect(() => {
    remembered = { source, email, facts };
  }, [source, email, facts]);

  const document = source === "draft" ? draft?.document : active.state === "ready" ? active.data.document : undefined;
  const fact = (path: string) => facts[path] ?? "";
  /** Segment names of the configuration an answer came from (ids until it has loaded). */
  const nameOf = (from: Source) => {
    const names = segmentNames(from === "draft" ? draft?.document : active.state === "ready" ? active.data.document : undefined);
    return (id: string) => names.get(id) ?? id;
  };
  const setFact = (path: string) => (value: string) => setFacts((all) => ({ ...all, [path]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setFailure(null);
    try {
      const config = source === "draft" ? draft?.document : undefined;
      const answer = await evaluate({ facts: givenFacts(facts), email: email.trim() || undefined, config });
      setResult({ answer, source });
      setRound((n) => n + 1);
      requestAnimationFrame(() => resultHeading.current?.querySelector<HTMLElement>("h2")?.focus());
    } catch (error) {
      setResult(null);
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 404) setFieldErrors({ email: "No lead has this email." });
      else if (error.status === 422) {
        const byField: Record<string, string> = {};
        for (const problem of error.problems) {
          const path = parsePath(problem.path);
          if (path?.[0] === "facts") byField[path.slice(1).join(".")] = problem.message;
          else if (path?.[0] === "email") byField.email = problem.message;
        }
        setFieldErrors(byField);
        setFailure({ message: error.message, draftProblems: serverProblems(error, ["config"]) });
      } else setFailure({ message: error.message, draftProblems: [] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="lead">
        Which segment and content would a lead get, and why? Type some facts, or a stored lead's email (the facts you type then
        replace its own); empty fields are derived as usual. Nothing is recorded.
      </p>
      <form class="try-form" onSubmit={submit} noValidate>
        <fieldset class="choice">
          <legend>Evaluate with</legend>
          <label>
            <input type="radio" name="source" value="active" checked={source === "active"} onChange={() => setSource("active")} />{" "}
            the active version{active.state === "ready" ? ` (${active.data.version})` : ""}
          </label>
          <label>
            <input type="radio" name="source" value="draft" checked={source === "draft"} onChange={() => setSource("draft")} disabled={!draft} />{" "}
            the draft ({changes.length === 1 ? "1 change" : `${changes.length} changes`}
            {problems.length ? `, ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}` : ""})
          </label>
        </fieldset>
        <TextField
          type="email"
          label="A lead's email (optional)"
          hint="Its traits and activity; the facts below override them."
          value={email}
          onValue={setEmail}
          error={fieldErrors.email}
          autocomplete="off"
        />
        <fieldset class="try-facts">
          <legend>Facts</legend>
          {NUMBER_FACTS.map((path) => (
            <TextField key={path} type="number" min="0" label={label(path)} value={fact(path)} onValue={setFact(path)} error={fieldErrors[path]} />
          ))}
          {TEXT_FACTS.map((path) => (
            <TextField key={path} label={label(path)} value={fact(path)} onValue={setFact(path)} error={fieldErrors[path]} />
          ))}
          <Field label="Engagement level" error={fieldErrors["engagement.level"]}>
            {(control) => (
              <select {...control} value={fact("engagement.level")} onChange={(e) => setFact("engagement.level")(e.currentTarget.value)}>
                <option value="">derived from the score</option>
                <option value="high">high</option>
                <option value="medium">medium</option>
                <option value="low">low</option>
              </select>
            )}
          </Field>
        </fieldset>
        <fieldset class="try-facts">
          <legend>Signals</legend>
          {signalIds(document).map((id) => (
            <TextField
              key={id}
              type="number"
              min="0"
              step="1"
              label={label(`signals.${id}`)}
              value={fact(`signals.${id}`)}
              onValue={setFact(`signals.${id}`)}
              error={fieldErrors[`signals.${id}`]}
            />
          ))}
        </fieldset>
        <Button type="submit" variant="primary" busy={busy}>
          Evaluate
        </Button>
      </form>
      {failure && (
        <Notice kind="error">
          <p>{failure.message}</p>
          {failure.draftProblems.length > 0 && (
            <>
              <ul>
                {failure.draftProblems.map((p, i) => (
                  <li key={i}>
                    <code>{p.key}</code>: {p.message}
                  </li>
                ))}
              </ul>
              <p>
                <Link to="/rules">Fix them in Rules</Link>, or evaluate with the active version.
              </p>
            </>
          )}
        </Notice>
      )}
      <div ref={resultHeading} data-round={round}>{result && <EvaluationResult result={result.answer} nameOf={nameOf(result.source)} />}</div>
    </>
  );
}

const LABELS: Record<string, string> = {
  "company.country": "Company country (2 letters)",
  score: "Lead score (0–100)",
  "account.tier": "Account's ABM tier (1–3)",
  "account.engagedContacts": "Account's engaged contacts (30 days)",
  "context.language": "Language (e.g. de)",
};
const label = (path: string) => LABELS[path] ?? factLabel(path).replace(/^./, (c) => c.toUpperCase());
