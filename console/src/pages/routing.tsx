import { useEffect, useRef, useState } from "preact/hooks";
import {
  activeConfig, DELIVERY_STATUSES, deliveryLog, replayDelivery, routingState,
  type Delivery, type DeliveryPage, type DeliveryStatus, type RoutingDestination, type RoutingRule, type RoutingState,
} from "../api";
import { conditionWords } from "../../../src/domain/condition-words";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { Load } from "../ui/loading";
import { Notice, useStatus } from "../ui/status";
import { Table } from "../ui/table";

/**
 * Routing (README "Routing"): the active configuration's rules in words, its destinations
 * (live or inert, disabled after a 410, their success over 24 hours; GET /v1/admin/routing),
 * and the delivery log (GET /v1/admin/deliveries) with a Replay for each delivery.
 */
const DESTINATION_TYPES: Record<string, string> = {
  webhook: "Webhook (signed, Standard Webhooks)",
  slack: "Slack incoming webhook",
  hubspot: "HubSpot (contact, owner, task)",
  salesforce: "Salesforce (Lead owner, Task)",
};

export default function RoutingPage() {
  const loaded = useLoad(loadRouting, []);
  return <Load loaded={loaded} what="routing">{(data) => <Routing {...data} />}</Load>;
}

type NameOf = (id: string) => string;

async function loadRouting(): Promise<{ routing: RoutingState; nameOf: NameOf }> {
  const [routing, config] = await Promise.all([routingState(), activeConfig()]);
  const names = new Map(config.document.segments.map((s) => [s.id, s.name]));
  return { routing, nameOf: (id) => names.get(id) ?? id };
}

/** The Worker secrets a destination names: `env:LF_X` → LF_X. */
const secretsOf = (d: RoutingDestination) => [d.url, d.secret].flatMap((ref) => (ref?.startsWith("env:") ? [ref.slice(4)] : []));

function SetSecrets({ destination }: { destination: RoutingDestination }) {
  const names = secretsOf(destination);
  return (
    <>
      set the Worker secret{names.length === 1 ? "" : "s"}{" "}
      {names.map((name, i) => (
        <span key={name}>
          {i > 0 && (i === names.length - 1 ? " and " : ", ")}
          <code>{name}</code>
        </span>
      ))}{" "}
      (<code>wrangler secret put {names[0]}</code>)
    </>
  );
}

