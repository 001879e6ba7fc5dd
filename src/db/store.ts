import { sql, type SQL } from "drizzle-orm";
import { DAY_MS } from "../domain/activity";
import type { EventType } from "../domain/config";
import type { Traits, TraitsPatch } from "../domain/traits";
import { ACCOUNT_LINK, accountOf, joinNetworkAccount, networkAccount } from "./account-sql";
import { compound, d1Batch, rows, run, runBatch, step, type Step } from "./batch";
import { joinLead, moveActivity } from "./lead-merge-sql";
import { deleteLedger, keepPriorTraits, LEDGER_COLUMN, ledgerOfColumn, markAndRead, markForReview, type LedgerMark } from "./ledger-store";
import { toLoaded, type LoadedLead } from "./lead-rows";
import { uuidBytes } from "./uuid";

export type { LoadedLead } from "./lead-rows";

/** An event ready to store: category resolved, timestamp clamped. */
export interface NewEvent {
  id: string;
  type: EventType;
  category: string;
  ts: number;
  path: string | null;
  props: string | null;
}

type BatchItem = SQL;

/** A signed email link's verification (see src/domain/verify-links.ts): which lead, which single-use token. */
export interface LinkVerification {
  leadId: string;
  tokenId: string;
  /** Epoch ms: after it the token id may be forgotten (the token itself has expired). */
  expiresAt: number;
}

/** The daily points cap on a visitor's public events: each event's points, and the cap. */
export interface PublicCap {
  points: number[];
  cap: number;
}

/** D1 allows at most 100 bound parameters per statement: 6 per event row + 2 (the lead, found twice). */
const EVENTS_PER_STATEMENT = 15;

/**
 * Every method is one `db.batch`: one round trip, executed by D1 as one transaction.
 * Statements never depend on values read in JS; each one finds the rows it needs in SQL
 * (the visitor's lead, the email's surviving lead), so concurrent requests for one lead
 * serialize inside D1 and cannot lose an update.
 */
export class LeadStore {
  constructor(private readonly d1: D1Database) {}

  /**
   * Records events for a visitor (creating it and an anonymous lead if new). `createdLead`:
   * this request created the lead (the new-leads rate limit counts those).
   */
  async recordVisitorEvents(visitorId: string, newLeadId: string, events: NewEvent[], now: number, cap?: PublicCap, claimed?: Traits) {
    // One id twice in a request is one event: the repeats are duplicates (and earn nothing).
    const firstOfId = events.map((e, i) => events.findIndex((f) => f.id === e.id) === i);
    const unique = events.filter((_, i) => firstOfId[i]);
    const uniqueCap = cap && { cap: cap.cap, points: cap.points.filter((_, i) => firstOfId[i]) };
    const { created, inserts } = await runBatch(this.d1, {
      ...this.ensureVisitorSteps(visitorId, newLeadId, now),
      inserts: this.eventInserts(visitorId, unique, uniqueCap).map((q) => rows(q)),
      // A form's claimed traits, on the visitor's own lead (src/domain/claimed-traits.ts).
      claimed: (claimed ? [sql`UPDATE leads SET claimed_traits = json_patch(claimed_traits, ${JSON.stringify(claimed)}), updated_at = ${now}
        WHERE id = ${leadOfVisitor(visitorId)}`] : []).map(run),
      // Stored events mark the lead (the events trigger); claimed traits are a change of their own.
      mark: (claimed ? [markForReview(leadOfVisitor(visitorId), "event", now)] : []).map(run),
    });
    const outcome = insertOutcome(inserts, unique.length, cap !== undefined);
    return { ...outcome, duplicates: outcome.duplicates + events.length - unique.length, createdLead: created };
  }

  /**
   * Records one page view and reads the lead back in the same round trip (`createdLead` as
   * above; `capped`: the view was past the daily points cap, so not stored).
   */
  async recordPageViewAndLoad(
    visitorId: string,
    newLeadId: string,
    event: NewEvent,
    now: number,
    cap?: PublicCap,
    verify?: LinkVerification,
    asOrganization?: string,
  ): Promise<LoadedLead & { createdLead: boolean; capped: boolean; ledger: LedgerMark | null }> {
    const { created, inserts, lead } = await runBatch(this.d1, {
      ...this.ensureVisitorSteps(visitorId, newLeadId, now),
      inserts: this.eventInserts(visitorId, [event], cap).map((q) => rows(q)),
      verify: (verify ? this.verifyByLink(visitorId, verify, now) : []).map(run),
      network: (asOrganization ? [joinNetworkAccount(leadOfVisitor(visitorId), asOrganization)] : []).map(run),
      // The stored page view marks the lead (the events trigger); a link's verification or a
      // network's account may change it even when the view is not stored, so they mark it too.
      mark: (verify || asOrganization ? [markForReview(leadOfVisitor(visitorId), verify ? "identity" : "event", now)] : []).map(run),
      lead: this.leadStep(leadOfVisitor(visitorId), { ledger: true }),
    });
    const { capped } = insertOutcome(inserts, 1, cap !== undefined);
    return { ...lead, createdLead: created, capped: capped > 0 };
  }

