// Dates typed by people ("tomorrow 10am", "下周二", "3天后") or picked in Slack's date and time pickers,
// read in the reader's time zone and language.
//
// Decisions (tested in test/unit/bot/views/visit.test.ts):
// - A date without a time: a follow-up is due at 09:00 local (the start of the working day, so it is
//   in that morning's digest); a visit is placed at 12:00 local, or at now when that is still to come
//   today (a visit cannot be in the future). "Morning / 上午" is 09:00, "noon / 中午" 12:00,
//   "afternoon / 下午" 14:00, "evening / tonight / 晚上" 19:00 when no hour is given.
// - Weeks run Monday to Sunday (ISO 8601, and how Chinese speakers count 本周 / 下周). "next Tuesday" and
//   "下周二" are the Tuesday of the week after this one; on Sunday 2026-11-22 both are 2026-11-24.
//   "下下周二" is one week later. "上周二" is the Tuesday of the week before (2026-11-10 on that Sunday),
//   but "last Tuesday" is, as English speakers use it, the latest Tuesday before today (2026-11-17).
//   "本周二" / "这周二" is the Tuesday of this week (on a Sunday: already past). A bare "Tuesday" / "周二" (and
//   English "this Tuesday") is the nearest Tuesday in the field's direction: the next one for a
//   follow-up, the latest one for a visit. "next week" / "下周" alone is next week's Monday.
// - chrono's `timezone` option must be an offset in minutes. Its Chinese parsers also compute "today",
//   "明天", "3天后" from the process's own time zone whatever the option says (measured: at 07:30 Monday in
//   Shanghai on a UTC server, "明天" gave Monday). Chinese is therefore parsed against an instant whose
//   wall clock in the process's zone is the reader's wall clock; "N小时后 / N分钟前" are counted here.
import * as chrono from 'chrono-node';
import { DAY_MS } from '../domain/clock.ts';
import { formatDate, offsetMinutes, zonedParts, zonedTimeToUtc, type WallTime } from '../domain/time/zone.ts';
import type { Reader } from '../i18n/index.ts';

type WhenKind = 'visit' | 'followUp';

export const FOLLOW_UP_DEFAULT_TIME = { hour: 9, minute: 0 } as const;
const VISIT_DEFAULT_TIME = { hour: 12, minute: 0 } as const;
/** Longer texts are not dates; they are refused before chrono reads them. */
const MAX_WHEN_TEXT = 100;

type Lang = 'en' | 'zh';
type Day = { year: number; month: number; day: number };
type Time = { hour: number; minute: number };


/**
 * Reads a date and time typed in English or Chinese (the reader's language first), relative to
 * `now` in the reader's time zone. `kind` says which way ambiguous texts lean: a follow-up is in the
 * future, a visit in the past. Null when the text is not a date and time (or has words left over).
 */
export function parseWhen(text: string, reader: Reader, now: Date, kind: WhenKind = 'followUp'): Date | null {
  const s = normalize(text);
  if (!s || Array.from(s).length > MAX_WHEN_TEXT) return null;
  if (/^(now|right now|just now|现在|刚才|刚刚|此刻)$/i.test(s)) return new Date(now.getTime());
  const relative = chineseRelative(s, now);
  if (relative) return relative;
  const langs: Lang[] = reader.locale === 'zh-CN' ? ['zh', 'en'] : ['en', 'zh'];
  // A weekday with the week rules below; when the rest is more than a time ("Tuesday, Dec 1"), chrono reads it all.
  const weekday = weekdayPhrase(s, reader, now, kind, langs);
  if (weekday) return weekday;
  for (const lang of langs) {
    const found = parseWith(lang, s, reader, now, kind);
    if (found) return found;
  }
  return null;
}

/**
 * Slack's date picker (`YYYY-MM-DD`) and time picker (`HH:mm`), in the reader's time zone. A date
 * alone takes the kind's default time; a time alone is today. Undefined when nothing was picked,
 * null when a value is malformed.
 */
