import { DAY_MS } from '../clock.ts';
import { zonedParts, zonedTimeToUtc } from '../time/zone.ts';

// How long an approval step has waited, in WORKING hours of the company calendar (settings.workingDays
// in settings.timezone), for the approval reminders and the escalation (PRODUCT.md: "counted on working
// days"). The rule: a working day counts whole — every hour of it, midnight to midnight local time (23
// or 25 on a DST day) — and any other day counts nothing; the time of day does not matter. So "24
// working hours" reads "one working day later, at the same time": a step made on Friday at 10:00 with
// Monday–Friday working days has waited 14 working hours at Friday midnight, nothing more over the
// weekend, and 24 on Monday at 10:00. A step made on a Saturday starts counting on Monday at 00:00.

/** Working time between instants, for many pairs at once: the calendar's days are worked out once. */
export interface WorkingClock {
  /** Working milliseconds in [from, to]; 0 when to is not after from. */
  between(from: Date, to: Date): number;
}

interface Day {
  start: number;
  working: boolean;
  /** Working ms from the first day's start to this day's start. */
  before: number;
}

/**
 * A working clock for instants within [earliest, latest] (others are clamped to it). Pure: the days
 * are read from the wall clock in `tz`, ISO weekdays (1 = Monday … 7 = Sunday) as the settings hold them.
 */
export function workingClock(workingDays: readonly number[], tz: string, earliest: Date, latest: Date): WorkingClock {
  const first = zonedParts(earliest, tz);
  const last = zonedParts(latest.getTime() < earliest.getTime() ? earliest : latest, tz);
  const days: Day[] = [];
  let before = 0;
  // Local dates walked as UTC dates (no DST there); each one's start is its local midnight.
  for (let d = Date.UTC(first.year, first.month - 1, first.day); d <= Date.UTC(last.year, last.month - 1, last.day) + DAY_MS; d += DAY_MS) {
    const date = new Date(d);
    const start = zonedTimeToUtc({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, tz).getTime();
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    const prev = days.at(-1);
    if (prev?.working) before += start - prev.start;
    days.push({ start, working: workingDays.includes(weekday), before });
  }
  /** Working ms from the first day's start to t. */
  const at = (t: number): number => {
    if (t <= days[0]!.start) return 0;
    let lo = 0;
    let hi = days.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (days[mid]!.start <= t) lo = mid;
      else hi = mid - 1;
    }
    const day = days[lo]!;
    // The last day is a sentinel: nothing is counted past its start.
    if (lo === days.length - 1) return day.before;
    return day.before + (day.working ? t - day.start : 0);
  };
  return {
    between: (from, to) => Math.max(0, at(to.getTime()) - at(from.getTime())),
  };
}

/** Working milliseconds between two instants (one pair; `workingClock` for many). */
export function workingMsBetween(from: Date, to: Date, workingDays: readonly number[], tz: string): number {
  if (to.getTime() <= from.getTime()) return 0;
  return workingClock(workingDays, tz, from, to).between(from, to);
}

export const HOUR_MS = 60 * 60 * 1000;
