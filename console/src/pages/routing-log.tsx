import { useEffect, useRef, useState } from "preact/hooks";
import { DELIVERY_STATUSES, deliveryLog, replayDelivery, type Delivery, type DeliveryPage, type DeliveryStatus } from "../api";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { Load } from "../ui/loading";
import { Notice, useStatus } from "../ui/status";
import { Table } from "../ui/table";
import type { NameOf } from "./routing";

/**
 * The Routing page's delivery log (GET /v1/admin/deliveries): filters, pages, each delivery's
 * attempts, and Replay after a confirmation (POST /v1/admin/deliveries/{id}/replay).
 */

export const when = (at: string) => <time dateTime={at}>{new Date(at).toLocaleString()}</time>;

const PAGE_SIZE = 20;

export function DeliveryLog({ destinations, nameOf, onReplayed }: { destinations: string[]; nameOf: NameOf; onReplayed: () => void }) {
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const [destination, setDestination] = useState("");
  return (
    <>
      <div class="period">
        <Field label="Status">
          {(control) => (
            <select {...control} value={status} onChange={(e) => setStatus(e.currentTarget.value as DeliveryStatus | "")}>
              <option value="">Any status</option>
              {DELIVERY_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Destination">
          {(control) => (
            <select {...control} value={destination} onChange={(e) => setDestination(e.currentTarget.value)}>
              <option value="">Any destination</option>
              {destinations.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <LogPages
        key={`${status}/${destination}`}
        filter={{ ...(status ? { status } : {}), ...(destination ? { destination } : {}) }}
        nameOf={nameOf}
        onReplayed={onReplayed}
      />
    </>
  );
}

/** How often, and how many times, a replayed delivery is read again while it is on its way. */
const REFRESH_MS = 1500;
const REFRESHES = 12;

function LogPages({ filter, nameOf, onReplayed }: { filter: { status?: DeliveryStatus; destination?: string }; nameOf: NameOf; onReplayed: () => void }) {
  const first = useLoad(() => deliveryLog({ ...filter, limit: PAGE_SIZE }), []);
  const [older, setOlder] = useState<DeliveryPage | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  /** Rows read again after a replay, by id. */
  const [fresh, setFresh] = useState<ReadonlyMap<string, Delivery>>(new Map());
  const [replaying, setReplaying] = useState<Delivery | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string>();
  const notify = useStatus();
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);

  /** Reads one delivery again (the log just before it, of its destination and lead), while it is pending. */
  const refresh = async (d: Delivery, left: number) => {
    try {
      const before = new Date(Date.parse(d.createdAt) + 1).toISOString();
      const page = await deliveryLog({ destination: d.destination, lead: d.lead.email ?? undefined, before, limit: PAGE_SIZE });
      const row = page.deliveries.find((x) => x.id === d.id);
      if (!mounted.current || !row) return;
      setFresh((all) => new Map(all).set(row.id, row));
      if (row.status === "pending" && left > 0) setTimeout(() => void refresh(row, left - 1), REFRESH_MS);
      else {
        notify(`The replayed delivery to ${row.destination} is ${row.status}.`, row.status === "delivered" ? "success" : "info");
        onReplayed();
      }
    } catch (error) {
      notify(`Could not read the replayed delivery again: ${(error as Error).message}`, "error");
    }
  };

  const confirm = async () => {
    if (!replaying) return;
    setBusy(true);
    setFailed(undefined);
    try {
      const answer = await replayDelivery(replaying.id);
      // The answer has no email nor attempts: keep the row's until it is read again.
      setFresh((all) => new Map(all).set(answer.id, { ...replaying, ...answer, lead: replaying.lead, attempts: replaying.attempts }));
      setReplaying(null);
      notify(`Replaying the delivery to ${replaying.destination}: it is on its way.`);
      void refresh(replaying, REFRESHES);
    } catch (error) {
      setFailed(`Nothing was sent: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Load loaded={first} what="the delivery log">
      {(page) => {
        const rows = [...page.deliveries, ...(older?.deliveries ?? [])].map((d) => fresh.get(d.id) ?? d);
        const next = older ? older.next : page.next;
        const more = async () => {
          if (next === null) return;
          setLoadingMore(true);
          try {
            const answer = await deliveryLog({ ...filter, limit: PAGE_SIZE, before: next });
            setOlder({ deliveries: [...(older?.deliveries ?? []), ...answer.deliveries], next: answer.next });
          } catch (error) {
            notify(`Could not load more deliveries: ${(error as Error).message}`, "error");
          } finally {
            setLoadingMore(false);
          }
        };
        return (
          <>
            <Table
              caption="Deliveries, newest first"
              showCaption={false}
              stackOnPhone
              rows={rows}
              rowKey={(d) => d.id}
              empty={filter.status || filter.destination ? "No deliveries match these filters." : "No deliveries yet."}
              columns={[
                { header: "When", rowHeader: true, cell: (d) => when(d.createdAt) },
                { header: "Lead", cell: (d) => d.lead.email ?? <span class="muted">no email</span> },
                { header: "Move", cell: (d) => `${d.from === null ? "New lead" : nameOf(d.from)} → ${nameOf(d.to)}` },
                { header: "Destination", cell: (d) => <span class="whole">{d.destination}</span> },
                { header: "Status", cell: (d) => <DeliveryState delivery={d} /> },
                { header: "Attempts", cell: (d) => <Attempts delivery={d} /> },
                {
                  header: <span class="visually-hidden">Actions</span>,
                  cell: (d) =>
                    d.status === "held" ? null : (
                      <Button onClick={() => setReplaying(d)} class="button-small">
                        Replay<span class="visually-hidden"> the delivery to {d.destination} of {d.lead.email ?? "this lead"}</span>
                      </Button>
                    ),
                },
              ]}
            />
            {next !== null && (
              <Button onClick={more} busy={loadingMore}>
                Show more deliveries
              </Button>
            )}
            <ConfirmDialog
              open={replaying !== null}
              title="Replay this delivery?"
              confirmLabel="Replay"
              busy={busy}
              onConfirm={confirm}
              onCancel={() => {
                setReplaying(null);
                setFailed(undefined);
              }}
            >
              {replaying && (
                <p>
                  The change of <strong>{replaying.lead.email ?? "this lead"}</strong> ({replaying.from === null ? "New lead" : nameOf(replaying.from)} →{" "}
                  {nameOf(replaying.to)}) is sent to <strong>{replaying.destination}</strong> again, from a first attempt, with the same{" "}
                  <code>webhook-id</code>: a receiver that keeps ids sees the same message. A destination that answered 410 is enabled again.
                </p>
              )}
              {failed && <Notice kind="error">{failed}</Notice>}
            </ConfirmDialog>
          </>
        );
      }}
    </Load>
  );
}

function DeliveryState({ delivery: d }: { delivery: Delivery }) {
  return (
    <>
      <span class={`delivery-status status-${d.status}`}>{d.status}</span>
      {d.nextAttemptAt && <span class="id">{d.status === "held" ? "quiet period until" : "next attempt"} {when(d.nextAttemptAt)}</span>}
    </>
  );
}

function Attempts({ delivery: { attempts } }: { delivery: Delivery }) {
  const last = attempts.at(-1);
  if (!last) return <span class="muted">none yet</span>;
  const answer = last.status === null ? "no answer" : `answered ${last.status}`;
  return (
    <>
      {attempts.length}
      <span class="id">
        last: {answer}
        {last.error && last.error !== answer ? ` (${last.error})` : ""}, {last.latencyMs} ms
      </span>
    </>
  );
}
