import { useEffect, useId, useState } from "preact/hooks";
import { reevaluation, type Reevaluation } from "../api-ledger";

/** How often a running re-evaluation is asked for its progress. */
const POLL_MS = 1000;

/**
 * The re-evaluation of every lead after the newest activation (a publish or a rollback): a
 * progress bar with its figures in words, polled while it runs. `version` is the version the
 * page knows is active: when it changes (a publish here), it is read again. Shows nothing
 * before any activation, and nothing when progress cannot be read (the page still works).
 */
export function ReevaluationProgress({ version }: { version?: number | undefined }) {
  const [job, setJob] = useState<Reevaluation | null>(null);
  const id = useId();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let answer: Reevaluation | null;
      try {
        answer = await reevaluation();
      } catch {
        // The last figures stay; asked again, less often.
        if (live) timer = setTimeout(poll, POLL_MS * 5);
        return;
      }
      if (!live) return;
      setJob(answer);
      // The job is written with the activation, so a version the page knows has its job already.
      if (answer?.finishedAt === null) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [version]);
  if (!job) return null;
  const running = job.finishedAt === null;
  const total = Math.max(job.total, job.done);
  const percent = total === 0 ? 100 : Math.round((job.done / total) * 100);
  const changed = `${job.changed} ${job.changed === 1 ? "lead" : "leads"} changed segment`;
  const text = running
    ? `Re-evaluating every lead against version ${job.configVersion}: ${job.done} of ${total} done, ${changed} so far. Until its turn, a lead keeps its recorded segment.`
    : job.supersededBy !== null
      ? `Version ${job.supersededBy} was published before version ${job.configVersion}'s re-evaluation finished (${job.done} of ${total} leads); it re-evaluates every lead itself.`
      : `Every lead was re-evaluated against version ${job.configVersion}: ${job.done} of ${total}, ${changed}.`;
  return (
    <section class="reevaluation" aria-labelledby={id}>
      <p id={id}>{text}</p>
      <div
        class="meter"
        role="progressbar"
        aria-labelledby={id}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={job.done}
        aria-valuetext={`${job.done} of ${total} leads (${percent}%)`}
      >
        <div class="meter-fill" style={{ width: `${percent}%` }} />
      </div>
    </section>
  );
}
