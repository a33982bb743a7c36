import type { DomainError, MessageParams } from '../../domain/errors.ts';
import { describeIssue, fill, t as domainText, type Locale, type Reader } from '../../i18n/index.ts';
import type { Bundle } from './bundle.ts';
import { approvals } from './approvals.ts';
import { claim } from './claim.ts';
import { common } from './common.ts';
import { home } from './home.ts';
import { notices } from './notices.ts';
import { opp } from './opp.ts';
import { requests } from './requests.ts';
import { store } from './store.ts';
import { visit } from './visit.ts';

export type { Locale, Reader };

export type { Bundle } from './bundle.ts';
export const bundles: Record<string, Bundle> = { common, visit, claim, store, opp, home, requests, approvals, notices };

const merged: Record<Locale, Record<string, string>> = { en: {}, 'zh-CN': {} };
for (const b of Object.values(bundles)) {
  Object.assign(merged.en, b.en);
  Object.assign(merged['zh-CN'], b['zh-CN']);
}

/** The bot's text: its own catalogs first, then the domain's (error messages). */
export function t(reader: Reader, key: string, params: MessageParams = {}): string {
  const template = merged[reader.locale][key] ?? merged.en[key];
  return template === undefined ? domainText(reader, key, params) : fill(reader, template, params);
}

/** A domain error for a message: its sentence, then each issue on its own line. */
export function errorText(reader: Reader, e: Pick<DomainError, 'key' | 'params' | 'issues'>): string {
  const head = domainText(reader, e.key, e.params);
  return e.issues.length ? [head, ...e.issues.map((i) => `• ${describeIssue(reader, i)}`)].join('\n') : head;
}