  /**
   * An email link's single-use verification: the first visitor to present the token id
   * takes it (INSERT OR IGNORE), and only the visitor that holds it joins the link's lead
   * (following a server-side merge). A replay, from any browser, joins nothing new.
   */
  private verifyByLink(visitorId: string, verify: LinkVerification, now: number): BatchItem[] {
    const holds = sql`(SELECT visitor_id FROM identity_verifications WHERE id = ${verify.tokenId}) = ${visitorId}
      AND ${existingLead(verify.leadId)} IS NOT NULL`;
    return [
      sql`INSERT OR IGNORE INTO identity_verifications (id, visitor_id, expires_at) VALUES (${verify.tokenId}, ${visitorId}, ${verify.expiresAt})`,
      ...joinLead(visitorId, existingLead(verify.leadId), holds, now),
    ];
  }

  /**
   * A browser's identify: a claim, recorded for the visitor (created if new) and nothing else:
   * no merge, no lead for the email. Not recorded when the visitor already is that lead's.
   */
  async claim(visitorId: string, email: string, newLeadId: string, now: number): Promise<void> {
    await this.batch([
      ...this.ensureVisitor(visitorId, newLeadId, now),
      sql`INSERT INTO identity_claims (visitor_id, email, claimed_at)
        SELECT ${visitorId}, ${email}, ${now} WHERE ${leadOfVisitor(visitorId)} IS NOT ${leadOfEmail(email)}
        ON CONFLICT (visitor_id) DO UPDATE SET email = excluded.email, claimed_at = excluded.claimed_at`,
    ]);
  }

  /** `asOrganization`: the request's network, whose account an anonymous lead is read with (nothing is written). */
  async loadByVisitor(visitorId: string, asOrganization?: string): Promise<LoadedLead> {
    const results = await this.batch(this.selectLead(leadOfVisitor(visitorId), asOrganization));
    return toLoaded(results);
  }

  async loadByEmail(email: string): Promise<LoadedLead & { email: string | null }> {
    const results = await this.batch(this.selectLead(leadOfEmail(email)));
    return { ...toLoaded(results), email: results[0]!.length > 0 ? email : null };
  }

  /**
   * Records one email click or open for a lead (by id, following a merge) and reads the
   * lead back in the same round trip, so the hit counts in the segment it redirects to.
   * The insert is skipped when the lead no longer exists, when the lead already has the
   * event id (same window), or when it recorded `previousId` after `since` (sliding window).
   */
  async recordEmailHitAndLoad(
    leadId: string,
    hit: { event: NewEvent; previousId: string; since: number },
  ): Promise<LoadedLead & { recorded: boolean; ledger: LedgerMark | null }> {
    const lead = existingLead(leadId);
    const { event } = hit;
    const { recorded, loaded } = await runBatch(this.d1, {
      recorded: step(sql`INSERT OR IGNORE INTO events (lead_id, id, type, category, ts, path, props)
        SELECT ${uuidBytes(lead)}, ${uuidBytes(event.id)}, ${event.type}, ${event.category}, ${event.ts}, ${event.path}, ${event.props}
        WHERE ${lead} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM events WHERE lead_id = ${uuidBytes(lead)} AND id = ${uuidBytes(hit.previousId)} AND ts > ${hit.since})
        RETURNING 1`, (r) => (r.results?.length ?? 0) > 0),
      // A recorded hit marks the lead (the events trigger), at the event's time.
      loaded: this.leadStep(lead, { ledger: true }),
    });
    return { ...loaded, recorded };
  }

