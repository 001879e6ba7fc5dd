import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { admin } from "../support/admin";
import { BROWSER_UA, leadIdOf } from "../support/email";
import { call, DAY, jsonOf, newEmail, newVisitorId, SERVER_KEY } from "../support/harness";

/**
 * The reports from the segment ledger against hand counts. Most histories are written straight
 * into the ledger's tables (exact intervals, years apart so no test's leads are in another's
 * period: a lead stays in its last segment for ever after); one goes through the API and the
 * scheduled sweep.
 */
const iso = (ms: number) => new Date(ms).toISOString();
const [A, B, C] = ["smb-nurture", "smb-qualified", "enterprise-cold"];

interface Step { from: string | null; to: string; at: number; cause?: string }

/** A lead's ledger as the review writes it: its transitions, and its row holding the last one. */
async function ledger(steps: Step[], events: { type: string; ts: number }[] = []): Promise<string> {
  const lead = crypto.randomUUID();
  const statements = steps.map((s) =>
    env.DB.prepare("INSERT INTO segment_transitions (lead_id, from_segment, to_segment, at, cause, config_version) VALUES (?, ?, ?, ?, ?, 1)")
      .bind(lead, s.from, s.to, s.at, s.cause ?? "event"));
  const last = steps.at(-1)!;
  statements.push(env.DB.prepare("INSERT INTO lead_segments (lead_id, segment_id, since, config_version, evaluated_at) VALUES (?, ?, ?, 1, ?)")
    .bind(lead, last.to, last.at, last.at));
  for (const e of events) {
    statements.push(env.DB.prepare("INSERT INTO events (lead_id, id, type, category, ts) VALUES (unhex(replace(?, '-', '')), unhex(replace(?, '-', '')), ?, 'other', ?)")
      .bind(lead, crypto.randomUUID(), e.type, e.ts));
  }
  await env.DB.batch(statements);
  return lead;
}

async function segmentsReport(from: number, to: number) {
  const res = await admin("GET", `/v1/admin/reports/segments?from=${iso(from)}&to=${iso(to)}`);
  expect(res.status).toBe(200);
  const report = await jsonOf(res);
  const by = (id: string) => {
    const row = report.segments.find((s: any) => s.id === id);
    return [row.leads, row.entered, row.exited, row.converted, row.convertedFromFirstSegment, row.conversionRate];
  };
  return { report, by };
}

async function flows(from: number, to: number, cause?: string) {
  const res = await admin("GET", `/v1/admin/reports/flows?from=${iso(from)}&to=${iso(to)}${cause ? `&cause=${cause}` : ""}`);
  expect(res.status).toBe(200);
  const body = await jsonOf(res);
  return body.flows.map((f: any) => `${f.from}→${f.to}:${f.transitions}/${f.leads}`);
}

