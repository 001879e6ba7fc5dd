import { traceWords } from "../../../../src/domain/trace-words";
import type { Evaluation, SlotContent } from "../../api";

/**
 * A what-if's answer: the segment, what each slot shows for it, the scores, and the trace
 * (every segment tried, in order) in sentences: "not Enterprise Hot: score 58 is below 65".
 */
export function EvaluationResult({ result, nameOf }: { result: Evaluation; nameOf: (id: string) => string }) {
  const { engagement, fit, score } = result.scores;
  return (
    <section class="try-result" aria-labelledby="try-result" data-segment={result.segment.id}>
      <h2 id="try-result" tabIndex={-1}>
        Segment: {result.segment.name} <code class="id">{result.segment.id}</code>
      </h2>
      <p class="muted">
        With {result.config.draft ? "the draft" : `version ${result.config.version ?? "?"} (active)`}, as of{" "}
        {new Date(result.at).toLocaleString()}.{result.segment.path.length > 1 ? ` In ${result.segment.path.slice(0, -1).map(nameOf).join(" › ")}.` : ""}
      </p>
      <dl class="facts try-scores">
        <dt>Engagement</dt>
        <dd>
          {engagement.level}, score {engagement.score}
        </dd>
        <dt>Fit score</dt>
        <dd>
          {fit.score}
          {fit.items.some((i) => i.matched) ? ` (${fit.items.filter((i) => i.matched).map((i) => `${i.label} +${i.points}`).join(", ")})` : ""}
        </dd>
        <dt>Lead score</dt>
        <dd>{score.value}</dd>
      </dl>
      <h3>Why</h3>
      <ol class="trace" aria-label="Segments tried, in order">
        {traceWords(result.trace, nameOf).map((sentence, i) => (
          <li key={i} class={result.trace[i]!.matched ? "trace-matched" : undefined}>
            {sentence}
          </li>
        ))}
      </ol>
      <h3>Content</h3>
      <p class="muted" data-layers>
        {result.layers?.length ? <>Layers that hold, first wins per slot: {result.layers.map((l, i) => <>{i ? ", " : ""}<code>{l}</code></>)}.</> : "No content layer holds."}
      </p>
      <dl class="slots try-slots">
        {Object.entries(result.slots).map(([slot, content]) => (
          <div key={slot} class="slot" data-slot={slot}>
            <dt>
              {slot} <span class="origin origin-parent">from {nameOf(content.variant)}</span>
              {content.layer ? (
                <span class="origin origin-layer">
                  {" "}
                  with layer <code>{content.layer}</code>
                </span>
              ) : null}
            </dt>
            <dd>
              <SlotContentView content={content} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** A slot's content as text: never rendered as HTML (an `html` slot shows its source). */
function SlotContentView({ content }: { content: SlotContent }) {
  switch (content.kind) {
    case "text":
      return <q>{content.text}</q>;
    case "cta":
      return (
        <>
          <span class="cta-label">{content.label}</span> → <code>{content.url}</code>
        </>
      );
    case "offer":
      return (
        <>
          <strong>{content.title}</strong> {content.body}
          {content.code && <span class="offer-code"> Code {content.code}.</span>}
        </>
      );
    case "image":
      return (
        <>
          Image <code>{content.src}</code>, alt text <q>{content.alt}</q>
        </>
      );
    case "html":
      return <code class="html-source">{content.html.length > 160 ? `${content.html.slice(0, 159)}…` : content.html}</code>;
  }
}
