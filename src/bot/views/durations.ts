import type { Reader } from '../../i18n/index.ts';
import { t } from '../i18n/index.ts';

// How long something has waited or been overdue, in the reader's words ("25 min", "4 h", "1 day",
// "2 days", "2 天"; the plural forms are the catalogs', chosen with Intl.PluralRules).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Minutes under an hour, hours under a day, then days; whole units rounded down, at least a minute. */
export function duration(reader: Reader, ms: number): string {
  if (ms < HOUR) return t(reader, 'dur.minutes', { count: Math.max(1, Math.floor(ms / MINUTE)) });
  if (ms < DAY) return t(reader, 'dur.hours', { count: Math.floor(ms / HOUR) });
  return t(reader, 'dur.days', { count: Math.floor(ms / DAY) });
}

/** "overdue 4 h" / "逾期 4 小时" for something due at `dueAt`, as of `now`. */
export function overdueBy(reader: Reader, dueAt: Date, now: Date): string {
  return t(reader, 'followup.overdue_by', { duration: duration(reader, now.getTime() - dueAt.getTime()) });
}
