import { describe, expect, it } from "vitest";
import { segmentFlows, segmentReport } from "../../src/domain/report";
import { defaultConfig } from "../support/config";

const config = defaultConfig();
const counts = (id: string, leads: number, converted = 0) => ({ id, leads, entered: 1, exited: 2, converted, convertedFromFirstSegment: 0 });

describe("segment report from the ledger's counts", () => {
  it("lists every segment of the configuration in order, with zeros and null rates where nothing was counted", () => {
    const report = segmentReport(config, [counts("smb-nurture", 3, 1)]);
    expect(report.map((r) => r.id)).toEqual(config.candidates.map((c) => c.def.id));
    expect(report.find((r) => r.id === "smb-nurture")).toMatchObject({ leads: 3, entered: 1, exited: 2, converted: 1, conversionRate: 0.3333 });
    const hot = report.find((r) => r.id === "enterprise-hot")!;
    expect(hot).toMatchObject({ leads: 0, entered: 0, exited: 0, converted: 0, convertedFromFirstSegment: 0, conversionRate: null });
    expect(hot.name).toBe(config.candidates.find((c) => c.def.id === "enterprise-hot")!.def.name);
  });

  it("keeps a segment the configuration no longer has, after the others, named by its id", () => {
    const report = segmentReport(config, [counts("retired", 2)]);
    expect(report.at(-1)).toMatchObject({ id: "retired", name: "retired", path: [], leads: 2 });
  });
});

describe("flows from the ledger's counts", () => {
  it("names both ends (null for an entry into the ledger), most transitions first", () => {
    const flows = segmentFlows(config, [
      { from: null, to: "smb-nurture", transitions: 1, leads: 1 },
      { from: "smb-nurture", to: "gone", transitions: 4, leads: 2 },
    ]);
    expect(flows).toEqual([
      { from: "smb-nurture", fromName: config.candidates.find((c) => c.def.id === "smb-nurture")!.def.name, to: "gone", toName: "gone", transitions: 4, leads: 2 },
      { from: null, fromName: null, to: "smb-nurture", toName: expect.any(String), transitions: 1, leads: 1 },
    ]);
  });
});