export function pickedWhen(date: string | null | undefined, time: string | null | undefined, reader: Reader, now: Date, kind: WhenKind): Date | null | undefined {
  if (!date && !time) return undefined;
  const d = date ? pickedDay(date) : null;
  const tm = time ? pickedTime(time) : null;
  if ((date && !d) || (time && !tm)) return null;
  const today = zonedParts(now, reader.timezone);
  const day: Day = d ?? { year: today.year, month: today.month, day: today.day };
  return tm ? zonedTimeToUtc({ ...day, ...tm }, reader.timezone) : atDefaultTime(day, reader, now, kind);
}

/**
 * Both pickers together (a modal that needs a day and a time): the instant in `tz`; null when either
 * is missing or malformed, or the day does not exist (2026-02-30).
 */
export function pickedInstant(date: string | null | undefined, time: string | null | undefined, tz: string): Date | null {
  const d = date ? pickedDay(date) : null;
  const tm = time ? pickedTime(time) : null;
  if (!d || !tm) return null;
  const at = zonedTimeToUtc({ ...d, ...tm }, tz);
  return formatDate(at, tz) === date ? at : null;
}

/** A date picker's `YYYY-MM-DD`; null when malformed. */
function pickedDay(date: string): Day | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!d) return null;
  const day = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]) };
  return day.month < 1 || day.month > 12 || day.day < 1 || day.day > 31 ? null : day;
}

/** A time picker's `HH:mm`; null when malformed. */
function pickedTime(time: string): Time | null {
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!tm) return null;
  const t = { hour: Number(tm[1]), minute: Number(tm[2]) };
  return t.hour > 23 || t.minute > 59 ? null : t;
}

type WhenField = { kind: 'empty' } | { kind: 'ok'; date: Date } | { kind: 'unreadable'; text: string };

/**
 * One "when" field of a form: the typed text if any, else the pickers. Both empty is `empty` (the
 * caller's default: now for a visit, none for a follow-up).
 */
export function readWhenField(
  input: { text?: string | null; date?: string | null; time?: string | null },
  reader: Reader,
  now: Date,
  kind: WhenKind,
): WhenField {
  const text = (input.text ?? '').trim();
  if (text) {
    const date = parseWhen(text, reader, now, kind);
    return date ? { kind: 'ok', date } : { kind: 'unreadable', text };
  }
  const picked = pickedWhen(input.date, input.time, reader, now, kind);
  if (picked === undefined) return { kind: 'empty' };
  return picked ? { kind: 'ok', date: picked } : { kind: 'unreadable', text: [input.date, input.time].filter(Boolean).join(' ') };
}

// ---------------------------------------------------------------------------------------------

