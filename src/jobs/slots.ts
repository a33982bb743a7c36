// Slot arithmetic shared by the jobs: "daily at HH:MM in zone tz" as instants, pure (no clock, no
// database). Each local day yields exactly one instant, evaluated with zonedTimeToUtc: a wall time
// skipped by a DST jump (02:30 on a spring-forward night) runs at the same moment shifted past the jump
// (03:30), a repeated one (01:30 on a fall-back night) at its first occurrence — so a DST change neither
// skips nor doubles a slot.
import { DAY_MS } from '../domain/clock.ts';
import { isoWeekday } from '../domain/time/calendar.ts';
import { zonedParts, zonedTimeToUtc } from '../domain/time/zone.ts';
import type { Slot } from './job.ts';

export interface LocalTime {
  hour: number;
  minute: number;
}

/** `08:30` → { hour: 8, minute: 30 }. Throws RangeError on anything else (settings validate the form). */
export function parseHhmm(hhmm: string): LocalTime {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`not a time of day (HH:MM): ${hhmm}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export interface DailyOptions {
  /** ISO weekdays (1 = Monday … 7 = Sunday) of the local day on which the slot exists; every day when left out. */
  days?: readonly number[];
}

/**
 * The instants in (from, to], oldest first, at which the wall clock in tz shows `time` (HH:MM), one per
 * local day (on `days` only, when given). Throws RangeError for an unknown zone.
 */
export function dailyAt(time: string, tz: string, from: Date, to: Date, options: DailyOptions = {}): Date[] {
  const { hour, minute } = parseHhmm(time);
  if (!(to.getTime() > from.getTime())) return [];
  const out: Date[] = [];
  // Local dates from the day before `from` to the day after `to`: a day's instant may lie up to a
  // day's offset either side of its UTC date.
  const first = zonedParts(from, tz);
  const last = zonedParts(to, tz);
  const firstDay = Date.UTC(first.year, first.month - 1, first.day) - DAY_MS;
  const lastDay = Date.UTC(last.year, last.month - 1, last.day) + DAY_MS;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    const d = new Date(day);
    const at = zonedTimeToUtc({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour, minute }, tz);
    if (at.getTime() <= from.getTime() || at.getTime() > to.getTime()) continue;
    if (options.days && !options.days.includes(isoWeekday(at, tz))) continue;
    out.push(at);
  }
  return out;
}

/** The first instant after `after` at which the wall clock in tz shows `time` (on `days`, when given); null if none within two weeks. */
export function nextDailyAt(time: string, tz: string, after: Date, options: DailyOptions = {}): Date | null {
  return dailyAt(time, tz, after, new Date(after.getTime() + 14 * DAY_MS), options)[0] ?? null;
}

/** The instants in (from, to] on a fixed grid of `everyMs` from the epoch (every 5 minutes, say), oldest first. */
export function everyMs(everyMsStep: number, from: Date, to: Date): Date[] {
  if (!(everyMsStep > 0)) throw new RangeError(`everyMs: not a positive step: ${everyMsStep}`);
  const out: Date[] = [];
  let t = Math.floor(from.getTime() / everyMsStep) * everyMsStep + everyMsStep;
  for (; t <= to.getTime(); t += everyMsStep) out.push(new Date(t));
  return out;
}

/** A slot at an instant, keyed by the instant in ISO form (with `suffix` where one instant has several slots). */
export function slotAt(at: Date, suffix?: string, data?: Slot['data']): Slot {
  return { key: suffix ? `${at.toISOString()}:${suffix}` : at.toISOString(), at, ...(data ? { data } : {}) };
}