describe("reports from the segment ledger", () => {
  // The period [T, T + 10 days), and leads around it.
  const T = Date.UTC(1990, 0, 1);
  const TO = T + 10 * DAY;
  const histories = () => Promise.all([
    // In A at `from`, moves to B, converts after the move, leaves B after the period.
    ledger([{ from: null, to: A, at: T - 5 * DAY }, { from: A, to: B, at: T + 2 * DAY }, { from: B, to: C, at: T + 20 * DAY }],
      [{ type: "conversion", ts: T + 3 * DAY }]),
    // Enters the ledger in the period (in B), converts twice (one lead), one page view.
    ledger([{ from: null, to: B, at: T + DAY, cause: "traits" }],
      [{ type: "page_view", ts: T + DAY }, { type: "conversion", ts: T + 5 * DAY }, { type: "conversion", ts: T + 6 * DAY }]),
    // Left A before the period: in C all along; its conversion was before the period.
    ledger([{ from: null, to: A, at: T - 10 * DAY }, { from: A, to: C, at: T - DAY }], [{ type: "conversion", ts: T - 2 * DAY }]),
    // Enters at `to` exactly: not in the period.
    ledger([{ from: null, to: C, at: TO }], [{ type: "conversion", ts: TO }]),
    // Enters A at `from` exactly, moves to B and converts at that very instant (counted in B).
    ledger([{ from: null, to: A, at: T, cause: "traits" }, { from: A, to: B, at: T + 4 * DAY }], [{ type: "conversion", ts: T + 4 * DAY }]),
    // Converts before its first recorded segment: in A, but the conversion is in no segment.
    ledger([{ from: null, to: A, at: T + 3 * DAY, cause: "import" }], [{ type: "conversion", ts: T + 2 * DAY }]),
    // In A, then B, then A again (one lead in two segments, A entered twice); converts in each.
    ledger([{ from: null, to: A, at: T - 3 * DAY }, { from: A, to: B, at: T + DAY, cause: "time" }, { from: B, to: A, at: T + 2 * DAY, cause: "time" }],
      [{ type: "conversion", ts: T + DAY + 3_600_000 }, { type: "conversion", ts: T + 5 * DAY }]),
  ]);

  it("counts each segment's leads, entries, exits and conversions exactly, against a hand count", async () => {
    await histories();
    const { report, by } = await segmentsReport(T, TO);
    expect(report.leads).toEqual({ seen: 1, evaluated: 6 });
    //                      leads entered exited converted first rate
    expect(by(A)).toEqual([4, 3, 3, 1, 3, 0.25]);
    expect(by(B)).toEqual([4, 4, 1, 4, 1, 1]);
    expect(by(C)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(by("enterprise-hot")).toEqual([0, 0, 0, 0, 0, null]);

    // Most transitions first; ties: entries into the ledger first, then by ids.
    expect(await flows(T, TO)).toEqual([`${A}→${B}:3/3`, `null→${A}:2/2`, `null→${B}:1/1`, `${B}→${A}:1/1`]);
    expect(await flows(T, TO, "time")).toEqual([`${A}→${B}:1/1`, `${B}→${A}:1/1`]);
    expect(await flows(T, TO, "config")).toEqual([]);
    const named = await jsonOf(await admin("GET", `/v1/admin/reports/flows?from=${T}&to=${TO}&cause=import`));
    expect(named).toEqual({ from: iso(T), to: iso(TO), cause: "import", flows: [{ from: null, fromName: null, to: A, toName: "SMB Nurture", transitions: 1, leads: 1 }] });

    // A later period sees only who is still there: the first lead's move to C, everyone else where they stayed.
    const later = await segmentsReport(T + 15 * DAY, T + 25 * DAY);
    expect(later.report.leads).toEqual({ seen: 0, evaluated: 7 });
    expect(later.by(B)).toEqual([3, 0, 1, 0, 0, 0]);
    expect(later.by(C)).toEqual([3, 1, 0, 0, 0, 0]);
  });

  it("answers zeros for a period with no data", async () => {
    const from = Date.UTC(1980, 0, 1);
    const { report } = await segmentsReport(from, from + 30 * DAY);
    expect(report.leads).toEqual({ seen: 0, evaluated: 0 });
    expect(report.segments.every((s: any) => s.leads + s.entered + s.exited + s.converted + s.convertedFromFirstSegment === 0 && s.conversionRate === null)).toBe(true);
    expect(await flows(from, from + 30 * DAY)).toEqual([]);
  });

  it("counts what the API and the scheduled sweep recorded", async () => {
    const start = Date.now() - 1000;
    const email = newEmail();
    const path = `/v1/leads/${encodeURIComponent(email)}`;
    const send = async (request: Request) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(request as never, env, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const server = (method: string, url: string, body: unknown) => send(new Request(`https://leadflare.test${url}`, {
      method, headers: { "content-type": "application/json", authorization: `Bearer ${SERVER_KEY}` }, body: JSON.stringify(body),
    }));
    const visitorId = newVisitorId();
    expect((await server("PUT", path, { company: { employees: 50, industry: "saas" }, person: { seniority: "director" } })).status).toBe(200);
    expect((await server("POST", `${path}/visitors`, { visitorId })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await send(new Request("https://leadflare.test/v1/personalize", {
        method: "POST", headers: { "content-type": "application/json", "user-agent": BROWSER_UA }, body: JSON.stringify({ visitorId, page: { url: "/pricing" } }),
      }));
      expect(res.status).toBe(200);
    }
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: start + 8 * DAY, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const leadId = await leadIdOf(email);
    const { results } = await env.DB.prepare("SELECT count(*) AS n FROM segment_transitions WHERE lead_id = ?").bind(leadId).all<{ n: number }>();
    expect(results[0]!.n).toBe(3);

    const to = start + 9 * DAY;
    expect(await flows(start, to)).toEqual([`null→${A}:1/1`, `${A}→${B}:1/1`, `${B}→${A}:1/1`]);
    expect(await flows(start, to, "time")).toEqual([`${B}→${A}:1/1`]);
    const { report, by } = await segmentsReport(start, to);
    // Another test's hand-built leads stay in their last segments for ever, so only this period's movements are this lead's.
    expect(report.leads.seen).toBe(1);
    expect(by(A).slice(1, 5)).toEqual([2, 1, 0, 0]);
    expect(by(B).slice(1, 5)).toEqual([1, 1, 0, 0]);
  });

  it("takes the admin token only, and answers 422 for bad dates, periods and causes", async () => {
    for (const report of ["segments", "flows"]) {
      expect((await call("GET", `/v1/admin/reports/${report}`, { key: SERVER_KEY })).status).toBe(401);
      const now = Date.now();
      for (const [from, to] of [[now, now], [now, now - DAY], [now - 400 * DAY, now]]) {
        const res = await admin("GET", `/v1/admin/reports/${report}?from=${iso(from!)}&to=${iso(to!)}`);
        expect(res.status).toBe(422);
        expect((await jsonOf(res)).error.code).toBe("validation_failed");
      }
      for (const bad of ["from=yesterday", "to=2026-01-01", "from=1700000000"]) {
        expect((await admin("GET", `/v1/admin/reports/${report}?${bad}`)).status).toBe(422);
      }
    }
    expect((await admin("GET", "/v1/admin/reports/flows?cause=weather")).status).toBe(422);
    expect((await admin("GET", "/v1/admin/reports/flows")).status).toBe(200);
  });
});
