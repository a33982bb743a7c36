// Time-zone arithmetic on IANA zones with Intl only. Offsets are found by formatting instants in
// the zone and comparing the wall clock with UTC.
import { DAY_MS } from '../clock.ts';

export interface ZonedParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

// Building a DateTimeFormat is far slower than using one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in tz at instant. Throws RangeError for an unknown zone or an invalid date. */
export function zonedParts(instant: Date, tz: string): ZonedParts {
  const p = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, bc: false };
  for (const { type, value } of formatter(tz).formatToParts(instant)) {
    if (type === 'era') p.bc = value === 'BC';
    else if (type in p) (p as Record<string, number | boolean>)[type] = Number(value);
  }
  const year = p.bc ? 1 - p.year : p.year;
  const weekday = new Date(wallMs(year, p.month, p.day)).getUTCDay();
  return { year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, weekday };
}

/**
 * The instant when the wall clock in tz shows `parts`. Out-of-range fields roll over like
 * Date.UTC (day 32 is the 1st of the next month). A time skipped by a DST jump is read with the
 * offset from before the jump, which lands after it at the later offset (02:30 → 03:30 EDT); a
 * repeated time gives its first occurrence.
 */
export function zonedTimeToUtc(parts: WallTime, tz: string): Date {
  const { year, month, day, hour = 0, minute = 0, second = 0 } = parts;
  for (const v of [year, month, day, hour, minute, second]) {
    if (!Number.isInteger(v)) throw new RangeError(`zonedTimeToUtc: not an integer: ${v}`);
  }
  const local = wallMs(year, month, day, hour, minute, second);
  // A zone changes offset at most once within a day of any wall time, so the offsets a day either
  // side are the only candidates.
  const before = offsetMs(local - DAY_MS, tz);
  const after = offsetMs(local + DAY_MS, tz);
  const fits = [local - before, local - after].filter((t) => offsetMs(t, tz) === local - t);
  return new Date(fits.length > 0 ? Math.min(...fits) : local - before);
}

/** Midnight (or the first instant, where a DST jump skips midnight) of instant's local day. */
export function startOfDay(instant: Date, tz: string): Date {
  const { year, month, day } = zonedParts(instant, tz);
  return zonedTimeToUtc({ year, month, day }, tz);
}

/** The same wall-clock time `days` local days later (days may be negative); DST-safe. */
export function addDays(instant: Date, days: number, tz: string): Date {
  if (!Number.isInteger(days)) throw new RangeError(`addDays: not an integer: ${days}`);
  // Adding nothing must not move the second occurrence of a repeated time to the first.
  if (days === 0) return new Date(instant.getTime());
  const p = zonedParts(instant, tz);
  const moved = zonedTimeToUtc({ ...p, day: p.day + days }, tz);
  return new Date(moved.getTime() + mod(instant.getTime(), 1000));
}

/** `20261122`: the local date, as used in store codes. */
export function dayKey(instant: Date, tz: string): string {
  const p = zonedParts(instant, tz);
  return `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}`;
}

/** `2026-11-22` */
export function formatDate(instant: Date, tz: string): string {
  const p = zonedParts(instant, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** `2026-11-22 14:05` */
export function formatDateTime(instant: Date, tz: string): string {
  const p = zonedParts(instant, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** `14:05` */
export function formatTime(instant: Date, tz: string): string {
  const p = zonedParts(instant, tz);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** The offset of `tz` from UTC at `instant`, in minutes (480 for Shanghai). */
export function offsetMinutes(instant: Date, tz: string): number {
  return Math.round(offsetMs(instant.getTime(), tz) / 60_000);
}

// ---------------------------------------------------------------------------------------------

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const mod = (n: number, m: number) => ((n % m) + m) % m;

/** A wall time as milliseconds since the epoch, as if it were UTC. */
function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** How far tz's wall clock is ahead of UTC at the instant `ms` (to the second). */
function offsetMs(ms: number, tz: string): number {
  const p = zonedParts(new Date(ms), tz);
  return wallMs(p.year, p.month, p.day, p.hour, p.minute, p.second) - (ms - mod(ms, 1000));
}
