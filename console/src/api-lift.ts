import type { SegmentHealth as HealthRow, SiblingHealth } from "../../src/domain/health-report";
import type { ArmSummary, LiftRow, Verdict } from "../../src/domain/lift-report";
import type { Estimate } from "../../src/domain/statistics";
import { request } from "./api";

/**
 * The reports that prove the segmentation works: a holdout against the personalized leads, per
 * segment (src/routes/admin-report-lift.ts, judged by src/domain/lift-report.ts), and each
 * segment against its own trailing 13 weeks, with siblings compared
 * (src/routes/admin-report-health.ts, src/domain/health-report.ts). The rows are the worker's
 * own types (imported as types only: none of the statistics comes into the console), with its
 * times as the API writes them, ISO strings.
 */

export type { ArmSummary, Estimate, SiblingHealth, Verdict };

export interface LiftSegment extends LiftRow {
  name: string;
  /** The running holdout period: its share and its first assignment in the range; null without a holdout. */
  period: { share: number; since: string | null } | null;
}

export interface LiftReport {
  from: string;
  to: string;
  conversionWindowDays: number;
  closedWindowsOnly: boolean;
  adjust: "holm" | "bh";
  /** In the configuration's (first-match) order; a segment without a holdout has `control: null`. */
  segments: LiftSegment[];
}

export interface LiftQuery {
  from: string;
  to: string;
  /** Only leads whose conversion window has closed by `to`. */
  closedWindowsOnly?: boolean;
  adjust?: "holm" | "bh";
  /** The relative lift `leadsNeeded` plans for (0.1: +10 %). */
  mde?: number;
}

/** Per segment: its holdout (control) against the personalized leads (treatment), by assignment. */
export async function liftReport({ closedWindowsOnly, ...query }: LiftQuery): Promise<LiftReport> {
  const flag = closedWindowsOnly === undefined ? undefined : String(closedWindowsOnly);
  return (await request<LiftReport>("GET", "/v1/admin/reports/lift", { query: { ...query, closedWindowsOnly: flag } })).data;
}

export interface SegmentHealth extends Omit<HealthRow, "weeks"> {
  /** The baseline's 13 weeks, then the period's, oldest first: lead-weeks and conversions. */
  weeks: (ArmSummary & { from: string; to: string })[];
}

export interface HealthReport {
  from: string;
  to: string;
  /** The baseline: the 13 weeks (91 days) before `from`. */
  baselineFrom: string;
  segments: SegmentHealth[];
  siblings: SiblingHealth[];
}

/** Each segment's weeks against its trailing baseline, and each group's siblings compared (default: the last 30 days). */
export async function healthReport(period: { from?: string; to?: string } = {}): Promise<HealthReport> {
  return (await request<HealthReport>("GET", "/v1/admin/reports/health", { query: period })).data;
}
