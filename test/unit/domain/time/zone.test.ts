import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayKey,
  formatDate,
  formatDateTime,
  isValidTimeZone,
  startOfDay,
  zonedParts,
  zonedTimeToUtc,
} from '../../../../src/domain/time/zone.ts';

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const UTC = 'UTC';
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London', 'asia/shanghai', 'Etc/GMT-8'])(
    'accepts %s',
    (tz) => expect(isValidTimeZone(tz)).toBe(true),
  );

  it.each(['', 'Mars/Olympus', 'Asia/Beijing', 'GMT+25', 'not a zone'])('rejects %j', (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });

  it('rejects non-strings at run time', () => {
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
    expect(isValidTimeZone(8 as unknown as string)).toBe(false);
  });
});

describe('zonedParts', () => {
  it('gives the Shanghai wall clock (UTC+8)', () => {
    expect(zonedParts(at('2026-11-22T06:05:09Z'), SH)).toEqual({
      year: 2026,
      month: 11,
      day: 22,
      hour: 14,
      minute: 5,
      second: 9,
      weekday: 0,
    });
  });

  it('rolls over to the next day, month and year', () => {
    expect(zonedParts(at('2026-12-31T16:00:00Z'), SH)).toMatchObject({ year: 2027, month: 1, day: 1, hour: 0, weekday: 5 });
    expect(zonedParts(at('2026-12-31T15:59:59Z'), SH)).toMatchObject({ year: 2026, month: 12, day: 31, hour: 23 });
  });

  it('uses hours 0-23, never 24', () => {
    expect(zonedParts(at('2026-06-01T00:00:00Z'), UTC)).toMatchObject({ hour: 0, minute: 0, second: 0 });
  });

  it('follows New York across both DST switches', () => {
    expect(zonedParts(at('2026-03-08T06:59:59Z'), NY)).toMatchObject({ day: 8, hour: 1, minute: 59, second: 59 });
    expect(zonedParts(at('2026-03-08T07:00:00Z'), NY)).toMatchObject({ day: 8, hour: 3, minute: 0 });
    expect(zonedParts(at('2026-11-01T05:30:00Z'), NY)).toMatchObject({ day: 1, hour: 1, minute: 30 });
    expect(zonedParts(at('2026-11-01T06:30:00Z'), NY)).toMatchObject({ day: 1, hour: 1, minute: 30 });
  });

  it('gives weekdays with 0 = Sunday', () => {
    const days = [0, 1, 2, 3, 4, 5, 6].map((d) => zonedParts(at(`2026-11-${22 + d}T12:00:00Z`), UTC).weekday);
    expect(days).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Sunday evening in New York is already Monday in Shanghai.
    expect(zonedParts(at('2026-11-23T01:00:00Z'), NY).weekday).toBe(0);
    expect(zonedParts(at('2026-11-23T01:00:00Z'), SH).weekday).toBe(1);
  });

  it('throws RangeError for an unknown zone or an invalid date', () => {
    expect(() => zonedParts(new Date(), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => zonedParts(new Date(Number.NaN), UTC)).toThrow(RangeError);
  });
});

describe('zonedTimeToUtc', () => {
  it('converts a Shanghai wall time', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 11, day: 22, hour: 14, minute: 5 }, SH))).toBe('2026-11-22T06:05:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 1, day: 1 }, SH))).toBe('2025-12-31T16:00:00.000Z');
  });

  it('converts a UTC wall time', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 2, day: 28, hour: 23, minute: 59, second: 59 }, UTC))).toBe(
      '2026-02-28T23:59:59.000Z',
    );
  });

  it('uses standard and daylight time in New York', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 1, day: 15, hour: 9 }, NY))).toBe('2026-01-15T14:00:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 7, day: 15, hour: 9 }, NY))).toBe('2026-07-15T13:00:00.000Z');
  });

  it('handles the hours around the spring-forward jump', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 8, hour: 1, minute: 59 }, NY))).toBe('2026-03-08T06:59:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 8, hour: 3 }, NY))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('moves a skipped time forward to the later offset (02:30 → 03:30 EDT)', () => {
    const t = zonedTimeToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, NY);
    expect(iso(t)).toBe('2026-03-08T07:30:00.000Z');
    expect(formatDateTime(t, NY)).toBe('2026-03-08 03:30');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 8, hour: 2 }, NY))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('gives the first occurrence of a repeated time (01:30 EDT, not EST)', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, NY))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 11, day: 1, hour: 1 }, NY))).toBe('2026-11-01T05:00:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 11, day: 1, hour: 0, minute: 59 }, NY))).toBe('2026-11-01T04:59:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 11, day: 1, hour: 2 }, NY))).toBe('2026-11-01T07:00:00.000Z');
  });

  it('round-trips every hour of a DST day', () => {
    for (let h = 0; h < 48; h++) {
      const instant = new Date(Date.UTC(2026, 9, 31, 12) + h * 3_600_000);
      const p = zonedParts(instant, NY);
      const back = zonedTimeToUtc(p, NY);
      // Only the repeated 01:xx hour maps back to its first occurrence.
      if (p.month === 11 && p.day === 1 && p.hour === 1) expect(iso(back)).toBe('2026-11-01T05:00:00.000Z');
      else expect(iso(back)).toBe(iso(instant));
    }
  });

  it('rolls over out-of-range fields like Date.UTC', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 1, day: 32 }, UTC))).toBe('2026-02-01T00:00:00.000Z');
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 0, hour: 24 }, UTC))).toBe('2026-03-01T00:00:00.000Z');
  });

  it('handles years below 100 literally', () => {
    expect(zonedTimeToUtc({ year: 50, month: 1, day: 1 }, UTC).getUTCFullYear()).toBe(50);
  });

  it('rejects non-integer fields', () => {
    expect(() => zonedTimeToUtc({ year: 2026, month: 1.5, day: 1 }, UTC)).toThrow(RangeError);
    expect(() => zonedTimeToUtc({ year: 2026, month: 1, day: Number.NaN }, UTC)).toThrow(RangeError);
  });
});

