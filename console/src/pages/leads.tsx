import { useEffect, useState } from "preact/hooks";
import { searchLeads, type LeadListing } from "../api";
import { useLoad } from "../use-load";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { Link } from "../ui/link";
import { Load } from "../ui/loading";
import { Notice, useStatus } from "../ui/status";
import { Table } from "../ui/table";
import { LeadView } from "./lead-view";
import type { PageProps } from "./registry";

/**
 * Leads: search by the start of an email (as you type, or on Enter), then one lead at
 * /leads/<email, URL-encoded>/: its segment and why, scores, timeline, traits, events, Export
 * and Erase.
 */
export default function LeadsPage({ rest }: PageProps) {
  if (rest === "" || rest === "/") return <LeadSearch />;
  let email: string | null = null;
  try {
    const encoded = /^\/([^/]+)\/?$/.exec(rest)?.[1];
    email = encoded ? decodeURIComponent(encoded) : null;
  } catch {} // a malformed %-escape: no such lead
  if (!email) return <Notice kind="error">There is no such lead: <Link to="/leads">search leads</Link>.</Notice>;
  return <LeadView key={email} email={email} />;
}

/**
 * The path of a lead's page. The trailing slash matters: the worker answers a path that ends
 * like a file name (".com") with the file or 404, never index.html (src/routes/console.ts).
 */
export const leadPath = (email: string) => `/leads/${encodeURIComponent(email)}/`;

const PAGE_SIZE = 20;
/** Emails are stored in lower case; the API matches any case, and the results say what was searched. */
const normal = (typed: string) => typed.trim().toLowerCase();
/** How long typing pauses before the search runs. */
const DEBOUNCE_MS = 250;

function LeadSearch() {
  // The query lives in the URL (?q=), so Back from a lead returns to its results.
  const [typed, setTyped] = useState(() => new URLSearchParams(location.search).get("q") ?? "");
  const [query, setQuery] = useState(normal(typed));
  useEffect(() => {
    const timer = setTimeout(() => setQuery(normal(typed)), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  useEffect(() => {
    history.replaceState(null, "", query ? `?q=${encodeURIComponent(query)}` : location.pathname);
  }, [query]);
  return (
    <>
      <p class="lead">Find a known lead by the start of its email (case does not matter).</p>
      <form
        role="search"
        aria-label="Leads"
        class="search"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(normal(typed));
        }}
      >
        <TextField type="search" label="Email starts with" value={typed} onValue={setTyped} maxLength={254} autoComplete="off" spellcheck={false} />
        <Button type="submit" variant="primary">
          Search
        </Button>
      </form>
      {query ? <Results key={query} query={query} /> : <p class="muted">Type the start of an email, such as “ada” or “ada.lovelace@”.</p>}
    </>
  );
}

function Results({ query }: { query: string }) {
  const first = useLoad(() => searchLeads(query, { limit: PAGE_SIZE }), [query]);
  const [more, setMore] = useState<{ leads: LeadListing[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const notify = useStatus();
  return (
    <Load loaded={first} what="the leads">
      {(page) => {
        const leads = [...page.leads, ...(more?.leads ?? [])];
        const next = more ? more.next : page.next;
        const showMore = async () => {
          if (next === null) return;
          setLoadingMore(true);
          try {
            const answer = await searchLeads(query, { limit: PAGE_SIZE, after: next });
            setMore({ leads: [...(more?.leads ?? []), ...answer.leads], next: answer.next });
          } catch (error) {
            notify(`Could not load more leads: ${(error as Error).message}`, "error");
          } finally {
            setLoadingMore(false);
          }
        };
        return (
          <>
            <p role="status" class="result-count">
              {leads.length === 0
                ? `No lead's email starts with “${query}”.`
                : `${leads.length}${next !== null ? "+" : ""} lead${leads.length === 1 ? "" : "s"} whose email starts with “${query}”.`}
            </p>
            {leads.length > 0 && (
              <Table
                caption={`Leads whose email starts with “${query}”`}
                showCaption={false}
                rows={leads}
                rowKey={(lead) => lead.email}
                columns={[
                  { header: "Email", rowHeader: true, cell: (lead) => <Link to={leadPath(lead.email)}>{lead.email}</Link> },
                  { header: "Known since", cell: (lead) => <time dateTime={lead.createdAt}>{new Date(lead.createdAt).toLocaleString()}</time> },
                  { header: "Last changed", cell: (lead) => <time dateTime={lead.updatedAt}>{new Date(lead.updatedAt).toLocaleString()}</time> },
                ]}
              />
            )}
            {next !== null && (
              <Button onClick={showMore} busy={loadingMore}>
                Show more leads
              </Button>
            )}
          </>
        );
      }}
    </Load>
  );
}