/** Full-width digits and punctuation to ASCII (NFKC), spaces collapsed. */
function normalize(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** What may be left around a date: spaces, punctuation, and words that add nothing ("at", "在"). */
function onlyFiller(rest: string): boolean {
  return (
    rest
      .replace(/\b(at|on|by|around|about|approx|approximately)\b/gi, ' ')
      .replace(/(在|于|的|左右|大概|大约|约)/g, ' ')
      .replace(/[\s,.:;!?~'"()@、，。：；！？（）“”‘’-]+/g, '') === ''
  );
}

const addDays = (d: Day, n: number): Day => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};

/** The kind's time on a day without one (see the header). */
function atDefaultTime(day: Day, reader: Reader, now: Date, kind: WhenKind): Date {
  if (kind === 'followUp') return zonedTimeToUtc({ ...day, ...FOLLOW_UP_DEFAULT_TIME }, reader.timezone);
  const midday = zonedTimeToUtc({ ...day, ...VISIT_DEFAULT_TIME }, reader.timezone);
  const today = zonedParts(now, reader.timezone);
  const isToday = today.year === day.year && today.month === day.month && today.day === day.day;
  return isToday && midday > now ? new Date(now.getTime()) : midday;
}

function partOfDay(s: string): Time | null {
  if (/(morning|上午|早上|早晨|清早|明早|今早)/i.test(s)) return { hour: 9, minute: 0 };
  if (/(noon|midday|lunch|中午|午饭)/i.test(s)) return { hour: 12, minute: 0 };
  if (/(afternoon|下午)/i.test(s)) return { hour: 14, minute: 0 };
  if (/(evening|tonight|night|晚上|今晚|明晚|傍晚|夜里)/i.test(s)) return { hour: 19, minute: 0 };
  return null;
}

const parsers: Record<Lang, chrono.Chrono> = { en: chrono.casual, zh: chrono.zh.hans.casual };

/**
 * What chrono is given: English honours the `timezone` offset; the Chinese parsers read the
 * instant in the process's zone, so they get an instant whose process-local wall clock is the
 * reader's (and that zone's offset, so that both agree).
 */
function referenceFor(lang: Lang, reader: Reader, now: Date): chrono.ParsingReference {
  if (lang === 'en') return { instant: now, timezone: offsetMinutes(now, reader.timezone) };
  const p = zonedParts(now, reader.timezone);
  const shifted = new Date(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, now.getTime() % 1000);
  return { instant: shifted, timezone: -shifted.getTimezoneOffset() };
}

function parseWith(lang: Lang, s: string, reader: Reader, now: Date, kind: WhenKind): Date | null {
  const results = parsers[lang].parse(s, referenceFor(lang, reader, now), { forwardDate: kind === 'followUp' });
  const r = results[0];
  if (!r || results.length > 1) return null;
  if (!onlyFiller(s.slice(0, r.index) + ' ' + s.slice(r.index + r.text.length))) return null;
  const c = r.start;
  // An explicit zone ("10am UTC") or an exact offset from now ("in 2 hours"): chrono's instant is right.
  if (lang === 'en' && c.isCertain('timezoneOffset')) return c.date();
  const day: Day = { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! };
  const hasTime = c.isCertain('hour') || c.isCertain('minute');
  if (hasTime) return zonedTimeToUtc({ ...day, hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 } satisfies WallTime, reader.timezone);
  const part = partOfDay(s);
  if (part) return zonedTimeToUtc({ ...day, ...part }, reader.timezone);
  return atDefaultTime(day, reader, now, kind);
}

/** A time of day alone ("10am", "下午3点", "at 15:30"), or null. */
function timeOnly(s: string, langs: Lang[], reader: Reader, now: Date): Time | null {
  const part = partOfDay(s);
  for (const lang of langs) {
    const results = parsers[lang].parse(s, referenceFor(lang, reader, now));
    const r = results[0];
    if (!r || results.length > 1) continue;
    if (!onlyFiller(s.slice(0, r.index) + ' ' + s.slice(r.index + r.text.length))) continue;
    const c = r.start;
    if (c.isCertain('day') || c.isCertain('weekday') || c.isCertain('month') || c.isCertain('timezoneOffset')) continue;
    if (c.isCertain('hour')) return { hour: c.get('hour')!, minute: c.get('minute') ?? 0 };
  }
  return part && onlyFiller(s.replace(/(morning|noon|midday|lunch|afternoon|evening|tonight|night|上午|早上|早晨|中午|午饭|下午|晚上|傍晚|夜里)/gi, '')) ? part : null;
}

const enWeekdays: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const zhWeekdays: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const EN_WEEKDAY = /\b(?:(next|last|this|coming)\s+)?(mon(?:day)?|tue(?:s|sday)?|wed(?:s|nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b\.?(\s+next\s+week\b)?/i;
const ZH_WEEKDAY = /(下下|上上|下|上|本|这|這)?(?:个|個)?(?:周|週|星期|礼拜|禮拜)([一二三四五六日天七1-7])/;
const EN_NEXT_WEEK = /\bnext\s+week\b/i;
const ZH_NEXT_WEEK = /(下下|下)(?:个|個)?(?:周|週|星期|礼拜|禮拜)(?![一二三四五六日天七1-7])/;

/**
 * Days named by their weekday (or "next week"), with the week rules of the header; null when the
 * text names none, or the rest of it is not a time of day.
 */
function weekdayPhrase(s: string, reader: Reader, now: Date, kind: WhenKind, langs: Lang[]): Date | null {
  const today = zonedParts(now, reader.timezone);
  const todayDay: Day = { year: today.year, month: today.month, day: today.day };
  const isoToday = today.weekday === 0 ? 7 : today.weekday;
  const monday = addDays(todayDay, 1 - isoToday);

  let match: RegExpExecArray | null;
  let fixed: Day | null = null; // the day, when the phrase names exactly one
  let weekday = 0; // 1 = Monday … 7 = Sunday, for the nearest one in the field's direction
  if ((match = ZH_WEEKDAY.exec(s))) {
    const wd = zhWeekdays[match[2]!]!;
    const week = { 下下: 2, 下: 1, 上: -1, 上上: -2, 本: 0, 这: 0, 這: 0 }[match[1] ?? ''];
    if (week === undefined) weekday = wd;
    else fixed = addDays(monday, week * 7 + wd - 1);
  } else if ((match = EN_WEEKDAY.exec(s))) {
    const wd = enWeekdays[match[2]!.slice(0, 3).toLowerCase()]!;
    const mod = match[3] ? 'next' : match[1]?.toLowerCase();
    if (mod === 'next') fixed = addDays(monday, 7 + wd - 1);
    else if (mod === 'last') fixed = addDays(todayDay, -((isoToday - wd + 6) % 7) - 1);
    else weekday = wd;
  } else if ((match = ZH_NEXT_WEEK.exec(s))) {
    fixed = addDays(monday, match[1] === '下下' ? 14 : 7);
  } else if ((match = EN_NEXT_WEEK.exec(s))) {
    fixed = addDays(monday, 7);
  } else {
    return null;
  }

  const rest = (s.slice(0, match.index) + ' ' + s.slice(match.index + match[0].length)).trim();
  let time: Time | null = null;
  if (!onlyFiller(rest)) {
    time = timeOnly(rest, langs, reader, now);
    if (!time) return null;
  }
  const at = (day: Day) => (time ? zonedTimeToUtc({ ...day, ...time }, reader.timezone) : atDefaultTime(day, reader, now, kind));
  if (fixed) return at(fixed);
  // The nearest such weekday: from today forwards for a follow-up (first one still to come), from
  // today backwards for a visit (latest one not in the future).
  const step = kind === 'followUp' ? 1 : -1;
  const first = addDays(todayDay, ((weekday - isoToday) * step + 7) % 7 * step);
  const candidate = at(first);
  const fits = kind === 'followUp' ? candidate > now : candidate <= now;
  return fits ? candidate : at(addDays(first, 7 * step));
}

const zhDigits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 0–99 in Arabic or Chinese numerals ("12", "十二", "两"); null otherwise. */
function smallNumber(s: string): number | null {
  if (/^\d{1,4}$/.test(s)) return Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || !s) return null;
  if (!m[2]) return m[1] && !m[3] ? zhDigits[m[1]]! : null;
  return (m[1] ? zhDigits[m[1]]! : 1) * 10 + (m[3] ? zhDigits[m[3]]! : 0);
}

/** "2小时后", "半小时后", "30分钟前": exact offsets from now (chrono's Chinese parsers miss the day). */
function chineseRelative(s: string, now: Date): Date | null {
  const m = /^(?:过)?(半|[\d零〇一二两三四五六七八九十]+)(?:个)?(半)?(小时|钟头|分钟|分)(后|以后|之后|前|以前|之前)$/.exec(s);
  if (!m) return null;
  const n = m[1] === '半' ? 0.5 : smallNumber(m[1]!);
  if (n === null) return null;
  const amount = n + (m[2] ? 0.5 : 0);
  const unit = m[3] === '小时' || m[3] === '钟头' ? 3_600_000 : 60_000;
  const sign = m[4]!.endsWith('前') ? -1 : 1;
  return new Date(now.getTime() + sign * amount * unit);
}