describe('startOfDay', () => {
  it('is local midnight in Shanghai', () => {
    expect(iso(startOfDay(at('2026-11-22T06:05:00Z'), SH))).toBe('2026-11-21T16:00:00.000Z');
    // 23:30 UTC is already the next day in Shanghai.
    expect(iso(startOfDay(at('2026-11-22T23:30:00Z'), SH))).toBe('2026-11-22T16:00:00.000Z');
  });

  it('is midnight in UTC', () => {
    expect(iso(startOfDay(at('2026-11-22T23:59:59.999Z'), UTC))).toBe('2026-11-22T00:00:00.000Z');
    expect(iso(startOfDay(at('2026-11-22T00:00:00Z'), UTC))).toBe('2026-11-22T00:00:00.000Z');
  });

  it('is midnight in New York on both DST days', () => {
    expect(iso(startOfDay(at('2026-03-08T20:00:00Z'), NY))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfDay(at('2026-11-01T20:00:00Z'), NY))).toBe('2026-11-01T04:00:00.000Z');
    // Late evening in New York is the next day in UTC.
    expect(iso(startOfDay(at('2026-11-02T03:00:00Z'), NY))).toBe('2026-11-01T04:00:00.000Z');
  });

  it('is the first instant of the day where a DST jump skips midnight', () => {
    // Santiago springs forward from 00:00 to 01:00 on 2026-09-06.
    const start = startOfDay(at('2026-09-06T15:00:00Z'), 'America/Santiago');
    expect(formatDateTime(start, 'America/Santiago')).toBe('2026-09-06 01:00');
  });

  it('makes DST days 23 and 25 hours long', () => {
    const hours = (day: string) => {
      const from = startOfDay(at(`${day}T16:00:00Z`), NY);
      return (addDays(from, 1, NY).getTime() - from.getTime()) / 3_600_000;
    };
    expect(hours('2026-03-08')).toBe(23);
    expect(hours('2026-11-01')).toBe(25);
    expect(hours('2026-11-22')).toBe(24);
  });
});

