import type { ComponentChildren } from "preact";
import { useDraft } from "../draft-store";
import { Button } from "../ui/button";
import { DraftBar } from "../ui/draft-bar";
import { Link } from "../ui/link";
import { Notice } from "../ui/status";
import { JsonField, RulesContext } from "./rules/draft-fields";
import { ProblemList } from "./rules/problem-list";
import { Decay, FitRules, PointsRules, Thresholds } from "./rules/scoring";
import { SegmentList } from "./rules/segment-list";
import { PageCategories, Signals } from "./rules/signals";

/**
 * The rules of the shared draft (console/src/draft-store.ts, also edited by Content and
 * evaluated by Try it): segment order and conditions, engagement thresholds, scoring points
 * and half-life, signals and page categories, routing and holdouts (as JSON). Every edit goes into the draft at once and is
 * checked with the server's schema; nothing is live until the draft bar's Publish.
 */
export default function RulesPage() {
  const { draft, problems, failed } = useDraft();
  if (failed && !draft) {
    return (
      <Notice kind="error">
        <p>Could not load the active configuration: {failed.message}</p>
        <Button onClick={() => location.reload()}>Reload</Button>
      </Notice>
    );
  }
  if (!draft) return <p class="loading" role="status">Loading the draft…</p>;
  return (
    <RulesContext.Provider value={{ document: draft.document, problems }}>
      <DraftBar />
      <p class="lead">
        The draft starts from version {draft.basedOn}. Edits here are kept in this browser and checked as you type; Try it can
        evaluate the draft before you publish it.
      </p>
      <ProblemList problems={problems} />
      <Section id="rules-segments" title="Segments">
        <p class="lead">
          Tried top to bottom: a lead gets the first segment whose rule (and its groups' rules) it meets. The last one,
          "default", takes everyone else.
        </p>
        <SegmentList />
      </Section>
      <Section id="rules-thresholds" title="Engagement levels">
        <Thresholds />
      </Section>
      <Section id="rules-decay" title="Half-life and horizon">
        <Decay />
      </Section>
      <Section id="rules-points" title="Scoring points">
        <PointsRules />
      </Section>
      <Section id="rules-fit" title="Fit and lead score">
        <FitRules />
      </Section>
      <Section id="rules-signals" title="Signals">
        <Signals />
      </Section>
      <Section id="rules-categories" title="Page categories">
        <PageCategories />
      </Section>
      <Section id="rules-routing" title="Routing">
        <p class="lead">
          Where a lead's change of segment is sent: destinations (webhook, Slack, HubSpot, Salesforce; secrets only as
          <code> env:NAME</code>) and rules (<code>on</code> enter or exit, <code>segments</code>, <code>send</code>, optional
          <code> owners</code>). The <a href="/admin/routing">Routing</a> page shows which destinations are live and what was sent.
        </p>
        <JsonField label="Routing (JSON)" path={["routing"]} rows={14} hint="The configuration's routing section; every problem is shown with its path." />
      </Section>
      <Section id="rules-holdouts" title="Holdouts">
        <p class="lead">
          A share of the leads entering a segment see none of its personalization, so that the{" "}
          <Link to="/lift">Lift</Link> page can compare them with the rest: <code>segments</code> (a share per segment id,
          at most 0.5), <code>global</code> (every other segment), <code>conversionWindowDays</code> (default 30),{" "}
          <code>salt</code>. A lead keeps the arm it was given; changing a share starts a new period.
        </p>
        <JsonField
          label="Holdouts (JSON)"
          path={["experiments", "holdout"]}
          rows={6}
          hint={<>For example <code>{'{"segments": {"enterprise-cold": 0.1}}'}</code>; empty for none.</>}
        />
      </Section>
    </RulesContext.Provider>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="rules-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
