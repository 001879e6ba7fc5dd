import { useEffect, useRef, useState } from "preact/hooks";
import { activeConfig, ApiError, createPreviewLink, type PreviewLink } from "../api";
import type { ConfigDocument, SegmentDef } from "../../../src/domain/config";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { Field, TextField } from "../ui/field";
import { Load } from "../ui/loading";
import { Notice, useStatus } from "../ui/status";

/**
 * Opens a page of the site as a segment sees it: a signed preview link (POST
 * /v1/admin/preview-links) for the chosen segment and page, opened in a new tab and shown to
 * copy. The site serves the segment's content for it and records nothing.
 */
export default function PreviewPage() {
  const loaded = useLoad(activeConfig, []);
  return (
    <Load loaded={loaded} what="the segments">
      {(config) => <PreviewForm document={config.document} version={config.version} />}
    </Load>
  );
}

/**
 * The page the field starts with. The site's origin (LF_SITE_ORIGIN) is not in the admin
 * API, so: the demo site this worker serves at /demo (the site itself under `npm start`).
 */
const defaultPageUrl = () => new URL("/demo", location.origin).toString();

interface Choice {
  /** The segments' group (optgroup label); null outside any group. */
  group: string | null;
  segments: SegmentDef[];
}

/** The segments a link can show (groups are never resolved themselves), by their group, in document order. */
export function segmentChoices(document: ConfigDocument): Choice[] {
  const names = new Map(document.segments.map((s) => [s.id, s.name]));
  const choices = new Map<string | null, Choice>();
  for (const segment of document.segments.filter((s) => !s.group)) {
    const group = segment.parent ? (names.get(segment.parent) ?? segment.parent) : null;
    if (!choices.has(group)) choices.set(group, { group, segments: [] });
    choices.get(group)!.segments.push(segment);
  }
  return [...choices.values()];
}

type Problems = { segment?: string; url?: string; form?: string };

/** The 422's problems at their fields; anything else (503: no LF_PREVIEW_SECRET) for the form. */
function problemsOf(error: unknown): Problems {
  if (!(error instanceof ApiError)) return { form: String(error) };
  const out: Problems = {};
  for (const problem of error.problems) {
    if (problem.path === "segment" || problem.path === "url") out[problem.path] = problem.message;
    else out.form = `${problem.path ? `${problem.path}: ` : ""}${problem.message}`;
  }
  return error.problems.length > 0 ? out : { form: error.message };
}

function PreviewForm({ document, version }: { document: ConfigDocument; version: number }) {
  const choices = segmentChoices(document);
  const [segment, setSegment] = useState(choices[0]?.segments[0]?.id ?? "");
  const [url, setUrl] = useState(defaultPageUrl);
  const [problems, setProblems] = useState<Problems>({});
  const [link, setLink] = useState<PreviewLink | null>(null);
  const [busy, setBusy] = useState(false);
  const notify = useStatus();
  const linkHeading = useRef<HTMLHeadingElement>(null);
  // The button was disabled while the link was made (focus left it): focus goes to the link.
  useEffect(() => linkHeading.current?.focus(), [link]);
  const chosen = document.segments.find((s) => s.id === segment);

  const open = async (event: Event) => {
    event.preventDefault();
    setProblems({});
    setBusy(true);
    try {
      const made = await createPreviewLink(segment, url.trim());
      setLink(made);
      // noopener: the site's page gets no handle on the console's window.
      window.open(made.url, "_blank", "noopener");
    } catch (error) {
      setLink(null);
      setProblems(problemsOf(error));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link.url);
      notify("Preview link copied.", "success");
    } catch {
      notify("The browser did not let the console copy: select the link and copy it.", "error");
    }
  };

  return (
    <>
      <p class="lead">
        Opens a page of the site in a new tab as a segment of the active configuration (version {version}) sees it. The preview records
        nothing; the link works for anyone who has it until it expires.
      </p>
      <form class="preview-form" onSubmit={open} noValidate>
        <Field label="Segment" error={problems.segment}>
          {(control) => (
            <select {...control} name="segment" value={segment} onChange={(e) => setSegment(e.currentTarget.value)}>
              {choices.map((choice) =>
                choice.group === null ? (
                  choice.segments.map((s) => <SegmentOption key={s.id} segment={s} />)
                ) : (
                  <optgroup key={choice.group} label={choice.group}>
                    {choice.segments.map((s) => (
                      <SegmentOption key={s.id} segment={s} />
                    ))}
                  </optgroup>
                ),
              )}
            </select>
          )}
        </Field>
        <TextField
          label="Page URL"
          type="url"
          name="url"
          inputMode="url"
          spellcheck={false}
          value={url}
          onValue={setUrl}
          error={problems.url}
          hint="An absolute http(s) address of a page with the Leadflare script tag. This worker's demo site is at /demo."
        />
        {problems.form && <Notice kind="error">{problems.form}</Notice>}
        <Button type="submit" variant="primary" busy={busy}>
          Open as {chosen?.name ?? segment}
        </Button>
      </form>
      {link && (
        <section class="preview-link" aria-labelledby="preview-link-heading">
          <h2 id="preview-link-heading" tabIndex={-1} ref={linkHeading}>Preview link for {link.segment.name}</h2>
          <p>
            Opened in a new tab. If the browser blocked it, <a href={link.url} target="_blank" rel="noopener noreferrer">open the preview</a>{" "}
            yourself, or copy the link to share it.
          </p>
          <TextField label="Link" value={link.url} onValue={() => {}} readOnly onFocus={(e) => e.currentTarget.select()} />
          <p data-testid="preview-expiry">
            Expires <time dateTime={link.expiresAt}>{new Date(link.expiresAt).toLocaleString()}</time>.
          </p>
          <Button onClick={copy}>Copy link</Button>
        </section>
      )}
    </>
  );
}

function SegmentOption({ segment }: { segment: SegmentDef }) {
  return (
    <option value={segment.id}>
      {segment.name} ({segment.id})
    </option>
  );
}
