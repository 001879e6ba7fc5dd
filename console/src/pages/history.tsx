import { useState } from "preact/hooks";
import { ApiError, configVersion, configVersions, rollBack, type VersionInfo, type VersionWithDocument } from "../api";
import { diffDocuments } from "../../../src/domain/document-diff";
import { navigate } from "../router";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { ChangeTable } from "../ui/change-table";
import { ConfirmDialog } from "../ui/dialog";
import { TextField } from "../ui/field";
import { Link } from "../ui/link";
import { Load } from "../ui/loading";
import { ReevaluationProgress } from "../ui/reevaluation-progress";
import { Notice, useStatus } from "../ui/status";
import { Table } from "../ui/table";
import type { PageProps } from "./registry";

/**
 * Every version of the configuration (the audit trail): who, when, why, what changed; any
 * version's document and its changes value by value; roll back to it (a new version that
 * copies it, after a confirmation, with If-Match on the active version).
 */
export default function HistoryPage({ rest }: PageProps) {
  if (rest === "" || rest === "/") return <VersionList />;
  const version = /^\/([1-9]\d*)$/.exec(rest)?.[1];
  if (!version) return <Notice kind="error">There is no such version: <Link to="/history">see all versions</Link>.</Notice>;
  return <VersionView key={version} version={Number(version)} />;
}

const PAGE_SIZE = 20;

function VersionList() {
  const first = useLoad(() => configVersions({ limit: PAGE_SIZE }), []);
  const [older, setOlder] = useState<{ versions: VersionInfo[]; next: number | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const notify = useStatus();
  return (
    <Load loaded={first} what="the versions">
      {(page) => {
        const versions = [...page.versions, ...(older?.versions ?? [])];
        const next = older ? older.next : page.next;
        const more = async () => {
          if (next === null) return;
          setLoadingMore(true);
          try {
            const answer = await configVersions({ limit: PAGE_SIZE, before: next });
            setOlder({ versions: [...(older?.versions ?? []), ...answer.versions], next: answer.next });
          } catch (error) {
            notify(`Could not load older versions: ${(error as Error).message}`, "error");
          } finally {
            setLoadingMore(false);
          }
        };
        return (
          <>
            <p class="lead">Version {page.active} is active. Open a version to see its document and what it changed, or to roll back to it.</p>
            <ReevaluationProgress version={page.active} />
            <Table
              caption="Configuration versions, newest first"
              stackOnPhone
              rows={versions}
              rowKey={(v) => v.version}
              columns={[
                {
                  header: "Version",
                  rowHeader: true,
                  cell: (v) => (
                    <>
                      <Link to={`/history/${v.version}`}>Version {v.version}</Link>
                      {v.version === page.active && <span class="badge badge-active"> active</span>}
                    </>
                  ),
                },
                { header: "When", cell: (v) => <When at={v.createdAt} /> },
                { header: "Who", cell: (v) => <Who version={v} /> },
                { header: "Message", cell: (v) => v.message ?? <span class="muted">none</span> },
                { header: "What changed", cell: (v) => <Summary version={v} /> },
              ]}
            />
            {next !== null && (
              <Button onClick={more} busy={loadingMore}>
                Show older versions
              </Button>
            )}
          </>
        );
      }}
    </Load>
  );
}

interface VersionDetail {
  shown: VersionWithDocument;
  /** The version before it, to diff against; null for the first. */
  previous: VersionWithDocument | null;
  active: number;
}

async function loadDetail(version: number): Promise<VersionDetail> {
  const previousOf = async () => {
    if (version === 1) return null;
    try {
      return await configVersion(version - 1);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  };
  const [shown, previous, list] = await Promise.all([configVersion(version), previousOf(), configVersions({ limit: 1 })]);
  return { shown, previous, active: list.active };
}

function VersionView({ version }: { version: number }) {
  const loaded = useLoad(() => loadDetail(version), [version]);
  return (
    <>
      <p>
        <Link to="/history">← All versions</Link>
      </p>
      <Load loaded={loaded} what={`version ${version}`}>
        {(detail) => <VersionDetails detail={detail} reload={loaded.reload} />}
      </Load>
    </>
  );
}

function VersionDetails({ detail, reload }: { detail: VersionDetail; reload: () => void }) {
  const { shown, previous, active } = detail;
  const changes = previous ? diffDocuments(previous.document, shown.document) : null;
  return (
    <>
      <h2>
        Version {shown.version}
        {shown.version === active && <span class="badge badge-active"> active</span>}
      </h2>
      <dl class="facts">
        <dt>When</dt>
        <dd>
          <When at={shown.createdAt} />
        </dd>
        <dt>Who</dt>
        <dd>
          <Who version={shown} />
        </dd>
        <dt>Message</dt>
        <dd>{shown.message ?? <span class="muted">none</span>}</dd>
        <dt>Summary</dt>
        <dd>
          <Summary version={shown} />
        </dd>
      </dl>
      {shown.version !== active && <RollBack version={shown.version} active={active} onConflict={reload} />}
      <h3>{previous ? `Changes against version ${previous.version}` : "Changes"}</h3>
      {changes === null ? (
        <p>The first version: everything in it is new.</p>
      ) : changes.length === 0 ? (
        <p>The same document as version {previous!.version}.</p>
      ) : (
        <ChangeTable changes={changes} caption={`Changes from version ${previous!.version} to ${shown.version}`} />
      )}
      <h3 id="document-heading">Document</h3>
      <pre class="document" tabIndex={0} role="region" aria-labelledby="document-heading">
        {JSON.stringify(shown.document, null, 2)}
      </pre>
    </>
  );
}

function RollBack({ version, active, onConflict }: { version: number; active: number; onConflict: () => void }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const notify = useStatus();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const made = await rollBack(version, active, message.trim() || undefined);
      setOpen(false);
      notify(`Version ${made.version} is now active: a copy of version ${version}.`, "success");
      navigate("/history");
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) {
        setOpen(false);
        notify(`Someone else changed the configuration meanwhile (${failure.message}). Review the versions and try again.`, "error");
        onConflict();
      } else setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Roll back to version {version}
      </Button>
      <ConfirmDialog
        open={open}
        title={`Roll back to version ${version}?`}
        confirmLabel={`Roll back to version ${version}`}
        danger
        busy={busy}
        onConfirm={confirm}
        onCancel={() => setOpen(false)}
      >
        <p>
          Version {version}'s document becomes active again, as a new version; version {active} and everything else stay in the history.
          Visitors get it within seconds.
        </p>
        <TextField label="Why (for the audit trail, optional)" value={message} onValue={setMessage} maxLength={500} />
        {error && <Notice kind="error">{error}</Notice>}
      </ConfirmDialog>
    </>
  );
}

function When({ at }: { at: string }) {
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}

function Who({ version }: { version: VersionInfo }) {
  return (
    <>
      {version.author}
      {version.authorNote && <span class="muted"> ({version.authorNote})</span>}
    </>
  );
}

function Summary({ version }: { version: VersionInfo }) {
  const lines = version.action === "rollback" ? [`rollback to version ${version.rolledBackFrom}`, ...version.changes] : version.changes;
  if (lines.length === 0) return <span class="muted">nothing</span>;
  return (
    <ul class="changes">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
