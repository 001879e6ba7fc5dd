import { useState } from "preact/hooks";
import { activeConfig, routingState, type RoutingDestination, type RoutingRule, type RoutingState } from "../api";
import { conditionWords } from "../../../src/domain/condition-words";
import { useLoad } from "../use-load";
import { Load } from "../ui/loading";
import { Notice } from "../ui/status";
import { Table } from "../ui/table";
import { DeliveryLog, when } from "./routing-log";

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

export type NameOf = (id: string) => string;

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
