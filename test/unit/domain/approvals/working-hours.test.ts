import { describe, expect, it } from 'vitest';
import { HOUR_MS, workingClock, workingMsBetween } from '../../../../src/domain/approvals/working-hours.ts';

// Working hours: a working day counts whole (midnight to midnight, local), any other day nothing.
const MON_FRI = [1, 2, 3, 4, 5];
const hours = (from: string, to: string, tz = 'Asia/Shanghai', days = MON_FRI) => workingMsBetween(new Date(from), new Date(to), days, tz) / HOUR_MS;

describe('working hours of the company calendar', () => {
  it('counts working days whole and weekends not at all (Shanghai)', () => {
    // Friday 10:00 → Monday 10:00: 14 h of Friday, 10 h of Monday.
    expect(hours('2026-11-27T10:00+08:00', '2026-11-30T10:00+08:00')).toBe(24);
    // Saturday and Sunday alone: nothing.
    expect(hours('2026-11-28T00:00+08:00', '2026-11-30T00:00+08:00')).toBe(0);
    // A whole week: five days.
    expect(hours('2026-11-23T00:00+08:00', '2026-11-30T00:00+08:00')).toBe(120);
    // Backwards or equal: nothing.
    expect(hours('2026-11-30T00:00+08:00', '2026-11-23T00:00+08:00')).toBe(0);
  });

  it('takes the working days and zone from the settings', () => {
    expect(hours('2026-11-28T00:00+08:00', '2026-11-30T00:00+08:00', 'Asia/Shanghai', [6, 7])).toBe(48);
    // Friday 20:00 in New York is Saturday in Shanghai: counted by New York's calendar.
    expect(hours('2026-11-27T20:00-05:00', '2026-11-28T00:00-05:00', 'America/New_York')).toBe(4);
  });

  it('a working day across a DST change counts its real length (New York, 2026-03-09 is a Monday after the jump)', () => {
    // Saturday to Tuesday: Sunday 8 March 2026 (23 hours long) is not a working day; Monday counts 24.
    expect(hours('2026-03-07T00:00-05:00', '2026-03-10T00:00-04:00', 'America/New_York')).toBe(24);
    // With every day working, the short Sunday counts 23.
    expect(hours('2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00', 'America/New_York', [1, 2, 3, 4, 5, 6, 7])).toBe(23);
  });

  it('one clock answers many pairs the same as one at a time', () => {
    const clock = workingClock(MON_FRI, 'Asia/Shanghai', new Date('2026-11-01T00:00Z'), new Date('2026-12-31T00:00Z'));
    for (const [a, b] of [['2026-11-02T03:00Z', '2026-11-20T11:00Z'], ['2026-11-27T02:00Z', '2026-12-01T02:00Z'], ['2026-12-05T00:00Z', '2026-12-06T00:00Z']] as const) {
      expect(clock.between(new Date(a), new Date(b))).toBe(workingMsBetween(new Date(a), new Date(b), MON_FRI, 'Asia/Shanghai'));
    }
  });
});