  /** Merges trusted traits into the lead with this email (created if new); `null` removes a trait. */
  async upsertTraits(email: string, patch: TraitsPatch, newLeadId: string, now: number): Promise<LoadedLead & { ledger: LedgerMark | null }> {
    const json = JSON.stringify(patch);
    const { ledger, lead } = await runBatch(this.d1, {
      prior: run(keepPriorTraits(leadOfEmail(email))),
      upsert: run(sql`INSERT INTO leads (id, email, traits, created_at, updated_at)
        VALUES (${newLeadId}, ${email}, json_patch('{}', ${json}), ${now}, ${now})
        ON CONFLICT (email) DO UPDATE SET traits = json_patch(leads.traits, ${json}), updated_at = ${now}`),
      ledger: markAndRead(leadOfEmail(email), "traits", now),
      lead: this.leadStep(leadOfEmail(email)),
    });
    return { ...lead, ledger };
  }

  /** Imports events with their own timestamps for the lead with this email (created if new). */
  async importEvents(email: string, newLeadId: string, events: NewEvent[], now: number) {
    const results = await this.batch([
      sql`INSERT OR IGNORE INTO leads (id, email, traits, created_at, updated_at)
        VALUES (${newLeadId}, ${email}, '{}', ${now}, ${now})`,
      ...this.insertEvents(leadOfEmail(email), events),
      markForReview(leadOfEmail(email), "import", now),
    ]);
    return { accepted: countReturned(results.slice(1)) };
  }

  /**
   * Verification (the site's server, a signed email link, or a trusted browser identify):
   * links a visitor to the lead with this email (S). If the visitor's lead (L) is anonymous
   * and the email is new, L simply takes the email. If L is anonymous and S exists, L merges
   * into S: aggregates are added, events and visitors move, L is deleted. If L already
   * belongs to another person (has an email), the two known leads are NOT merged: only
   * this visitor moves to S. Merging two known people (a shared laptop, or anyone typing
   * someone else's email into a public form) would corrupt both records.
   * Every statement is guarded by `L <> S`, so repeating an identify is a no-op, and the
   * result is the same whichever order two browsers identify in.
   */
  async verifyVisitor(visitorId: string, email: string, newLeadIds: [string, string], now: number) {
    const L = leadOfVisitor(visitorId);
    await this.batch([
      ...this.ensureVisitor(visitorId, newLeadIds[0], now),
      sql`UPDATE leads SET email = ${email}, updated_at = ${now}
        WHERE id = ${L} AND email IS NULL AND NOT EXISTS (SELECT 1 FROM leads WHERE email = ${email})`,
      sql`INSERT OR IGNORE INTO leads (id, email, traits, created_at, updated_at)
        VALUES (${newLeadIds[1]}, ${email}, '{}', ${now}, ${now})`,
      ...joinLead(visitorId, leadOfEmail(email), sql`1`, now),
      markForReview(leadOfEmail(email), "identity", now),
    ]);
  }

  /**
   * Merges the known lead with `fromEmail` (M) into the one with `intoEmail` (S), for a
   * server that knows they are one person (a CRM merge): activity is added up, events and
   * visitors move, S's traits win over M's and M's fill the gaps, and M is deleted (its
   * email is free again); email links minted for M follow `lead_merges` to S. Every
   * statement is guarded by "both exist and differ", evaluated before M is deleted last, so
   * a retry or a concurrent reverse merge finds nothing to do and nothing counts twice.
   * Reports which of the two existed beforehand.
   */
  async mergeKnownLeads(intoEmail: string, fromEmail: string, now: number): Promise<{ into: boolean; from: boolean }> {
    const S = leadOfEmail(intoEmail);
    const M = leadOfEmail(fromEmail);
    const both = sql`${S} IS NOT NULL AND ${M} IS NOT NULL AND ${S} <> ${M}`;
    const [found] = (await this.batch([
      sql`SELECT ${S} IS NOT NULL AS into_found, ${M} IS NOT NULL AS from_found`,
      ...moveActivity(M, S, both),
      sql`UPDATE leads SET traits = json_patch((SELECT traits FROM leads WHERE id = ${M}), traits),
          claimed_traits = json_patch((SELECT claimed_traits FROM leads WHERE id = ${M}), claimed_traits), updated_at = ${now}
        WHERE id = ${S} AND ${both}`,
      sql`UPDATE visitors SET lead_id = ${S} WHERE lead_id = ${M} AND ${both}`,
      sql`UPDATE lead_merges SET into_id = ${S} WHERE into_id = ${M} AND ${both}`,
      sql`INSERT OR REPLACE INTO lead_merges (from_id, into_id, merged_at) SELECT ${M}, ${S}, ${now} WHERE ${both}`,
      ...deleteLedger(sql`= ${M}`, both),
      sql`DELETE FROM leads WHERE id = ${M} AND ${both}`,
      markForReview(S, "identity", now),
    ])) as [{ into_found: number; from_found: number }[]];
    return { into: found[0]!.into_found === 1, from: found[0]!.from_found === 1 };
  }

