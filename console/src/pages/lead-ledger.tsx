import { useState } from "preact/hooks";
import { leadSegmentHistory, type SegmentHistory, type SegmentStep } from "../api-ledger";
import { Button } from "../ui/button";
import { Notice } from "../ui/status";
import { Table } from "../ui/table";

/** The admin lead's first page of changes has this many (src/routes/admin-lead-get.ts); "Show more" asks for as many again. */
const PAGE = 10;

const CAUSES: Record<string, string> = {
  event: "an event",
  time: "time passing",
  traits: "a traits change",
  identity: "an identification",
  import: "an import",
  config: "a configuration change",
  account: "its account (an upload, or its engaged contacts)",
};

const when = (iso: string) => <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;

/**
 * The lead's segment as the ledger records it: since when, when it will next be looked at with
 * no new input (`reviewAt`), and every recorded change, newest first, a page at a time.
 */
export function SegmentLedger({ email, ledger, segmentName }: { email: string; ledger: SegmentHistory; segmentName: (id: string) => string }) {
  const [steps, setSteps] = useState<SegmentStep[]>(ledger.history);
  const [more, setMore] = useState(ledger.history.length >= PAGE);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string>();
  const name = (id: string | null) => (id === null ? <span class="muted">none (first record)</span> : segmentName(id));
  const showMore = async () => {
    setBusy(true);
    setFailed(undefined);
    try {
      const page = await leadSegmentHistory(email, { limit: PAGE, before: steps.at(-1)!.at });
      setSteps((shown) => [...shown, ...page.history]);
      setMore(page.history.length >= PAGE);
    } catch (error) {
      setFailed(`Could not load more changes: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const { current, reviewAt } = ledger;
  return (
    <>
      <dl class="facts" data-facts="ledger">
        <dt>Recorded segment</dt>
        <dd data-recorded={current?.id ?? ""}>
          {current ? (
            <>
              <strong>{current.name ?? current.id}</strong> since {when(current.since)}{" "}
              <span class="muted">(configuration version {current.configVersion})</span>
            </>
          ) : (
            "none recorded yet"
          )}
        </dd>
        <dt>Next review</dt>
        <dd data-review-at={reviewAt ?? ""}>{reviewAt ? <>next review: {when(reviewAt)}</> : "none scheduled"}</dd>
      </dl>
      <Table
        caption="Segment changes, newest first"
        rows={steps.map((step, i) => ({ step, i }))}
        rowKey={({ i }) => i}
        stackOnPhone
        empty="No recorded changes yet."
        columns={[
          { header: "When", rowHeader: true, cell: ({ step }) => when(step.at) },
          { header: "From", cell: ({ step }) => name(step.from) },
          { header: "To", cell: ({ step }) => name(step.to) },
          { header: "Cause", cell: ({ step }) => CAUSES[step.cause] ?? step.cause },
          { header: "Config version", cell: ({ step }) => step.configVersion },
        ]}
      />
      {more && (
        <Button onClick={showMore} busy={busy}>
          Show more changes
        </Button>
      )}
      {failed && <Notice kind="error">{failed}</Notice>}
    </>
  );
}
