import { z } from "zod";

/**
 * Holdouts (README "Holdouts"): a share of the leads entering a segment see no
 * personalization for it, so the lift report (src/domain/lift-report.ts) can compare them with
 * the rest. The configuration's `experiments.holdout` section, its references, and the
 * assignment: sticky and deterministic, from a hash of the lead id, the segment id and the
 * period's salt, recorded by the segment ledger when the lead enters the segment.
 */

export type HoldoutArm = "control" | "treatment";

/** At most half: a holdout is the smaller arm (the verdicts and leadsNeeded assume it). */
const share = z.number().min(0).max(0.5);

export const experimentsSchema = z.strictObject({
  holdout: z
    .strictObject({
      /** The share held out of every segment that has no share of its own (`default` is never held out). */
      global: share.optional(),
      /** Per-segment shares (segment ids, not groups), overriding `global`; 0 turns a segment's holdout off. */
      segments: z.record(z.string().min(1).max(63), share).optional(),
      /** Days after assignment in which a `conversion` counts for the lead's arm (default 30). */
      conversionWindowDays: z.number().int().min(1).max(365).optional(),
      /** Part of every period's salt: change it to start new periods for every segment at once. */
      salt: z.string().min(1).max(64).optional(),
    })
    .optional(),
});

export type Experiments = z.infer<typeof experimentsSchema>;
type Holdout = NonNullable<Experiments["holdout"]>;

export const DEFAULT_CONVERSION_WINDOW_DAYS = 30;

/** The segment's holdout share under this configuration: its own, else the global one, else 0. */
export function holdoutShare(experiments: Experiments | undefined, segmentId: string, defaultSegmentId: string): number {
  const holdout = experiments?.holdout;
  if (!holdout || segmentId === defaultSegmentId) return 0;
  return (holdout.segments && Object.hasOwn(holdout.segments, segmentId) ? holdout.segments[segmentId] : holdout.global) ?? 0;
}

export function conversionWindowDays(experiments: Experiments | undefined): number {
  return experiments?.holdout?.conversionWindowDays ?? DEFAULT_CONVERSION_WINDOW_DAYS;
}

/**
 * A segment's running period: its salt names the segment, its share and the configured
 * salt, so changing the share (or the salt) starts a new period with new assignments, and
 * leads assigned in the old one keep their arm (assignments are recorded and sticky).
 */
export function holdoutPeriod(holdout: Holdout | undefined, segmentId: string, share: number): string {
  return `${holdout?.salt ?? "lf"}:${segmentId}:${share}`;
}

export interface HoldoutAssignment {
  segment: string;
  arm: HoldoutArm;
  salt: string;
  share: number;
}

/**
 * The arm a lead would be assigned on entering the segment now; null when the segment has no
 * holdout. The bucket is GrowthBook's hash, version 2 (FNV-1a 32 of FNV-1a 32 of salt + lead
 * id, mod 10,000), so the same lead, segment and salt always land in the same bucket, and a
 * GrowthBook experiment with weights [share, 1 − share] and this seed picks the same arm
 * (test/domain/holdout.test.ts checks it against the SDK).
 */
export function assignHoldout(experiments: Experiments | undefined, leadId: string, segmentId: string, defaultSegmentId: string): HoldoutAssignment | null {
  const share = holdoutShare(experiments, segmentId, defaultSegmentId);
  if (share <= 0) return null;
  const salt = holdoutPeriod(experiments?.holdout, segmentId, share);
  return { segment: segmentId, arm: holdoutBucket(salt, leadId) < share ? "control" : "treatment", salt, share };
}

/** GrowthBook's `hash(seed, value, 2)`: a bucket in [0, 1) at 1/10,000 steps. */
export function holdoutBucket(seed: string, value: string): number {
  return (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000;
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash += (hash << 1) + (hash << 4) + (hash << 7) + (hash << 8) + (hash << 24);
  }
  return hash >>> 0;
}

/**
 * The arm a lead is served in its segment: the one recorded when it entered (sticky across
 * share changes), else the one it is being assigned now (the ledger records the same one
 * after the response). Null: no holdout applies.
 */
export function servedArm(
  experiments: Experiments | undefined,
  lead: { leadId?: string | null; holdouts?: Readonly<Record<string, HoldoutArm>> },
  segmentId: string,
  defaultSegmentId: string,
): HoldoutArm | null {
  if (!lead.leadId || segmentId === defaultSegmentId) return null;
  const recorded = lead.holdouts && Object.hasOwn(lead.holdouts, segmentId) ? lead.holdouts[segmentId] : undefined;
  return recorded ?? assignHoldout(experiments, lead.leadId, segmentId, defaultSegmentId)?.arm ?? null;
}

type Problem = { path: (string | number)[]; message: string };

/** References of `experiments.holdout.segments`: segments that exist and can be served (not groups, not the catch-all). */
export function holdoutProblems(experiments: unknown, segments: ReadonlyMap<string, { group?: unknown }>, defaultSegmentId: string): Problem[] {
  const holdout = (experiments as { holdout?: { segments?: unknown } } | undefined)?.holdout;
  const shares = holdout?.segments;
  if (typeof shares !== "object" || shares === null) return [];
  return Object.keys(shares).flatMap((id): Problem[] => {
    const at = ["experiments", "holdout", "segments", id];
    const segment = segments.get(id);
    if (!segment) return [{ path: at, message: `"${id}" is not a segment` }];
    if (segment.group === true) return [{ path: at, message: `"${id}" is a group: hold out its segments one by one` }];
    if (id === defaultSegmentId) return [{ path: at, message: `"${defaultSegmentId}" serves the default content already: it cannot be held out` }];
    return [];
  });
}
