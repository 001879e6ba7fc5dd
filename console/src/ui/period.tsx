import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { Field } from "./field";

/**
 * The reports' period chooser: the last 7, 30 or 90 days, or between two dates (local days,
 * the "to" day included, at most a year). `usePeriod()` gives the fields, to put in a page's
 * `<div class="period">` with its other controls, and the period they choose (null while the
 * dates typed are wrong: each problem is said at its field).
 */

export interface Period {
  from: string;
  to: string;
}

type Choice = "7" | "30" | "90" | "dates";
const DAY_MS = 86_400_000;
const MAX_DAYS = 365;

export function usePeriod(): { period: Period | null; fields: VNode } {
  const [choice, setChoice] = useState<Choice>("30");
  const [dates, setDates] = useState(() => ({ from: dayInput(Date.now() - 30 * DAY_MS), to: dayInput(Date.now()) }));
  // The end of a preset is "now" when it was chosen, so re-renders do not ask again.
  const [chosenAt, setChosenAt] = useState(Date.now);
  const chosen = periodOf(choice, dates, chosenAt);
  const error = "error" in chosen ? chosen.error : undefined;
  const fields = (
    <>
      <Field label="Period">
        {(control) => (
          <select
            {...control}
            value={choice}
            onChange={(e) => {
              setChoice(e.currentTarget.value as Choice);
              setChosenAt(Date.now());
            }}
          >
            <option value="7">Last 7 days</option>
            <option value="30">Last 30 days</option>
            <option value="90">Last 90 days</option>
            <option value="dates">Between dates…</option>
          </select>
        )}
      </Field>
      {choice === "dates" && (
        <>
          <DateField label="From" value={dates.from} onValue={(from) => setDates({ ...dates, from })} error={error?.from} />
          <DateField label="To (inclusive)" value={dates.to} onValue={(to) => setDates({ ...dates, to })} error={error?.to} />
        </>
      )}
    </>
  );
  return { period: "error" in chosen ? null : chosen, fields };
}

/** The period asked for, or what is wrong with the dates typed (at their fields). */
function periodOf(choice: Choice, dates: { from: string; to: string }, now: number): Period | { error: { from?: string; to?: string } } {
  if (choice !== "dates") return { from: new Date(now - Number(choice) * DAY_MS).toISOString(), to: new Date(now).toISOString() };
  // Local midnights: the day the person sees in the date picker, up to the end of the "to" day.
  const from = Date.parse(`${dates.from}T00:00`);
  const to = Date.parse(`${dates.to}T00:00`) + DAY_MS;
  if (Number.isNaN(from)) return { error: { from: "Choose a date." } };
  if (Number.isNaN(to)) return { error: { to: "Choose a date." } };
  if (to <= from) return { error: { to: "Must not be before the From date." } };
  if (to - from > MAX_DAYS * DAY_MS) return { error: { from: `At most ${MAX_DAYS} days before the To date.` } };
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** `YYYY-MM-DD` of the local day of `at`, as a date input holds it. */
function dayInput(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function DateField({ label, value, onValue, error }: { label: string; value: string; onValue: (value: string) => void; error: string | undefined }) {
  return (
    <Field label={label} error={error}>
      {(control) => <input {...control} type="date" value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
  );
}

/** The period in words: "3/1/2026, 10:00:00 AM – 3/31/2026, 10:00:00 AM". */
export const periodWords = (period: Period) => `${new Date(period.from).toLocaleString()} – ${new Date(period.to).toLocaleString()}`;