  /** The only way this class reaches D1: one batch, one round trip, one transaction. */
  private batch(items: BatchItem[]): Promise<unknown[][]> {
    return d1Batch(this.d1, items);
  }

  /** `created`: whether this request created the visitor's lead. */
  private ensureVisitorSteps(visitorId: string, newLeadId: string, now: number) {
    const [lead, visitor] = this.ensureVisitor(visitorId, newLeadId, now) as [SQL, SQL];
    return { created: step(lead, (r) => (r.results?.length ?? 0) > 0), visitor: run(visitor) };
  }

  /**
   * The lead (traits and activity aggregates) by an SQL expression for its id, as one step;
   * with `ledger`, also its ledger row as the batch left it (null without one).
   */
  private leadStep(leadId: SQL): Step<LoadedLead>;
  private leadStep(leadId: SQL, options: { ledger: true }): Step<LoadedLead & { ledger: LedgerMark | null }>;
  private leadStep(leadId: SQL, options?: { ledger: true }): Step<LoadedLead & { ledger?: LedgerMark | null }> {
    return compound(this.selectLead(leadId, undefined, options?.ledger), (results) => {
      const loaded = toLoaded(results.map((r) => r.results ?? []));
      if (!options?.ledger) return loaded;
      const row = (results[0]?.results as { ledger?: string | null }[] | undefined)?.[0];
      return { ...loaded, ledger: ledgerOfColumn(row?.ledger) };
    });
  }

  /** The first statement returns the new lead's id when it created one. */
  private ensureVisitor(visitorId: string, newLeadId: string, now: number): BatchItem[] {
    return [
      sql`INSERT INTO leads (id, traits, created_at, updated_at)
        SELECT ${newLeadId}, '{}', ${now}, ${now} WHERE NOT EXISTS (SELECT 1 FROM visitors WHERE id = ${visitorId})
        RETURNING id`,
      sql`INSERT OR IGNORE INTO visitors (id, lead_id, created_at) VALUES (${visitorId}, ${newLeadId}, ${now})`,
    ];
  }

