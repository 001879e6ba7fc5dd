import { describe, expect, it } from "vitest";
import { chiSquareSurvival, homogeneityTest } from "../../src/domain/chi-square";
import { healthWeeks, segmentHealth, type WeekCounts } from "../../src/domain/health-report";
import fixtures from "../fixtures/statistics.json";
import { defaultConfig } from "../support/config";

// Made by scripts/stats-fixtures.py with scipy (chi2_contingency without correction, chi2.sf).
const close = (actual: number, expected: number, label: string) =>
  expect(Math.abs(actual - expected), `${label}: ${actual}, scipy ${expected}`).toBeLessThanOrEqual(Math.max(1e-300, 1e-6 * Math.abs(expected)));

describe("siblings' chi-square against scipy", () => {
  it("matches chi2_contingency (statistic, df, p) for 2 to 6 groups", () => {
    expect(fixtures.homogeneity.tables.length).toBeGreaterThan(5);
    for (const row of fixtures.homogeneity.tables) {
      const test = homogeneityTest(row.groups)!;
      const label = JSON.stringify(row.groups);
      close(test.statistic, row.statistic, `${label} statistic`);
      expect(test.df).toBe(row.df);
      close(test.p, row.p, `${label} p`);
    }
  });

  it("matches chi2.sf for odd and even degrees of freedom, into the far tail", () => {
    for (const row of fixtures.homogeneity.survival) close(chiSquareSurvival(row.x, row.df), row.p, `x ${row.x} df ${row.df}`);
  });

  it("has nothing to test without a contrast: one group, or no conversions", () => {
    expect(homogeneityTest([{ leads: 100, converted: 5 }])).toBeNull();
    expect(homogeneityTest([{ leads: 100, converted: 0 }, { leads: 50, converted: 0 }])).toBeNull();
  });
});

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 10, 1);
const TO = FROM + 28 * DAY;

/** Weeks where each segment has `leads` members a week converting at `rate(segment, inPeriod)`. */
function weeksOf(leads: number, rate: (segment: string, inPeriod: boolean) => number): WeekCounts[] {
  const ids = defaultConfig().candidates.map((c) => c.def.id);
  return healthWeeks(FROM, TO).map((w) => ({
    ...w,
    segments: ids.map((id) => ({ id, leads, converted: Math.round(leads * rate(id, w.from >= FROM)) })),
  }));
}

describe("segment health", () => {
  it("has 13 baseline weeks before the period, then the period's weeks", () => {
    const weeks = healthWeeks(FROM, TO);
    expect(weeks).toHaveLength(17);
    expect(weeks[0]!.from).toBe(FROM - 91 * DAY);
    expect(weeks[13]).toEqual({ from: FROM, to: FROM + 7 * DAY });
    expect(weeks.at(-1)!.to).toBe(TO);
    expect(healthWeeks(FROM, FROM + 10 * DAY).at(-1)).toEqual({ from: FROM + 7 * DAY, to: FROM + 10 * DAY });
  });

  it("flags a segment whose period rate left its baseline, and not one that kept it", () => {
    const report = segmentHealth(defaultConfig(), weeksOf(1000, (s, inPeriod) => (s === "smb-qualified" && inPeriod ? 0.01 : 0.05)), FROM);
    const of = (id: string) => report.segments.find((s) => s.segment === id)!;
    expect(of("smb-qualified")).toMatchObject({ diverged: true, period: { leads: 4000, converted: 40 }, baseline: { leads: 13000, converted: 650 } });
    expect(of("smb-qualified").difference!.high).toBeLessThan(0);
    expect(of("smb-nurture").diverged).toBe(false);
    expect(of("smb-nurture").sizeRatio).toBe(1);
  });

  it("says siblings are not distinguishable when they have the leads and convert alike, different when they do not, too few otherwise", () => {
    const alike = segmentHealth(defaultConfig(), weeksOf(2000, () => 0.04), FROM);
    const smb = alike.siblings.find((g) => g.group === "smb")!;
    expect(smb.segments).toEqual(["smb-qualified", "smb-nurture"]);
    expect(smb.verdict).toBe("not_distinguishable");
    expect(smb.leadsNeeded).toBeLessThanOrEqual(8000);

    const apart = segmentHealth(defaultConfig(), weeksOf(2000, (s) => (s.endsWith("hot") ? 0.08 : s.endsWith("warm") ? 0.04 : 0.02)), FROM);
    expect(apart.siblings.find((g) => g.group === "enterprise")!.verdict).toBe("different");

    const few = segmentHealth(defaultConfig(), weeksOf(20, () => 0.05), FROM);
    expect(few.siblings.find((g) => g.group === "mid-market")!.verdict).toBe("too_few");
  });
});
