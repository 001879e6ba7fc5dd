import { segmentSizes, type SegmentSize } from "../api-ledger";
import { useLoad } from "../use-load";
import { Load } from "../ui/loading";
import { Table } from "../ui/table";

/**
 * How many leads each segment holds now, and how many entered and left it in the last 7 days,
 * from the segment ledger (GET /v1/admin/segments). Segments the active configuration no
 * longer has still hold their leads until those are re-evaluated: they are listed last.
 */
export function SegmentSizes() {
  const loaded = useLoad(segmentSizes, []);
  return (
    <section aria-labelledby="segment-sizes">
      <h2 id="segment-sizes">Members now</h2>
      <Load loaded={loaded} what="the segment sizes">
        {(sizes) => (
          <>
            <p class="muted">
              Leads: in the segment as recorded now. Entered, Exited: recorded changes into and out of it in the last 7 days (since{" "}
              {new Date(sizes.from).toLocaleString()}).
            </p>
            <Table
              caption="Segment sizes and 7-day entries and exits"
              showCaption={false}
              rows={sizes.segments}
              stackOnPhone
              rowKey={(s) => s.id}
              columns={[
                { header: "Segment", rowHeader: true, cell: segmentLabel },
                { header: "Leads", cell: (s) => <span data-leads={s.id}>{s.leads.toLocaleString()}</span> },
                { header: "Entered", cell: (s) => <span data-entered={s.id}>{s.entered.toLocaleString()}</span> },
                { header: "Exited", cell: (s) => <span data-exited={s.id}>{s.exited.toLocaleString()}</span> },
              ]}
            />
          </>
        )}
      </Load>
    </section>
  );
}

function segmentLabel(s: SegmentSize) {
  return s.inConfiguration ? (
    <>
      {s.name} <code class="id">{s.id}</code>
    </>
  ) : (
    <>
      <code class="id">{s.id}</code> <span class="muted">(no longer in the configuration)</span>
    </>
  );
}
