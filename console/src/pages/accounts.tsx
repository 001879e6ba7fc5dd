import { useState } from "preact/hooks";
import { ApiError, type ApiProblem } from "../api";
import { listAccounts, uploadAccountsCsv, type AccountListing } from "../api-accounts";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Load } from "../ui/loading";
import { Notice, useStatus } from "../ui/status";
import { Table } from "../ui/table";

/**
 * Accounts (README "Accounts"): upload the target-account list as CSV (a file or pasted text),
 * all or nothing, with every problem named by its line and field; then the accounts with their
 * leads and engaged contacts, a page at a time.
 */
const PAGE_SIZE = 50;
const COLUMNS = "domain, name, employees, industry, revenue, country, tier, owner, technologies, asOrganizations";

export default function AccountsPage() {
  const [round, setRound] = useState(0);
  return (
    <>
      <p class="lead">
        Your target accounts. A lead belongs to the account of its email's domain (or its company domain, or, while anonymous, the network it
        visits from); the account fills the company facts the lead lacks and adds <code>account.*</code> facts for your rules.
      </p>
      <Upload onUploaded={() => setRound((n) => n + 1)} />
      <AccountList key={round} />
    </>
  );
}

function Upload({ onUploaded }: { onUploaded: () => void }) {
  const [csv, setCsv] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ written?: string; problems?: ApiProblem[]; error?: string }>({});
  const notify = useStatus();
  const upload = async (event: Event) => {
    event.preventDefault();
    if (!csv.trim()) return setOutcome({ error: "Choose a CSV file or paste its text first." });
    setBusy(true);
    try {
      const { created, updated } = await uploadAccountsCsv(csv);
      const written = `${created} account${created === 1 ? "" : "s"} added, ${updated} updated.`;
      setOutcome({ written });
      notify(written);
      onUploaded();
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) setOutcome({ problems: error.problems, error: error.message });
      else setOutcome({ error: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="accounts-upload" aria-labelledby="upload-heading" onSubmit={upload}>
      <h2 id="upload-heading">Upload accounts (CSV)</h2>
      <p class="muted">
        A header row, then one account per row. Columns: {COLUMNS} (only <code>domain</code> is required; lists such as technologies separated
        by <code>;</code>). An account already uploaded is replaced. Nothing is written if any row has a problem.
      </p>
      <Field label="CSV file">
        {(control) => (
          <input
            {...control}
            type="file"
            accept=".csv,text/csv"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (file) setCsv(await file.text());
            }}
          />
        )}
      </Field>
      <Field label="Or paste the CSV" hint="The file's text appears here once chosen.">
        {(control) => <textarea {...control} class="mono" rows={6} spellcheck={false} value={csv} onInput={(e) => setCsv(e.currentTarget.value)} />}
      </Field>
      <Button type="submit" variant="primary" busy={busy}>
        Upload
      </Button>
      {outcome.written && <p class="upload-written">{outcome.written}</p>}
      {outcome.error && (
        <Notice kind="error">
          <p>{outcome.error}</p>
          {outcome.problems && outcome.problems.length > 0 && (
            <ul class="upload-problems">
              {outcome.problems.map((p, i) => (
                <li key={i}>
                  <code>{p.path}</code>: {p.message}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
    </form>
  );
}

function AccountList() {
  const first = useLoad(() => listAccounts({ limit: PAGE_SIZE }), []);
  const [more, setMore] = useState<{ accounts: AccountListing[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const notify = useStatus();
  return (
    <Load loaded={first} what="the accounts">
      {(page) => {
        const accounts = [...page.accounts, ...(more?.accounts ?? [])];
        const next = more ? more.next : page.next;
        const showMore = async () => {
          if (next === null) return;
          setLoadingMore(true);
          try {
            const answer = await listAccounts({ limit: PAGE_SIZE, after: next });
            setMore({ accounts: [...(more?.accounts ?? []), ...answer.accounts], next: answer.next });
          } catch (error) {
            notify(`Could not load more accounts: ${(error as Error).message}`, "error");
          } finally {
            setLoadingMore(false);
          }
        };
        const none = <span class="muted">—</span>;
        return (
          <section aria-labelledby="accounts-heading">
            <h2 id="accounts-heading">Accounts</h2>
            <Table
              caption="Target accounts"
              rows={accounts}
              rowKey={(a) => a.domain}
              empty="No accounts yet: upload your target-account list above."
              stackOnPhone
              columns={[
                { header: "Domain", rowHeader: true, cell: (a) => <code>{a.domain}</code> },
                { header: "Name", cell: (a) => a.name ?? none },
                { header: "Tier", cell: (a) => a.tier ?? none },
                { header: "Owner", cell: (a) => a.owner ?? none },
                { header: "Employees", cell: (a) => a.employees ?? none },
                { header: "Industry", cell: (a) => a.industry ?? none },
                { header: "Leads", cell: (a) => a.leads },
                { header: "Engaged contacts (30 days)", cell: (a) => a.engagedContacts },
                { header: "Roles present", cell: (a) => (a.roles.length ? a.roles.join(", ") : none) },
              ]}
            />
            {next !== null && (
              <Button onClick={showMore} busy={loadingMore}>
                Show more accounts
              </Button>
            )}
          </section>
        );
      }}
    </Load>
  );
}
