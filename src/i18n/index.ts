import type { DomainError, Issue, MessageParams } from '../domain/errors.ts';
import { formatDateTime } from '../domain/time/zone.ts';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type Locale = 'en' | 'zh-CN';
export const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** Slack's and browsers' locale strings (`zh-CN`, `zh_CN`, `zh-TW`, `en-US`) → a catalog we have. */
export function toLocale(raw: string | null | undefined): Locale {
  return raw && /^zh/i.test(raw) ? 'zh-CN' : 'en';
}

export interface Reader {
  locale: Locale;
  timezone: string;
}

export function t(reader: Reader, key: string, params: MessageParams = {}): string {
  const template = (catalogs[reader.locale] as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? key;
  return fill(reader, template, params);
}

/** Replaces `{name}` by its parameter; dates in the reader's time zone, missing values as "—". */
export function fill(reader: Reader, template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
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