  /** INSERT OR IGNORE by (lead, event id): the events trigger aggregates only rows really inserted. */
  private insertEvents(leadId: SQL, events: NewEvent[]): BatchItem[] {
    const statements: BatchItem[] = [];
    for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT) {
      const rows = events
        .slice(i, i + EVENTS_PER_STATEMENT)
        .map((e) => sql`(${e.id}, ${e.type}, ${e.category}, ${e.ts}, ${e.path}, ${e.props})`);
      statements.push(
        sql`INSERT OR IGNORE INTO events (lead_id, id, type, category, ts, path, props)
          SELECT ${uuidBytes(leadId)}, ${uuidBytes(sql`e.column1`)}, e.column2, e.column3, e.column4, e.column5, e.column6
          FROM (VALUES ${sql.join(rows, sql`, `)}) AS e WHERE ${leadId} IS NOT NULL
          RETURNING 1`,
      );
    }
    return statements;
  }

  /**
   * Public events under the daily points cap, in three statements whatever their number (D1
   * counts statements per invocation: 50 on the free plan), the events passed as one JSON
   * parameter. First, which are already stored (duplicates, told apart from capped ones by
   * insertOutcome). Then the points: the new point-earning events, in order, are admitted
   * while their running sum fits under the cap on top of what the visitor earned that day;
   * their points are added and their ids kept as the day's `admitted` (what this request
   * admitted). Last the insert: events that earn nothing, and the admitted ones. All inside
   * the batch's transaction, so concurrent requests serialize and a retry adds nothing.
   * Without a cap (server-reported events), just the inserts.
   */
  private eventInserts(visitorId: string, events: NewEvent[], cap: PublicCap | undefined): BatchItem[] {
    const L = leadOfVisitor(visitorId);
    if (!cap) return this.insertEvents(L, events);
    const json = JSON.stringify(events.map((e, i) => ({ ...e, points: cap.points[i] ?? 0, day: Math.floor(e.ts / DAY_MS) })));
    const sent = sql`(SELECT e.key AS i, e.value ->> 'id' AS id, e.value ->> 'type' AS type, e.value ->> 'category' AS category,
        e.value ->> 'ts' AS ts, e.value ->> 'path' AS path, e.value ->> 'props' AS props, e.value ->> 'points' AS points,
        e.value ->> 'day' AS day FROM json_each(${json}) e)`;
    const stored = (id: SQL) => sql`EXISTS (SELECT 1 FROM events WHERE lead_id = ${uuidBytes(L)} AND id = ${uuidBytes(id)})`;
    const earned = (day: SQL) => sql`coalesce((SELECT points FROM visitor_daily_points WHERE visitor_id = ${visitorId} AND day = ${day}), 0)`;
    return [
      sql`SELECT 1 AS known FROM ${sent} s WHERE ${stored(sql`s.id`)}`,
      sql`WITH fresh AS (SELECT *, sum(points) OVER (PARTITION BY day ORDER BY i) AS running FROM ${sent} s
            WHERE s.points > 0 AND NOT ${stored(sql`s.id`)}),
          fits AS (SELECT * FROM fresh WHERE ${earned(sql`fresh.day`)} + running <= ${cap.cap})
        INSERT INTO visitor_daily_points (visitor_id, day, points, admitted)
        SELECT ${visitorId}, day, sum(points), json_group_array(id) FROM fits WHERE true GROUP BY day
        ON CONFLICT (visitor_id, day) DO UPDATE SET points = points + excluded.points, admitted = excluded.admitted`,
      sql`INSERT OR IGNORE INTO events (lead_id, id, type, category, ts, path, props)
        SELECT ${uuidBytes(L)}, ${uuidBytes(sql`s.id`)}, s.type, s.category, s.ts, s.path, s.props FROM ${sent} s
        WHERE ${L} IS NOT NULL AND (s.points = 0 OR s.id IN (SELECT value FROM json_each((
          SELECT admitted FROM visitor_daily_points WHERE visitor_id = ${visitorId} AND day = s.day))))
        RETURNING 1`,
    ];
  }

  private selectLead(leadId: SQL, asOrganization?: string, withLedger = false): [BatchItem, BatchItem] {
    const domain = asOrganization ? sql`coalesce(leads.account_domain, ${networkAccount(asOrganization)})` : sql`leads.account_domain`;
    return [
      // With the lead's recorded holdout arms (one per segment it entered that had a holdout)
      // and its account (src/db/account-sql.ts), in the same statement.
      sql`SELECT id, traits, claimed_traits, email IS NOT NULL AS identified,
          (SELECT json_group_object(segment_id, arm) FROM holdout_assignments WHERE lead_id = leads.id) AS holdouts,
          ${accountOf(domain)} AS account, ${ACCOUNT_LINK} AS account_link${withLedger ? sql`, ${LEDGER_COLUMN}` : sql``}
        FROM leads WHERE id = ${leadId}`,
      sql`SELECT key, total, recent FROM lead_activity WHERE lead_id = ${leadId}`,
    ];
  }
}

/** The lead a visitor currently belongs to. */
export function leadOfVisitor(visitorId: string): SQL {
  return sql`(SELECT lead_id FROM visitors WHERE id = ${visitorId})`;
}

/** The lead with this email (a known lead merged away no longer has it). */
export function leadOfEmail(email: string): SQL {
  return sql`(SELECT id FROM leads WHERE email = ${email})`;
}

/** A lead id, following a server-side merge, if the lead still exists (an email link may outlive its lead). */
function existingLead(leadId: string): SQL {
  return sql`coalesce((SELECT into_id FROM lead_merges WHERE from_id = ${leadId}), (SELECT id FROM leads WHERE id = ${leadId}))`;
}

/**
 * What the event inserts did: `accepted` rows stored (RETURNING 1), `duplicates` already
 * there, `capped` neither (past the daily cap). With a cap the first result lists the known ids.
 */
function insertOutcome(results: unknown[][], sent: number, withKnown: boolean): { accepted: number; duplicates: number; capped: number } {
  const accepted = countReturned(withKnown ? results.slice(1) : results);
  const duplicates = withKnown ? results[0]!.length : sent - accepted;
  return { accepted, duplicates, capped: sent - accepted - duplicates };
}

function countReturned(results: unknown[]): number {
  return results.reduce<number>((n, r) => n + (Array.isArray(r) ? r.length : 0), 0);
}
