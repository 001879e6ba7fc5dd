import { useEffect, useRef, useState } from "preact/hooks";
import { activeConfig, adminLead, ApiError, eraseLead, exportLeadData, type AdminLead } from "../api";
import { conditionWords, factLabel } from "../../../src/domain/condition-words";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import { TextField } from "../ui/field";
import { Link } from "../ui/link";
import { Load } from "../ui/loading";
import { Notice, useStatus } from "../ui/status";
import { Table } from "../ui/table";
import { SegmentLedger } from "./lead-ledger";
import { EngagementTimeline } from "./lead-timeline";

interface LeadDetail {
  lead: AdminLead;
  /** Segment names by id (the trace and the timeline name segments by id). */
  names: Map<string, string>;
}

/** The lead, or null when no lead has the email (never had, or erased: the API says 404 either way). */
async function loadLead(email: string): Promise<LeadDetail | null> {
  try {
    const [lead, config] = await Promise.all([adminLead(email), activeConfig()]);
    return { lead, names: new Map(config.document.segments.map((s) => [s.id, s.name])) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

const BACK = (
  <p>
    <Link to="/leads">← Search leads</Link>
  </p>
);

/** One lead: segment and why, scores and their components, the timeline, traits, signals, events; Export and Erase. */
export function LeadView({ email }: { email: string }) {
  const loaded = useLoad(() => loadLead(email), [email]);
  const [erased, setErased] = useState(false);
  const erasedNote = useRef<HTMLParagraphElement>(null);
  // The Erase button is gone with the lead: focus moves to what happened.
  useEffect(() => erasedNote.current?.focus(), [erased]);
  if (erased) {
    return (
      <>
        {BACK}
        <Notice kind="success">
          <p data-erased ref={erasedNote} tabIndex={-1}>
            <strong>{email}</strong> is erased: the lead, its events, its browsers and its identity claims are deleted. It no longer
            appears in search, and this address now says there is no such lead.
          </p>
        </Notice>
      </>
    );
  }
  return (
    <>
      {BACK}
      <Load loaded={loaded} what={`the lead ${email}`}>
        {(detail) =>
          detail === null ? (
            <Notice kind="error">
              <p>
                There is no such lead: no lead has the email <strong>{email}</strong>. It may have been erased, or never identified.
              </p>
            </Notice>
          ) : (
            <LeadDetails detail={detail} onErased={() => setErased(true)} />
          )
        }
      </Load>
    </>
  );
}

function LeadDetails({ detail: { lead, names }, onErased }: { detail: LeadDetail; onErased: () => void }) {
  const nameOf = (id: string) => names.get(id) ?? id;
  const { engagement, fit, score } = lead.explanation.scores;
  return (
    <>
      <h2 class="lead-email">{lead.email}</h2>
      <div class="actions">
        <ExportButton email={lead.email} />
        <EraseButton email={lead.email} onErased={onErased} />
      </div>

      <section aria-labelledby="lead-segment">
        <h3 id="lead-segment">Segment</h3>
        <dl class="facts" data-facts="segment">
          <dt>Segment</dt>
          <dd data-segment={lead.segment.id}>
            <strong>{lead.segment.name}</strong>
            {lead.segment.path.length > 1 && <span class="muted"> (in {lead.segment.path.slice(0, -1).map(nameOf).join(" › ")})</span>}
          </dd>
          <dt>Sales action</dt>
          <dd>{lead.sales ? lead.sales.action : "—"}</dd>
          <dt>Campaign track</dt>
          <dd>
            {lead.sales ? lead.sales.track : "—"}
            {lead.sales?.owner && <span class="muted"> · owner {lead.sales.owner}</span>}
          </dd>
          <dt>Lead score</dt>
          <dd>
            {lead.score}{" "}
            <span class="muted">
              = {score.fitWeight} × fit {fit.score} + {score.engagementWeight} × engagement {engagement.score} (0–100)
            </span>
          </dd>
          <dt>Engagement</dt>
          <dd>
            {lead.engagement.score} ({lead.engagement.level})
          </dd>
          <dt>Fit</dt>
          <dd>{lead.fit.score}</dd>
        </dl>
        <h4>Why this segment</h4>
        <p class="muted">Segments are tried top to bottom; the first whose rule the lead meets is its segment.</p>
        <ol class="trace" data-trace>
          {lead.explanation.trace.map((entry) => (
            <li key={entry.segment} class={entry.matched ? "trace-match" : undefined}>
              <strong>{nameOf(entry.segment)}</strong>:{" "}
              {entry.matched ? (
                "matched, so this is the lead's segment."
              ) : (
                <>
                  not met:{" "}
                  {(entry.failed ?? []).map((f, i) => (
                    <span key={i}>
                      {i > 0 && "; "}
                      {conditionWords(f.clause)} <span class="muted">(saw {sawWords(f.saw)})</span>
                    </span>
                  ))}
                </>
              )}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="lead-ledger">
        <h3 id="lead-ledger">Segment history</h3>
        <SegmentLedger email={lead.email} ledger={lead.ledger} segmentName={nameOf} />
      </section>

      <section aria-labelledby="lead-timeline">
        <h3 id="lead-timeline">Engagement over time</h3>
        <EngagementTimeline timeline={lead.timeline} segmentName={nameOf} />
      </section>

      <section aria-labelledby="lead-scores">
        <h3 id="lead-scores">Score components</h3>
        <p>
          Engagement {engagement.score} ({engagement.level}): each event earns its rule's points, halved every {engagement.halfLifeDays}{" "}
          days. Rules the lead has no events for are left out.
        </p>
        <Table
          caption="Engagement components, with decay"
          rows={engagement.components.filter((c) => c.count > 0)}
          rowKey={(c) => `${c.event}:${c.category ?? "*"}`}
          empty="No scored events."
          columns={[
            { header: "Event", rowHeader: true, cell: (c) => (c.category ? `${c.event} (${c.category})` : `${c.event} (any page)`) },
            { header: "Points each", cell: (c) => c.points },
            { header: "Events", cell: (c) => c.count },
            { header: "Before decay", cell: (c) => c.raw },
            { header: "After decay", cell: (c) => c.decayed },
          ]}
        />
        <Table
          caption={`Fit ${fit.score}: the rules met`}
          rows={fit.items}
          rowKey={(item) => item.id}
          columns={[
            { header: "Rule", rowHeader: true, cell: (item) => item.label },
            { header: "Points", cell: (item) => item.points },
            { header: "Met", cell: (item) => (item.matched ? "yes" : "no") },
          ]}
        />
      </section>

      <section aria-labelledby="lead-traits">
        <h3 id="lead-traits">Traits and signals</h3>
        <div class="two-columns">
          <Table
            caption="Traits"
            rows={traitSources(lead)}
            rowKey={({ path, source }) => `${source}:${path}`}
            empty="No traits (none were sent through PUT /v1/leads/{email}, no account, nothing claimed in a form)."
            columns={[
              { header: "Trait", rowHeader: true, cell: ({ path }) => factLabel(path) },
              { header: "Value", cell: ({ value }) => String(value) },
              { header: "Source", cell: ({ source, used }) => (used ? SOURCE_WORDS[source] : `${SOURCE_WORDS[source]}, not used: the trusted traits or the account have it`) },
            ]}
          />
          <Table
            caption="Signals"
            rows={Object.entries(lead.signals)}
            rowKey={([id]) => id}
            empty="No signals configured."
            columns={[
              { header: "Signal", rowHeader: true, cell: ([id]) => <code>{id}</code> },
              { header: "Value", cell: ([, value]) => value },
            ]}
          />
        </div>
      </section>

      {lead.account ? <LeadAccount account={lead.account} /> : null}

      <section aria-labelledby="lead-events">
        <h3 id="lead-events">Recent events</h3>
        <Table
          caption={`The newest ${lead.recentEvents.length} events`}
          rows={lead.recentEvents.map((event, i) => ({ event, i }))}
          rowKey={({ i }) => i}
          empty="No events yet."
          columns={[
            { header: "When", rowHeader: true, cell: ({ event }) => <time dateTime={event.at}>{new Date(event.at).toLocaleString()}</time> },
            { header: "Event", cell: ({ event }) => event.type },
            { header: "Page category", cell: ({ event }) => event.category || <span class="muted">—</span> },
          ]}
        />
      </section>
    </>
  );
}

const LINK_WORDS = { "company.domain": "its company.domain trait", email: "its email's domain", network: "the network it was seen on (asOrganization)" } as const;

/** The lead's account: how it is linked, its ABM fields and its engaged contacts as of now (the `account.*` facts). */
function LeadAccount({ account }: { account: NonNullable<AdminLead["account"]> }) {
  const list = (values: string[]) => (values.length ? values.join(", ") : <span class="muted">none</span>);
  return (
    <section aria-labelledby="lead-account">
      <h3 id="lead-account">
        Account: {account.name ?? account.domain} <code class="id">{account.domain}</code>
      </h3>
      <dl class="facts">
        <dt>Linked by</dt>
        <dd>{LINK_WORDS[account.link]}</dd>
        <dt>ABM tier</dt>
        <dd>{account.tier ?? <span class="muted">none</span>}</dd>
        <dt>Owner</dt>
        <dd>{account.owner ?? <span class="muted">none</span>}</dd>
        <dt>Technologies</dt>
        <dd>{list(account.technologies)}</dd>
        <dt>Engaged contacts (30 days)</dt>
        <dd>
          {account.engagedContacts}, engagement {account.score}
        </dd>
        <dt>Roles and seniorities present</dt>
        <dd>{list([...account.roles, ...account.seniorities])}</dd>
      </dl>
    </section>
  );
}

const SOURCE_WORDS = { trusted: "trusted (your server)", account: "its account", claimed: "claimed in a form" } as const;

/**
 * Every company and person fact conditions see, with where its value comes from (the trusted
 * traits, else the account, else a claim), then the claims another source overrides.
 */
function traitSources(lead: AdminLead): { path: string; value: unknown; source: keyof typeof SOURCE_WORDS; used: boolean }[] {
  const sources = lead.explanation.scores.sources ?? {};
  const seen = traitRows(lead.facts ?? lead.traits).map(([path, value]) => ({ path, value, source: sources[path] ?? ("trusted" as const), used: true }));
  const overridden = traitRows(lead.claimedTraits ?? {})
    .filter(([path]) => sources[path] !== "claimed")
    .map(([path, value]) => ({ path, value, source: "claimed" as const, used: false }));
  return [...seen, ...overridden];
}

/** `{ company: { employees: 1200 } }` → `[["company.employees", 1200]]`. */
function traitRows(traits: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(traits).flatMap(([key, value]): [string, unknown][] =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? traitRows(value as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value]],
  );
}

function sawWords(saw: Record<string, unknown>): string {
  const told = Object.entries(saw).map(([path, value]) => `${factLabel(path)} ${value === undefined ? "missing" : JSON.stringify(value)}`);
  return told.join(", ") || "nothing";
}

/** Downloads everything stored about the lead as JSON, from a Blob URL (the console's files hold no data). */
function ExportButton({ email }: { email: string }) {
  const [busy, setBusy] = useState(false);
  const notify = useStatus();
  const download = async () => {
    setBusy(true);
    try {
      const data = await exportLeadData(email);
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = `lead-${email.replace(/[^a-z0-9@._-]/gi, "_")}.json`;
      link.click();
      // The download has its own copy once it starts.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notify(`Exported ${email}: ${data.events.length} events.`, "success");
    } catch (error) {
      notify(`Could not export ${email}: ${(error as Error).message}`, "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={download} busy={busy}>
      Export (JSON)
    </Button>
  );
}

function EraseButton({ email, onErased }: { email: string; onErased: () => void }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const notify = useStatus();
  const close = () => {
    setOpen(false);
    setTyped("");
    setError(undefined);
    setFailed(undefined);
  };
  const confirm = async () => {
    if (typed.trim().toLowerCase() !== email.toLowerCase()) {
      setError(`Type ${email} exactly to erase this lead.`);
      return;
    }
    setBusy(true);
    setError(undefined);
    setFailed(undefined);
    try {
      await eraseLead(email);
      close();
      notify(`${email} is erased.`, "success");
      onErased();
    } catch (failure) {
      setFailed(`Nothing was erased: ${(failure as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Erase…
      </Button>
      <ConfirmDialog open={open} title={`Erase ${email}?`} confirmLabel="Erase this lead" danger busy={busy} onConfirm={confirm} onCancel={close}>
        <p>
          Everything stored about <strong>{email}</strong> is deleted for good (GDPR article 17): its traits, events, browsers and identity
          claims. The erasure is audited with your name. It cannot be undone: export it first if it is needed.
        </p>
        <TextField label="Type the lead's email to confirm" value={typed} onValue={setTyped} error={error} autoComplete="off" spellcheck={false} />
        {failed && <Notice kind="error">{failed}</Notice>}
      </ConfirmDialog>
    </>
  );
}
