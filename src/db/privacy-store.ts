import { sql, type SQL } from "drizzle-orm";
import type { ExportPosition, LeadRecord } from "../domain/privacy";
import { d1Batch } from "./batch";
import { deleteLedger } from "./ledger-store";
import { leadOfEmail } from "./store";
import { uuidBytes, uuidText } from "./uuid";

/** One `privacy_requests` row (see ./schema.ts): who asked for what about which email hash, when. */
export interface PrivacyAudit {
  id: string;
  emailHash: string;
  actor: string;
  at: number;
}

/**
 * Erase and export of one lead (GDPR articles 17 and 15). Each method is one batch, so D1
 * runs it as one transaction together with its audit row; every statement finds the lead
 * in SQL by its email, so a write racing the erase lands either before it (and is erased)
 * or after it (and finds no lead to add to: a new event for the email starts a new lead).
 */
export class PrivacyStore {
  constructor(private readonly d1: D1Database) {}

  /**
   * Deletes the lead with this email and every row about it: events, aggregates, visitors,
   * the `lead_merges` rows pointing to it (so email links minted for leads merged into it
   * resolve to nothing) or from it. Events another lead recorded through one of its browsers
   * (a shared laptop that later identified as this person) stay that lead's: events do not
   * keep the browser's id. Returns whether there was a lead; the audit row says the same.
   */
  async erase(email: string, audit: PrivacyAudit, notices: { id: string; destination: string }[] = []): Promise<boolean> {
    const L = leadOfEmail(email);
    const results = await d1Batch(this.d1, [
      auditRow("erase", audit, L),
      // `lead.erased` for routing's webhooks (./erasure-store.ts): the lead's id, while it still has one.
      ...(notices.length > 0
        ? [sql`INSERT INTO routing_erasures (id, destination, erased_lead, erased_at, status, next_at, enqueued_at)
            SELECT n.value ->> 'id', n.value ->> 'destination', ${L}, ${audit.at}, 'pending', ${audit.at}, ${audit.at}
            FROM json_each(${JSON.stringify(notices)}) n WHERE ${L} IS NOT NULL`]
        : []),
      sql`DELETE FROM events WHERE lead_id = ${uuidBytes(L)}`,
      sql`DELETE FROM lead_activity WHERE lead_id = ${L}`,
      // Claims of this email (by anyone's browser) and anything its browsers claimed or earned.
      sql`DELETE FROM identity_claims WHERE email = ${email} OR visitor_id IN (SELECT id FROM visitors WHERE lead_id = ${L})`,
      sql`DELETE FROM visitor_daily_points WHERE visitor_id IN (SELECT id FROM visitors WHERE lead_id = ${L})`,
      sql`DELETE FROM identity_verifications WHERE visitor_id IN (SELECT id FROM visitors WHERE lead_id = ${L})`,
      sql`DELETE FROM visitors WHERE lead_id = ${L}`,
      sql`DELETE FROM lead_merges WHERE into_id = ${L} OR from_id = ${L}`,
      ...deleteLedger(sql`= ${L}`),
      // A sweep's cursor is a position (created_at, id) in its walk over leads; without the id it
      // stays at the same created_at, so the walk only looks at that instant's leads once more.
      sql`UPDATE sweep_state SET cursor_id = '' WHERE cursor_id = ${L}`,
      // Last: every statement above finds the lead through this row.
      sql`DELETE FROM leads WHERE email = ${email} RETURNING id`,
    ]);
    return results.at(-1)!.length > 0;
  }

