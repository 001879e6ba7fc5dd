import { z } from "@hono/zod-openapi";

/**
 * Every timestamp a client sends: an ISO 8601 date-time with an offset or `Z`, or epoch
 * milliseconds; both become epoch ms. A date-time without an offset is refused rather than
 * guessed (whose midnight?), and so is a number small enough to be epoch seconds, the usual
 * mistake, with a message that says what to send instead. Responses always answer ISO strings.
 */

/** The largest time a Date can hold (year 275760): past it there is no ISO string to answer with. */
const MAX_DATE_MS = 8_640_000_000_000_000;
/** 1e11 ms is March 1973 while 1e11 s is the year 5138: a smaller number is seconds, not milliseconds. */
const SMALLEST_EPOCH_MS = 1e11;

const EXAMPLE = "2026-11-23T12:00:00Z";
const EXPECTED = `an ISO 8601 date-time with an offset or Z (${EXAMPLE}) or epoch milliseconds`;
const withOffset = z.iso.datetime({ offset: true });
const withoutOffset = z.iso.datetime({ local: true });

function toEpochMs(value: string | number, ctx: z.RefinementCtx): number {
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (typeof value === "string") {
    if (withOffset.safeParse(value).success) return Date.parse(value);
    if (withoutOffset.safeParse(value).success || /^\d{4}-\d\d-\d\d$/.test(value)) {
      return fail(`"${value}" has no offset, so its time is ambiguous: add Z or ±hh:mm (${EXAMPLE})`);
    }
    return fail(`expected ${EXPECTED}`);
  }
  if (!Number.isInteger(value)) return fail("epoch milliseconds are a whole number");
  if (value < SMALLEST_EPOCH_MS) {
    return fail(`${value} is too small for epoch milliseconds (it looks like seconds): send milliseconds (seconds × 1000) or an ISO 8601 string`);
  }
  if (value > MAX_DATE_MS) return fail("later than the last time a date can hold (year 275760)");
  return value;
}

const DESCRIPTION = LF_OPENAPI_DOCS ? `ISO 8601 with an offset or Z (${EXAMPLE}), or epoch milliseconds (epoch seconds are refused)` : "";

/** A timestamp in a JSON body: a string or a number, parsed to epoch ms. */
export const Timestamp = z
  // The branches only type the value (their messages come from toEpochMs); the formats are for the document.
  .union([z.string().openapi({ format: "date-time" }), z.number().openapi({ type: "integer" })], { error: `expected ${EXPECTED}` })
  .transform(toEpochMs)
  .openapi(LF_OPENAPI_DOCS ? { description: DESCRIPTION, example: EXAMPLE } : {});

/** A timestamp in a query string, where epoch milliseconds arrive as digits. */
export const TimestampQuery = z
  .string()
  .transform((s, ctx) => toEpochMs(/^-?\d+$/.test(s) ? Number(s) : s, ctx))
  .openapi(LF_OPENAPI_DOCS ? { type: "string", description: DESCRIPTION, example: EXAMPLE } : {});
