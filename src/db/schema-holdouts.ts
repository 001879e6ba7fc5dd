import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Holdout assignments (src/domain/holdout.ts): a lead's arm in a segment with a holdout,
 * recorded by the segment ledger's review when the lead enters the segment (in the review's
 * batch, under its compare-and-set). One per lead and segment, never changed: sticky across
 * share changes; `salt` names the period it was assigned in, with that period's `share`.
 */
export const holdoutAssignments = sqliteTable(
  "holdout_assignments",
  {
    leadId: text("lead_id").notNull(),
    segmentId: text("segment_id").notNull(),
    arm: text("arm", { enum: ["control", "treatment"] }).notNull(),
    salt: text("salt").notNull(),
    share: real("share").notNull(),
    /** Epoch ms: when the lead entered the segment (the transition's instant). */
    assignedAt: integer("assigned_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.leadId, t.segmentId] }),
    // The lift report: a segment's assignments of a period, by time.
    index("holdout_assignments_segment_at").on(t.segmentId, t.assignedAt),
  ],
);
