import type { Reader } from '../../i18n/index.ts';
import { t, type BotKey } from '../i18n/index.ts';

// How long something has waited or been overdue, in the reader's words with real plurals ("1 day",
// "2 days", "2 天").

const pluralRules = new Map<string, Intl.PluralRules>();

/** The plural category a count takes in the reader's language: `one` or `other` (all our catalogs need). */
export function pluralOf(reader: Reader, count: number): 'one' | 'other' {
  let rules = pluralRules.get(reader.locale);
  if (!rules) {
    rules = new Intl.PluralRules(reader.locale);
    pluralRules.set(reader.locale, rules);
  }
  return rules.select(count) === 'one' ? 'one' : 'other';
}

/** `key_one` or `key_other` for this count, filled with `count` and the other parameters. */
export function plural(reader: Reader, key: string, count: number, params: Record<string, string | number> = {}): string {
  return t(reader, `${key}_${pluralOf(reader, count)}` as BotKey, { ...params, count });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "25 min", "4 h", "3 days": minutes under an hour, hours under a day, then days; whole units rounded down, at least a minute. */
export function duration(reader: Reader, ms: number): string {
  if (ms < HOUR) return plural(reader, 'dur.minutes', Math.max(1, Math.floor(ms / MINUTE)));
  if (ms < DAY) return plural(reader, 'dur.hours', Math.floor(ms / HOUR));
  return plural(reader, 'dur.days', Math.floor(ms / DAY));
}

/** "overdue 4 h" / "逾期 4 小时" for something due at `dueAt`, as of `now`. */
export function overdueBy(reader: Reader, dueAt: Date, now: Date): string {
  return t(reader, 'followup.overdue_by', { duration: duration(reader, now.getTime() - dueAt.getTime()) });
}
