import type { SegmentConversion, SegmentFlow } from "../../src/domain/report";
import { ApiError } from "./api-error";
import { request } from "./api";

/** The segment ledger as the console reads it: the exact reports, the re-evaluation after an activation, segment sizes and a lead's history. */

/** One segment's row of the conversion report: the worker's own type (src/domain/report.ts). */
export type { SegmentConversion } from "../../src/domain/report";

export interface SegmentReport {
  from: string;
  to: string;
  leads: { seen: number; evaluated: number };
  segments: SegmentConversion[];
}

/** Exact per-segment figures for [from, to) from the segment ledger: leads in it, entries, exits, conversions. */
export async function segmentReport(period: { from: string; to: string }): Promise<SegmentReport> {
  return (await request<SegmentReport>("GET", "/v1/admin/reports/segments", { query: period })).data;
}

/** One from→to pair of the flows report: the worker's own type (src/domain/report.ts). */
export type { SegmentFlow } from "../../src/domain/report";

export interface FlowReport {
  from: string;
  to: string;
  cause: string | null;
  flows: SegmentFlow[];
}

/** From→to counts of the segment transitions in [from, to), most first (GET /v1/admin/reports/flows). */
export async function flowReport(period: { from: string; to: string; cause?: string }): Promise<FlowReport> {
  return (await request<FlowReport>("GET", "/v1/admin/reports/flows", { query: period })).data;
}

// --- Re-evaluation after an activation (src/routes/admin-ledger-reevaluation.ts) -----------------

export interface Reevaluation {
  configVersion: number;
  done: number;
  total: number;
  /** Leads whose segment changed. */
  changed: number;
  startedAt: string;
  finishedAt: string | null;
  supersededBy: number | null;
}

/** The newest re-evaluation of every lead; null before any activation since the ledger exists. */
export async function reevaluation(): Promise<Reevaluation | null> {
  try {
    return (await request<Reevaluation>("GET", "/v1/admin/ledger/reevaluation")).data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

// --- The segment ledger (src/routes/segments-list.ts, admin-lead-segments.ts) -----------------

export interface SegmentSize {
  id: string;
  /** null for a segment the active configuration no longer has. */
  name: string | null;
  inConfiguration: boolean;
  leads: number;
  entered: number;
  exited: number;
}

export interface SegmentSizes {
  from: string;
  to: string;
  configVersion: number;
  segments: SegmentSize[];
}

/** Every segment with its current members and its entries and exits in the last 7 days, from the ledger. */
export async function segmentSizes(): Promise<SegmentSizes> {
  return (await request<SegmentSizes>("GET", "/v1/admin/segments")).data;
}

export interface SegmentStep {
  from: string | null;
  to: string;
  at: string;
  cause: string;
  configVersion: number;
}

export interface SegmentHistory {
  current: { id: string; name: string | null; since: string; configVersion: number } | null;
  reviewAt: string | null;
  /** Newest first. */
  history: SegmentStep[];
}

/** The lead's recorded segment changes strictly before `before` (the `at` of the oldest shown), newest first. */
export async function leadSegmentHistory(email: string, options: { limit?: number; before?: string } = {}): Promise<SegmentHistory> {
  return (await request<SegmentHistory>("GET", `/v1/admin/leads/${encodeURIComponent(email)}/segments`, { query: options })).data;
}
