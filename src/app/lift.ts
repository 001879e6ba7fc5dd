import type { LiftReports } from "../db/lift-reports";
import { DAY_MS } from "../domain/activity";
import type { CompiledConfig } from "../domain/compile";
import { DEFAULT_SEGMENT_ID } from "../domain/config";
import { conversionWindowDays, holdoutPeriod, holdoutShare } from "../domain/holdout";
import { liftRows, type LiftInput, type LiftOptions, type LiftRow } from "../domain/lift-report";

/**
 * The lift report (GET /v1/admin/reports/lift): per segment, the running period's arms as
 * assigned (intention to treat), judged by src/domain/lift-report.ts. A segment without a
 * holdout is listed with `control: null` and, as treatment, the leads that entered it.
 */

export interface LiftRequest extends Pick<LiftOptions, "adjust" | "relativeMde"> {
  from: number;
  to: number;
  closedWindowsOnly: boolean;
}

export interface LiftSegment extends LiftRow {
  name: string;
  /** The running period: its share and its first assignment in the range (null: none yet). */
  period: { share: number; since: number | null } | null;
}

export async function liftReport(reports: LiftReports, config: CompiledConfig, request: LiftRequest) {
  const experiments = config.doc.experiments;
  const windowDays = conversionWindowDays(experiments);
  const counts = await reports.counts({ from: request.from, to: request.to, windowMs: windowDays * DAY_MS, closedWindowsOnly: request.closedWindowsOnly });
  const periods: LiftSegment["period"][] = [];
  const inputs = config.candidates.map(({ def }): LiftInput => {
    const share = holdoutShare(experiments, def.id, DEFAULT_SEGMENT_ID);
    if (share <= 0) {
      const entered = counts.entries.find((e) => e.segment === def.id);
      periods.push(null);
      return { segment: def.id, controlShare: null, control: null, treatment: { leads: entered?.leads ?? 0, converted: entered?.converted ?? 0 } };
    }
    const salt = holdoutPeriod(experiments?.holdout, def.id, share);
    const arm = (name: "control" | "treatment") => counts.arms.find((a) => a.segment === def.id && a.salt === salt && a.arm === name);
    const [control, treatment] = [arm("control"), arm("treatment")];
    const since = Math.min(control?.since ?? Infinity, treatment?.since ?? Infinity);
    periods.push({ share, since: Number.isFinite(since) ? since : null });
    return {
      segment: def.id,
      controlShare: share,
      control: { leads: control?.leads ?? 0, converted: control?.converted ?? 0 },
      treatment: { leads: treatment?.leads ?? 0, converted: treatment?.converted ?? 0 },
    };
  });
  const rows = liftRows(inputs, { adjust: request.adjust, relativeMde: request.relativeMde });
  const segments: LiftSegment[] = rows.map((row, i) => ({ ...row, name: config.candidates[i]!.def.name, period: periods[i]! }));
  return { windowDays, segments };
}