describe('addDays', () => {
  it('adds 24 hours in Shanghai and UTC', () => {
    expect(iso(addDays(at('2026-11-22T06:05:00Z'), 1, SH))).toBe('2026-11-23T06:05:00.000Z');
    expect(iso(addDays(at('2026-11-22T06:05:00Z'), 10, UTC))).toBe('2026-12-02T06:05:00.000Z');
    expect(iso(addDays(at('2026-03-01T06:05:00Z'), -1, UTC))).toBe('2026-02-28T06:05:00.000Z');
  });

  it('keeps the wall-clock time across the spring-forward switch', () => {
    const before = zonedTimeToUtc({ year: 2026, month: 3, day: 7, hour: 9 }, NY);
    const after = addDays(before, 1, NY);
    expect(formatDateTime(after, NY)).toBe('2026-03-08 09:00');
    expect(after.getTime() - before.getTime()).toBe(23 * 3_600_000);
  });

  it('keeps the wall-clock time across the fall-back switch, and backwards', () => {
    const after = zonedTimeToUtc({ year: 2026, month: 11, day: 2, hour: 9 }, NY);
    const before = addDays(after, -2, NY);
    expect(formatDateTime(before, NY)).toBe('2026-10-31 09:00');
    expect(after.getTime() - before.getTime()).toBe(49 * 3_600_000);
  });

  it('moves a time that does not exist on the target day forward', () => {
    const t = zonedTimeToUtc({ year: 2026, month: 3, day: 7, hour: 2, minute: 30 }, NY);
    expect(formatDateTime(addDays(t, 1, NY), NY)).toBe('2026-03-08 03:30');
  });

  it('crosses months and years', () => {
    const t = zonedTimeToUtc({ year: 2026, month: 12, day: 31, hour: 18 }, SH);
    expect(formatDateTime(addDays(t, 1, SH), SH)).toBe('2027-01-01 18:00');
    expect(formatDateTime(addDays(t, 60, NY), NY)).toBe('2027-03-01 05:00');
  });

  it('keeps milliseconds', () => {
    expect(iso(addDays(at('2026-11-22T06:05:00.123Z'), 1, SH))).toBe('2026-11-23T06:05:00.123Z');
  });

  it('returns the same instant for zero days, even for a repeated time', () => {
    const secondOneThirty = at('2026-11-01T06:30:00Z'); // 01:30 EST
    expect(iso(addDays(secondOneThirty, 0, NY))).toBe(iso(secondOneThirty));
  });

  it('rejects fractional days', () => {
    expect(() => addDays(new Date(), 0.5, UTC)).toThrow(RangeError);
  });
});

describe('dayKey, formatDate and formatDateTime', () => {
  const instant = at('2026-11-22T06:05:00Z');

  it('format the local date and time', () => {
    expect(dayKey(instant, SH)).toBe('20261122');
    expect(formatDate(instant, SH)).toBe('2026-11-22');
    expect(formatDateTime(instant, SH)).toBe('2026-11-22 14:05');
    expect(formatDateTime(instant, UTC)).toBe('2026-11-22 06:05');
    expect(formatDateTime(instant, NY)).toBe('2026-11-22 01:05');
  });

  it('use the local date, which may differ from the UTC date', () => {
    const lateUtc = at('2026-11-22T17:00:00Z');
    expect(dayKey(lateUtc, SH)).toBe('20261123');
    expect(dayKey(lateUtc, UTC)).toBe('20261122');
    expect(dayKey(at('2026-11-22T03:00:00Z'), NY)).toBe('20261121');
  });

  it('pad single digits and midnight', () => {
    const t = at('2026-01-04T16:00:00Z');
    expect(dayKey(t, SH)).toBe('20260105');
    expect(formatDate(t, SH)).toBe('2026-01-05');
    expect(formatDateTime(t, SH)).toBe('2026-01-05 00:00');
  });

  it('show the repeated hour twice on the fall-back day', () => {
    expect(formatDateTime(at('2026-11-01T05:30:00Z'), NY)).toBe('2026-11-01 01:30');
    expect(formatDateTime(at('2026-11-01T06:30:00Z'), NY)).toBe('2026-11-01 01:30');
  });
});
