import { describe, expect, it } from "vitest";
import { type LiftInput, liftRows } from "../../src/domain/lift-report";
import { leadsNeeded } from "../../src/domain/statistics";
import { mulberry32 } from "../support/random";

// Does the report do what its numbers promise? Segments are drawn lead by lead, as the worker
// assigns them: held out with probability 0.1, then converted with its arm's rate. Seeded, so a
// run is the same run every time; the counts are printed for the record.


const HOLDOUT = 0.1;
const BASELINE = 0.05;
const PLANTED_LIFT = 0.5;
const RUNS = 100;
/** Leads for 80 % power at alpha 0.05 to see 5 % → 7.5 % with a 10 % holdout (statsmodels: 8,096.58). */
const LEADS = leadsNeeded(BASELINE, PLANTED_LIFT, HOLDOUT);

function drawSegment(random: () => number, controlRate: number, treatedRate: number): LiftInput {
  const control = { leads: 0, converted: 0 };
  const treatment = { leads: 0, converted: 0 };
  for (let lead = 0; lead < LEADS; lead++) {
    const held = random() < HOLDOUT;
    const arm = held ? control : treatment;
    arm.leads++;
    if (random() < (held ? controlRate : treatedRate)) arm.converted++;
  }
  return { segment: "simulated", controlShare: HOLDOUT, control, treatment };
}

/** RUNS segments with the given true lift: how often each verdict came, and how often the lift interval held the true lift. */
function simulate(seed: number, trueLift: number) {
  const verdicts = { positive: 0, negative: 0, inconclusive: 0 };
  let covered = 0;
  for (let run = 0; run < RUNS; run++) {
    const random = mulberry32(seed + run);
    const [row] = liftRows([drawSegment(random, BASELINE, BASELINE * (1 + trueLift))]);
    verdicts[row!.verdict]++;
    if (row!.lift && row!.lift.low <= trueLift && trueLift <= row!.lift.high) covered++;
  }
  return { verdicts, covered };
}

describe("the lift report on simulated holdouts", () => {
  it("sizes the simulation as statsmodels does", () => {
    expect(LEADS).toBe(8097);
  });

  it("finds a planted +50 % lift about as often as its 80 % power says, and its interval holds the truth", () => {
    const { verdicts, covered } = simulate(20_240_611, PLANTED_LIFT);
    console.log(`planted +50 % lift, ${RUNS} runs of ${LEADS} leads: verdicts ${JSON.stringify(verdicts)}; true lift inside the 95 % interval in ${covered}`);
    // 80 of 100 expected; below 70 has a chance of 0.6 % for a report that keeps its promise.
    expect(verdicts.positive).toBeGreaterThanOrEqual(70);
    expect(verdicts.negative).toBe(0);
    // 95 expected; below 90 has a chance of 1.1 %.
    expect(covered).toBeGreaterThanOrEqual(90);
  });

  it("calls a segment without effect positive no more often than the 2.5 % its level allows on that side", () => {
    const { verdicts, covered } = simulate(19_700_101, 0);
    console.log(`no effect, ${RUNS} runs of ${LEADS} leads: verdicts ${JSON.stringify(verdicts)}; a lift of 0 inside the 95 % interval in ${covered}`);
    // 2.5 expected; more than 6 has a chance of 1.3 %.
    expect(verdicts.positive).toBeLessThanOrEqual(6);
    expect(verdicts.negative).toBeLessThanOrEqual(6);
    expect(covered).toBeGreaterThanOrEqual(90);
  });
});