  /**
   * Everything stored about the lead with this email, one page of its events and visitors
   * (`limit` + 1 rows read, so the caller knows whether another page follows). Null when
   * no lead has the email.
   */
  async exportLead(email: string, position: ExportPosition, limit: number, audit: PrivacyAudit): Promise<LeadRecord | null> {
    const L = leadOfEmail(email);
    const own = sql`(SELECT id FROM visitors WHERE lead_id = ${L})`;
    const [, leads, visitors, events, aggregates, merges, claims, dailyPoints, segment, transitions, deliveries, holdouts, contact] = (await d1Batch(this.d1, [
      auditRow("export", audit, L),
      sql`SELECT id, email, traits, claimed_traits AS claimedTraits, created_at AS createdAt, updated_at AS updatedAt FROM leads WHERE email = ${email}`,
      sql`SELECT id, created_at AS createdAt FROM visitors WHERE lead_id = ${L} AND ${visitorsAfter(position)}
        ORDER BY id LIMIT ${limit + 1}`,
      sql`SELECT ${uuidText(sql`id`)} AS id, type, category, ts, path, props
        FROM events WHERE lead_id = ${uuidBytes(L)} AND ${eventsAfter(position)} ORDER BY ts, events.id LIMIT ${limit + 1}`,
      sql`SELECT key, total, recent FROM lead_activity WHERE lead_id = ${L} ORDER BY key`,
      sql`SELECT from_id AS fromId, merged_at AS mergedAt FROM lead_merges WHERE into_id = ${L} ORDER BY from_id`,
      // Claims of this email (another browser's id is not this person's data: not shown) and by its browsers.
      sql`SELECT email, claimed_at AS claimedAt, visitor_id IN ${own} AS byOwnBrowser FROM identity_claims
        WHERE email = ${email} OR visitor_id IN ${own} ORDER BY claimed_at`,
      sql`SELECT visitor_id AS visitorId, day, points FROM visitor_daily_points WHERE visitor_id IN ${own} ORDER BY visitor_id, day`,
      sql`SELECT segment_id AS segmentId, since, config_version AS configVersion, review_at AS reviewAt FROM lead_segments WHERE lead_id = ${L}`,
      sql`SELECT from_segment AS "from", to_segment AS "to", at, cause, config_version AS configVersion
        FROM segment_transitions WHERE lead_id = ${L} ORDER BY at, id`,
      sql`SELECT destination, from_segment AS "from", to_segment AS "to", cause, at, status, attempts, owner, created_at AS createdAt
        FROM routing_deliveries WHERE lead_id = ${L} ORDER BY created_at, id`,
      sql`SELECT segment_id AS segment, arm, share, assigned_at AS assignedAt FROM holdout_assignments WHERE lead_id = ${L} ORDER BY assigned_at, segment_id`,
      sql`SELECT domain, score, scored_at AS scoredAt, engaged_at AS engagedAt, role, seniority FROM account_contacts WHERE lead_id = ${L}`,
    ])) as [
      unknown[], LeadRecord["lead"][], LeadRecord["visitors"], LeadRecord["events"], LeadRecord["aggregates"], LeadRecord["merges"],
      LeadRecord["claims"], LeadRecord["dailyPoints"], NonNullable<LeadRecord["segment"]>[], LeadRecord["transitions"],
      LeadRecord["deliveries"], LeadRecord["holdouts"], NonNullable<LeadRecord["accountContact"]>[],
    ];
    const lead = leads[0];
    return lead
      ? { lead, visitors, events, aggregates, merges, claims, dailyPoints, segment: segment[0] ?? null, transitions, deliveries, holdouts, accountContact: contact[0] ?? null }
      : null;
  }
}

/** The audit row, inserted first in the batch: `found` is whether the lead existed before the request's work. */
function auditRow(action: "erase" | "export", audit: PrivacyAudit, lead: SQL): SQL {
  return sql`INSERT INTO privacy_requests (id, action, email_hash, found, actor, at)
    SELECT ${audit.id}, ${action}, ${audit.emailHash}, ${lead} IS NOT NULL, ${audit.actor}, ${audit.at}`;
}

function eventsAfter({ events }: ExportPosition): SQL {
  if (events === "start") return sql`1`;
  if (events === "done") return sql`0`;
  return sql`(ts, events.id) > (${events.ts}, ${uuidBytes(events.id)})`;
}

function visitorsAfter({ visitors }: ExportPosition): SQL {
  if (visitors === "start") return sql`1`;
  if (visitors === "done") return sql`0`;
  return sql`id > ${visitors.id}`;
}
