import { z } from "@hono/zod-openapi";
import { DAY_MS } from "../domain/activity";
import { ApiError } from "../errors";
import { TimestampQuery } from "./timestamp";

const MAX_PERIOD_DAYS = 365;

/** The period query of every report: [from, to), by default the last 30 days. */
export const PeriodQuery = {
  from: TimestampQuery.optional().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601 with an offset or Z, or epoch ms; default: 30 days before `to`" } : {}),
  to: TimestampQuery.optional().openapi(LF_OPENAPI_DOCS ? { description: "ISO 8601 with an offset or Z, or epoch ms; exclusive; default: now" } : {}),
};

/** The period asked for, or a 422 when it is empty, reversed or longer than a year. */
export function reportPeriod(query: { from?: number | undefined; to?: number | undefined }, now: number): { from: number; to: number } {
  const to = query.to ?? now;
  const from = query.from ?? to - 30 * DAY_MS;
  if (!(from < to) || to - from > MAX_PERIOD_DAYS * DAY_MS) {
    throw new ApiError(422, "validation_failed", "The period is not valid.", [
      { path: "from", message: `must be before \`to\`, at most ${MAX_PERIOD_DAYS} days earlier` },
    ]);
  }
  return { from, to };
}
