import {
  type Arm,
  type Estimate,
  benjaminiHochberg,
  holm,
  leadsNeeded,
  newcombeDifference,
  relativeLift,
  srmTest,
  twoProportionPValue,
} from "./statistics";

/**
 * The holdout lift report, per segment: did treating the segment's leads (personalising, routing)
 * convert more of them than the held-out control did, with intervals that say how sure that is.
 * Pure: src/db counts the arms, this file judges them.
 */

export interface LiftInput {
  segment: string;
  /** The configured share of leads held out as control (0.1 for 10 %); null when the segment has no holdout. */
  controlShare: number | null;
  /** The held-out leads; null when the segment has no holdout. */
  control: Arm | null;
  treatment: Arm;
}

export interface LiftOptions {
  /** How p-values are adjusted across segments: Holm (any false positive) or Benjamini–Hochberg (false discovery rate). */
  adjust?: "holm" | "bh";
  /** Of the intervals, and 1 − confidence is the level a verdict needs of the adjusted p. */
  confidence?: number;
  /** The relative lift leadsNeeded plans to detect (0.1: a rate 10 % above the control's). */
  relativeMde?: number;
  /** Leads each arm needs before a verdict. */
  minLeadsPerArm?: number;
  /** Conversions both arms together need before a verdict. */
  minConversions?: number;
}

/**
 * Holm: with a handful of segments it costs little against BH and keeps the promise a reader
 * assumes ("no segment called positive by chance", at 5 %). 100 leads and 10 conversions: below
 * them the normal approximations behind the p-value and intervals are off, and a verdict on
 * 3 conversions against 1 would only be noise. A 10 % relative lift is a plausible goal for
 * personalisation.
 */
export const LIFT_DEFAULTS: Readonly<Required<LiftOptions>> = {
  adjust: "holm",
  confidence: 0.95,
  relativeMde: 0.1,
  minLeadsPerArm: 100,
  minConversions: 10,
};

/** An SRM p below this flags the split as broken: strict, since it is checked every time the report is read. */
export const SRM_ALPHA = 0.001;

/** The power leadsNeeded plans for. */
export const PLANNED_POWER = 0.8;

export interface ArmSummary {
  leads: number;
  converted: number;
  /** converted / leads; null without leads. */
  rate: number | null;
}

export type Verdict = "positive" | "negative" | "inconclusive";

export interface LiftRow {
  segment: string;
  control: ArmSummary | null;
  treatment: ArmSummary;
  /** treatment rate − control rate, Newcombe's interval; null without a control or without leads in an arm. */
  difference: Estimate | null;
  /** treatment rate / control rate − 1, Katz's interval; null as the difference, or without a conversion in an arm. */
  lift: Estimate | null;
  /** Two-sided p of the pooled z test; null as the difference. */
  p: number | null;
  /** p adjusted across the segments with a control and enough data; null for the others. */
  pAdjusted: number | null;
  /** The split against the configured control share; null without a control or a configured share. */
  srm: { p: number; flagged: boolean } | null;
  verdict: Verdict;
  /** Leads still to collect (both arms) before the segment can show the planned lift: 0 when it has them; null without a control. */
  leadsNeeded: number | null;
}

interface Judged {
  row: LiftRow;
  /** Enough leads and conversions for a verdict. */
  enough: boolean;
}

function summary(arm: Arm): ArmSummary {
  return { leads: arm.leads, converted: arm.converted, rate: arm.leads > 0 ? arm.converted / arm.leads : null };
}

/**
 * One row per input, in input order. The verdict is inconclusive below the minimum counts and
 * when the split is flagged (an assignment that is off makes the arms incomparable); otherwise
 * positive or negative when the adjusted p is below 1 − confidence, by the difference's sign.
 */
export function liftRows(inputs: LiftInput[], options: LiftOptions = {}): LiftRow[] {
  const settings: Required<LiftOptions> = {
    adjust: options.adjust ?? LIFT_DEFAULTS.adjust,
    confidence: options.confidence ?? LIFT_DEFAULTS.confidence,
    relativeMde: options.relativeMde ?? LIFT_DEFAULTS.relativeMde,
    minLeadsPerArm: options.minLeadsPerArm ?? LIFT_DEFAULTS.minLeadsPerArm,
    minConversions: options.minConversions ?? LIFT_DEFAULTS.minConversions,
  };
  if (!(settings.relativeMde > 0)) throw new RangeError(`the lift to plan for must be above 0, not ${settings.relativeMde}`);
  const judged = inputs.map((input) => judge(input, settings));
  // One family: every segment that could get a verdict, so that more segments ask more of each.
  const family = judged.filter((j) => j.enough);
  const adjust = settings.adjust === "holm" ? holm : benjaminiHochberg;
  const adjusted = adjust(family.map((j) => j.row.p!));
  family.forEach(({ row }, i) => {
    row.pAdjusted = adjusted[i]!;
    if (row.srm?.flagged || row.pAdjusted >= 1 - settings.confidence) return;
    if (row.difference!.estimate > 0) row.verdict = "positive";
    else if (row.difference!.estimate < 0) row.verdict = "negative";
  });
  return judged.map((j) => j.row);
}

function judge(input: LiftInput, settings: Required<LiftOptions>): Judged {
  const { control, treatment, controlShare } = input;
  const row: LiftRow = {
    segment: input.segment,
    control: control && summary(control),
    treatment: summary(treatment),
    difference: null,
    lift: null,
    p: null,
    pAdjusted: null,
    srm: null,
    verdict: "inconclusive",
    leadsNeeded: null,
  };
  if (!control) return { row, enough: false };
  if (controlShare !== null) {
    const { p } = srmTest(control.leads, treatment.leads, controlShare);
    row.srm = { p, flagged: p < SRM_ALPHA };
  }
  row.leadsNeeded = stillNeeded(control, treatment, controlShare, settings);
  if (control.leads === 0 || treatment.leads === 0) return { row, enough: false };
  row.difference = newcombeDifference(treatment, control, settings.confidence);
  row.lift = relativeLift(treatment, control, settings.confidence);
  row.p = twoProportionPValue(treatment, control);
  const enough =
    Math.min(control.leads, treatment.leads) >= settings.minLeadsPerArm &&
    control.converted + treatment.converted >= settings.minConversions;
  return { row, enough };
}

/**
 * Leads still to collect: the total that leadsNeeded asks for the planned lift at level
 * 1 − confidence (per segment, before the adjustment, which asks a little more of each when
 * there are many) and 80 % power, and at least enough for minLeadsPerArm in the smaller arm,
 * less the leads the segment has. The baseline is the control's rate, or the pooled rate while
 * the control has no conversion; the split is the configured one, or the observed one without it.
 * Null when there is nothing to plan from: no conversion at all, or a planned rate past 100 %.
 */
function stillNeeded(control: Arm, treatment: Arm, controlShare: number | null, settings: Required<LiftOptions>): number | null {
  const have = control.leads + treatment.leads;
  const share = controlShare ?? (have > 0 ? control.leads / have : 0);
  if (!(share > 0 && share < 1)) return null;
  const baseline = control.converted > 0 ? control.converted / control.leads : (control.converted + treatment.converted) / Math.max(have, 1);
  if (baseline === 0 || baseline * (1 + settings.relativeMde) > 1) return null;
  const forPower = leadsNeeded(baseline, settings.relativeMde, share, 1 - settings.confidence, PLANNED_POWER);
  const forMinimum = Math.ceil(settings.minLeadsPerArm / Math.min(share, 1 - share));
  return Math.max(0, forPower - have, forMinimum - have);
}
