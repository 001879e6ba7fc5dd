import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/domain/activity";
import { configSchema, type ConfigDocument } from "../../src/domain/config";
import { describeChanges } from "../../src/domain/config-changes";
import { retentionCutoffs, retentionPolicy } from "../../src/domain/retention";
import { defaultDocCopy } from "../support/config";

function problemsOf(edit: (doc: any) => unknown) {
  const doc: any = defaultDocCopy();
  edit(doc);
  const result = configSchema.safeParse(doc);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

const parsed = (edit: (doc: any) => unknown): ConfigDocument => {
  const doc: any = defaultDocCopy();
  edit(doc);
  return configSchema.parse(doc);
};

describe("retention configuration", () => {
  it("ships 180 days of events and 90 days for idle anonymous leads", () => {
    expect(defaultDocCopy().retention).toEqual({ eventsDays: 180, anonymousDays: 90 });
    expect(retentionPolicy(parsed(() => {}))).toEqual({ eventsDays: 180, anonymousDays: 90 });
  });

  it("defaults to 180 and 90 days when absent, or to the scoring horizon / the longest window when longer", () => {
    expect(retentionPolicy(parsed((d) => delete d.retention))).toEqual({ eventsDays: 180, anonymousDays: 90 });
    expect(retentionPolicy(parsed((d) => (d.retention = {})))).toEqual({ eventsDays: 180, anonymousDays: 90 });
    expect(retentionPolicy(parsed((d) => (d.retention = { anonymousDays: 30 })))).toEqual({ eventsDays: 180, anonymousDays: 30 });
    const longHorizon = parsed((d) => {
      delete d.retention;
      d.scoring.engagement.horizonDays = 250.5;
    });
    expect(retentionPolicy(longHorizon).eventsDays).toBe(250.5);
    const longWindow = parsed((d) => {
      delete d.retention;
      d.signals.views_300d = { event: "page_view", windowDays: 300 };
    });
    expect(retentionPolicy(longWindow).eventsDays).toBe(300);
  });

  it("takes events days equal to the longest look-back", () => {
    expect(problemsOf((d) => (d.retention.eventsDays = 90))).toEqual([]);
  });

  it.each<[string, (doc: any) => unknown, RegExp]>([
    ["below the scoring horizon", (d) => (d.retention.eventsDays = 89), /at least 90 days.*scoring\.engagement\.horizonDays/],
    [
      "below the longest signal window",
      (d) => ((d.retention.eventsDays = 120), (d.signals.views_150d = { event: "page_view", windowDays: 150 })),
      /at least 150 days.*signals\.views_150d\.windowDays/,
    ],
  ])("rejects events days %s, with the path", (_, edit, message) => {
    const problems = problemsOf(edit);
    expect(problems).toEqual([{ path: "retention.eventsDays", message: expect.stringMatching(message) }]);
  });

  it.each<[string, unknown]>([
    ["zero events days", { eventsDays: 0 }],
    ["fractional anonymous days", { anonymousDays: 1.5 }],
    ["an unknown field", { eventDays: 200 }],
  ])("rejects %s", (_, retention) => {
    expect(problemsOf((d) => (d.retention = retention)).length).toBeGreaterThan(0);
  });
});

describe("retention cutoffs", () => {
  it("keeps events up to exactly eventsDays old and leads active up to exactly anonymousDays ago", () => {
    const now = Date.UTC(2026, 10, 23, 12);
    expect(retentionCutoffs({ eventsDays: 180, anonymousDays: 90 }, now)).toEqual({
      eventsBefore: now - 180 * DAY_MS,
      idleBefore: now - 90 * DAY_MS,
    });
  });
});

describe("retention in the audit trail", () => {
  it("names a retention change", () => {
    const before = parsed(() => {});
    expect(describeChanges(before, parsed((d) => (d.retention.anonymousDays = 30)))).toEqual(["retention changed"]);
    expect(describeChanges(before, parsed(() => {}))).toEqual([]);
  });
});
