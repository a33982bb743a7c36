// The company calendar: which local days are working days. Settings hold ISO weekdays
// (1 = Monday … 7 = Sunday); the day is the one the wall clock shows in the given time zone.
import { zonedParts } from './zone.ts';

/** The ISO weekday (1 = Monday … 7 = Sunday) of instant's local day in tz. */
export function isoWeekday(instant: Date, tz: string): number {
  const wd = zonedParts(instant, tz).weekday;
  return wd === 0 ? 7 : wd;
}

/** Whether instant falls on one of `workingDays` (ISO weekdays) as the wall clock in tz reads it. */
export function isWorkingDay(instant: Date, workingDays: readonly number[], tz: string): boolean {
  return workingDays.includes(isoWeekday(instant, tz));
}
