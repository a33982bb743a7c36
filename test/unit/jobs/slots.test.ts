import { describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../../src/domain/time/calendar.ts';
import { dailyAt, everyMs, nextDailyAt, parseHhmm, slotAt } from '../../../src/jobs/slots.ts';

const at = (iso: string) => new Date(iso);
const isos = (ds: Date[]) => ds.map((d) => d.toISOString());
const NY = 'America/New_York';
const BER = 'Europe/Berlin';
const SH = 'Asia/Shanghai';

describe('dailyAt', () => {
  it('gives one instant per local day in (from, to], in the zone', () => {
    // 02:00 Shanghai is 18:00 UTC the day before.
    expect(isos(dailyAt('02:00', SH, at('2026-11-22T02:00:00Z'), at('2026-11-25T02:00:00Z')))).toEqual([
      '2026-11-22T18:00:00.000Z',
      '2026-11-23T18:00:00.000Z',
      '2026-11-24T18:00:00.000Z',
    ]);
  });

  it('excludes from and includes to', () => {
    const from = at('2026-11-22T18:00:00Z');
    expect(isos(dailyAt('02:00', SH, from, at('2026-11-23T18:00:00Z')))).toEqual(['2026-11-23T18:00:00.000Z']);
    expect(dailyAt('02:00', SH, from, from)).toEqual([]);
    expect(dailyAt('02:00', SH, at('2026-11-23T18:00:00Z'), from)).toEqual([]);
  });

  it('keeps to the given weekdays of the local day', () => {
    // 2026-11-27 is a Friday, 28 Saturday, 29 Sunday, 30 Monday (in Shanghai at 08:30).
    const slots = dailyAt('08:30', SH, at('2026-11-26T12:00:00Z'), at('2026-11-30T12:00:00Z'), { days: [1, 2, 3, 4, 5] });
    expect(isos(slots)).toEqual(['2026-11-27T00:30:00.000Z', '2026-11-30T00:30:00.000Z']);
  });

  it('New York, spring forward: a skipped local time still gives one slot that day, just after the jump', () => {
    // 2026-03-08 02:00 EST → 03:00 EDT; 02:30 does not exist.
    const slots = dailyAt('02:30', NY, at('2026-03-06T12:00:00Z'), at('2026-03-10T00:00:00Z'));
    expect(isos(slots)).toEqual([
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:30:00.000Z', // 03:30 EDT, the 8th
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('New York, fall back: a repeated local time gives one slot, its first occurrence', () => {
    // 2026-11-01 02:00 EDT → 01:00 EST; 01:30 happens twice.
    const slots = dailyAt('01:30', NY, at('2026-10-30T12:00:00Z'), at('2026-11-03T00:00:00Z'));
    expect(isos(slots)).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, not also 06:30Z (01:30 EST)
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('Berlin, both changes: 08:30 moves with the offset, one slot a day', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
    expect(isos(dailyAt('08:30', BER, at('2026-03-28T00:00:00Z'), at('2026-03-30T23:00:00Z')))).toEqual([
      '2026-03-28T07:30:00.000Z',
      '2026-03-29T06:30:00.000Z',
      '2026-03-30T06:30:00.000Z',
    ]);
    expect(isos(dailyAt('08:30', BER, at('2026-10-24T00:00:00Z'), at('2026-10-26T23:00:00Z')))).toEqual([
      '2026-10-24T06:30:00.000Z',
      '2026-10-25T07:30:00.000Z',
      '2026-10-26T07:30:00.000Z',
    ]);
  });

  it('Berlin: the skipped 02:30 and the repeated 02:30 each give exactly one slot', () => {
    expect(dailyAt('02:30', BER, at('2026-03-29T00:00:00Z'), at('2026-03-29T23:00:00Z')).length).toBe(1);
    expect(dailyAt('02:30', BER, at('2026-10-24T23:00:00Z'), at('2026-10-25T23:00:00Z')).length).toBe(1);
  });

  it('over a year with both DST changes, every local day has exactly one slot', () => {
    for (const tz of [NY, BER]) {
      for (const time of ['01:30', '02:30', '23:59']) {
        const slots = dailyAt(time, tz, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'));
        const days = slots.map((d) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(d));
        expect(new Set(days).size, `${tz} ${time}`).toBe(slots.length);
        expect(slots.length, `${tz} ${time}`).toBeGreaterThanOrEqual(364);
        expect(slots.length, `${tz} ${time}`).toBeLessThanOrEqual(366);
      }
    }
  });

  it('refuses a malformed time and an unknown zone', () => {
    expect(() => parseHhmm('8:30')).toThrow(RangeError);
    expect(() => parseHhmm('24:00')).toThrow(RangeError);
    expect(() => dailyAt('08:30', 'Mars/Olympus', at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('nextDailyAt', () => {
  it('gives the next slot strictly after the instant', () => {
    expect(nextDailyAt('02:00', SH, at('2026-11-22T18:00:00Z'))?.toISOString()).toBe('2026-11-23T18:00:00.000Z');
    expect(nextDailyAt('02:00', SH, at('2026-11-22T17:59:00Z'))?.toISOString()).toBe('2026-11-22T18:00:00.000Z');
    // Friday evening in Shanghai: the next working-day 08:30 is Monday's.
    expect(nextDailyAt('08:30', SH, at('2026-11-27T12:00:00Z'), { days: [1, 2, 3, 4, 5] })?.toISOString()).toBe('2026-11-30T00:30:00.000Z');
  });
});

describe('everyMs and slotAt', () => {
  it('gives the grid points in (from, to]', () => {
    expect(isos(everyMs(5 * 60_000, at('2026-11-22T02:00:00Z'), at('2026-11-22T02:12:00Z')))).toEqual([
      '2026-11-22T02:05:00.000Z',
      '2026-11-22T02:10:00.000Z',
    ]);
  });

  it('keys a slot by its instant, with a suffix when given', () => {
    expect(slotAt(at('2026-11-22T18:00:00Z')).key).toBe('2026-11-22T18:00:00.000Z');
    expect(slotAt(at('2026-11-22T18:00:00Z'), 'Europe/Berlin', { tz: BER })).toEqual({
      key: '2026-11-22T18:00:00.000Z:Europe/Berlin',
      at: at('2026-11-22T18:00:00Z'),
      data: { tz: BER },
    });
  });
});

describe('isWorkingDay', () => {
  it('reads the weekday of the local day in the zone', () => {
    // 2026-11-27T20:00Z is Friday in New York and Saturday in Shanghai.
    expect(isWorkingDay(at('2026-11-27T20:00:00Z'), [1, 2, 3, 4, 5], NY)).toBe(true);
    expect(isWorkingDay(at('2026-11-27T20:00:00Z'), [1, 2, 3, 4, 5], SH)).toBe(false);
    expect(isWorkingDay(at('2026-11-29T04:00:00Z'), [7], SH)).toBe(true);
  });
});
