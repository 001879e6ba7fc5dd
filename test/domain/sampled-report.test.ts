import { describe, expect, it } from "vitest";
import { DAY_MS, type ActivityRow } from "../../src/domain/activity";
import type { LeadInput } from "../../src/domain/facts";
import { segmentConversions } from "../../bench/probe/sampled-report";
import { defaultConfig } from "../support/config";

const TO = Date.UTC(2026, 10, 23);
const FROM = TO - 30 * DAY_MS;
const config = defaultConfig();
const row = (key: string, ...timestamps: number[]): ActivityRow => ({ key, total: timestamps.length, recent: [...timestamps].sort((a, b) => b - a) });
const smb = (activity: ActivityRow[]): LeadInput => ({ traits: { company: { employees: 50 } }, activity });
const rowFor = (id: string, leads: LeadInput[]) => segmentConversions(config, leads, FROM, TO).find((r) => r.id === id)!;

describe("the sampled segment report (the bench's baseline)", () => {
  it("places a lead in the segment it was in at its first view of the period", () => {
    const t = FROM + 10 * DAY_MS;
    // Three pricing views within the hour: qualified from the third view on, but the lead
    // entered the period (first view) as nurture.
    const lead = smb([row("page_view:pricing", t, t + 60_000, t + 120_000)]);
    expect(rowFor("smb-nurture", [lead])).toMatchObject({ leads: 1, converted: 0 });
    expect(rowFor("smb-qualified", [lead]).leads).toBe(0);
    // Already qualified before the period started: counted as qualified.
    const warmedUp = smb([row("page_view:pricing", FROM - 3_600_000, FROM - 1_800_000, FROM + 60_000)]);
    expect(rowFor("smb-qualified", [warmedUp]).leads).toBe(1);
  });

  it("counts a conversion only between the first view and the end of the period", () => {
    const t = FROM + DAY_MS;
    const converted = smb([row("page_view:docs", t), row("conversion:other", t + DAY_MS)]);
    const before = smb([row("page_view:docs", t), row("conversion:other", t - DAY_MS)]);
    const after = smb([row("page_view:docs", t), row("conversion:other", TO + 1)]);
    expect(rowFor("smb-nurture", [converted, before, after])).toMatchObject({ leads: 3, converted: 1 });
  });

  it("lists every resolvable segment in order, with no leads where none was seen; skips leads not seen", () => {
    const unseen = smb([row("page_view:docs", FROM - 1)]);
    const report = segmentConversions(config, [unseen], FROM, TO);
    expect(report.map((r) => r.id)).toEqual(config.candidates.map((c) => c.def.id));
    expect(report.every((r) => r.leads === 0)).toBe(true);
  });
});