function Routing({ routing: loaded, nameOf }: { routing: RoutingState; nameOf: NameOf }) {
  // Read again after a replay: it may have enabled a destination, and it moved the day's figures.
  const [routing, setRouting] = useState(loaded);
  const { rules, destinations, quietMinutes } = routing;
  const reread = () => routingState().then(setRouting, () => {}); // the page keeps what it showed
  const byName = new Map(destinations.map((d) => [d.name, d]));
  const inert = destinations.filter((d) => !d.live);
  return (
    <>
      <p class="lead">
        Where a verified lead's change of segment is sent, within seconds: the active configuration's <code>routing</code> section (edit it
        in the configuration, e.g. <code>npm run config:push</code>).
      </p>
      {destinations.length === 0 ? (
        <Notice>
          <p>
            <strong>Routing is inert:</strong> the configuration has no destination, so nothing is sent.
          </p>
        </Notice>
      ) : inert.length === destinations.length ? (
        <Notice>
          <p>
            <strong>Routing is inert:</strong> no destination is live, so no change of segment is sent. To make one live:
          </p>
          <ul>
            {inert.map((d) => (
              <li key={d.name}>
                {d.name}: <SetSecrets destination={d} />.
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}

      <section aria-labelledby="routing-rules">
        <h2 id="routing-rules">Rules</h2>
        <p class="muted">
          Each destination hears of a change once, through the first rule that names it. A change that takes a lead back within{" "}
          {quietMinutes} minutes of a delivery is held, and the net change is sent when that time is up.
        </p>
        {rules.length === 0 ? (
          <p>No rules: nothing is sent.</p>
        ) : (
          <ol class="routing-rules">
            {rules.map((rule, i) => (
              <li key={i} data-rule={i}>
                <RuleWords rule={rule} nameOf={nameOf} byName={byName} />
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="routing-destinations">
        <h2 id="routing-destinations">Destinations</h2>
        <Table
          caption="Destinations, with their deliveries of the last 24 hours"
          showCaption={false}
          stackOnPhone
          rows={destinations}
          rowKey={(d) => d.name}
          empty="No destinations."
          columns={[
            {
              header: "Destination",
              rowHeader: true,
              cell: (d) => (
                <>
                  {d.name}
                  <span class="id">{DESTINATION_TYPES[d.type] ?? d.type}</span>
                </>
              ),
            },
            { header: "State", cell: (d) => <DestinationState destination={d} /> },
            {
              header: "Address",
              cell: (d) => (
                <>
                  <code>{d.url}</code>
                  {d.secret && (
                    <span class="muted">
                      {" "}
                      signed with <code>{d.secret}</code>
                    </span>
                  )}
                </>
              ),
            },
            { header: "Success, last 24 h", cell: (d) => <Success destination={d} /> },
          ]}
        />
      </section>

      <section aria-labelledby="routing-log">
        <h2 id="routing-log">Delivery log</h2>
        <DeliveryLog destinations={destinations.map((d) => d.name)} nameOf={nameOf} onReplayed={reread} />
      </section>
    </>
  );
}

/** "Entering SMB Qualified → crm-webhook", and who the lead is assigned to. */
function RuleWords({ rule, nameOf, byName }: { rule: RoutingRule; nameOf: NameOf; byName: Map<string, RoutingDestination> }) {
  const segments = rule.segments.map(nameOf);
  const list = segments.length <= 1 ? segments.join("") : `${segments.slice(0, -1).join(", ")} or ${segments.at(-1)}`;
  const { territories = [], pool } = rule.owners ?? {};
  return (
    <>
      <strong>
        {rule.on === "enter" ? "Entering" : "Leaving"} {list}
      </strong>{" "}
      →{" "}
      {rule.send.map((name, i) => (
        <span key={name}>
          {i > 0 && ", "}
          <span class="whole">{name}</span>
          {byName.get(name)?.live === false && <span class="muted"> (inert)</span>}
        </span>
      ))}
      {(territories.length > 0 || pool) && (
        <ul class="owners">
          {territories.map((t) => (
            <li key={t.name}>
              {t.name} ({conditionWords(t.when)}): {t.pool.join(", ")}, in turn
            </li>
          ))}
          {pool && (
            <li>
              {territories.length > 0 ? "Anyone else" : "Owner"}: {pool.join(", ")}, in turn
            </li>
          )}
        </ul>
      )}
    </>
  );
}

const when = (at: string) => <time dateTime={at}>{new Date(at).toLocaleString()}</time>;

function DestinationState({ destination: d }: { destination: RoutingDestination }) {
  return (
    <>
      {d.disabled && (
        <p class="state">
          <strong class="state-off">Disabled</strong> since {when(d.disabled.at)} ({d.disabled.reason}): nothing is sent to it until one
          of its deliveries is replayed.
        </p>
      )}
      <p class="state">
        {d.live ? (
          <>
            <strong class={d.disabled ? undefined : "state-live"}>Live</strong>: its secrets are set{d.disabled ? "" : ", changes are sent to it"}.
          </>
        ) : (
          <>
            <strong class="state-off">Inert</strong>: nothing is sent to it; <SetSecrets destination={d} />.
          </>
        )}
      </p>
    </>
  );
}

const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

function Success({ destination: { last24h } }: { destination: RoutingDestination }) {
  const { finished, delivered, waiting, successRate } = last24h;
  return (
    <>
      {successRate === null ? <span class="muted">none finished</span> : `${percent(successRate)} (${delivered} of ${finished} delivered)`}
      {waiting > 0 && <span class="muted">; {waiting} waiting</span>}
    </>
  );
}

const PAGE_SIZE = 20;

function DeliveryLog({ destinations, nameOf, onReplayed }: { destinations: string[]; nameOf: NameOf; onReplayed: () => void }) {
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
