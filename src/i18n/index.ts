import type { DomainError, Issue, MessageParams } from '../domain/errors.ts';
import { formatDateTime } from '../domain/time/zone.ts';
import { en, type MessageKey } from './en.ts';
import { type Locale } from './locale.ts';
import { zhCN } from './zh-CN.ts';

export { fromAcceptLanguage, locales, matchLocale, toLocale, type Locale } from './locale.ts';
export const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export interface Reader {
  locale: Locale;
  timezone: string;
}

export function t(reader: Reader, key: string, params: MessageParams = {}): string {
  const template = (catalogs[reader.locale] as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? key;
  return fill(reader, template, params);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
function pluralOf(locale: Locale, n: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(n);
}

/**
 * The word form for a count: `{n:day|days}` reads `day` when the reader's language calls `n` "one"
 * (Intl.PluralRules: 1 in English) and `days` otherwise. The count itself is its own placeholder
 * (`{n} {n:day|days} left`), so that a Chinese text without forms (`还剩 {n} 天`) has the same holes.
 */
function pluralForm(locale: Locale, value: unknown, forms: string): string {
  const list = forms.split('|');
  const n = typeof value === 'number' ? value : Number(value);
  if (list.length > 1 && Number.isFinite(n) && pluralOf(locale, n) === 'one') return list[0]!;
  return list[list.length - 1]!;
}

/** The names of a template's placeholders, plural forms included (`{n:day|days}` names `n`). */
export const placeholderNames = (template: string): string[] => [...template.matchAll(/\{(\w+)(?::[^{}]*)?\}/g)].map((m) => m[1]!);

/**
 * Replaces `{name}` by its parameter (dates in the reader's time zone, missing values as "—") and
 * `{name:one|other}` by the plural form for it.
 */
export function fill(reader: Reader, template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)(?::([^{}]*))?\}/g, (_, name: string, forms: string | undefined) => {
    const v = params[name];
    // A placeholder passed on as the value (`{ count: '{count}' }`, a template for the browser to
    // fill) keeps its plural forms for the browser to choose.
    if (forms !== undefined) return typeof v === 'string' && v === `{${name}}` ? `{${name}:${forms}}` : pluralForm(reader.locale, v, forms);
    if (v instanceof Date) return formatDateTime(v, reader.timezone);
    if (v === null || v === undefined) return '—';
    return String(v);
  });
}

export const describeIssue = (reader: Reader, i: Issue): string => `${i.path}: ${t(reader, i.key, i.params)}`;

/** The message for a domain error, followed by its issues one per line. */
export function describeError(reader: Reader, e: DomainError): string {
  const head = t(reader, e.key, e.params);
  return e.issues.length ? [head, ...e.issues.map((i) => `  ${describeIssue(reader, i)}`)].join('\n') : head;
}
