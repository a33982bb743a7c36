import type { DomainError, MessageParams } from '../../domain/errors.ts';
import { describeIssue, fill, t as domainText, type Locale, type Reader } from '../../i18n/index.ts';
import { consoleText } from './console.ts';
import { orgText } from './org.ts';
import { peopleText } from './people.ts';
import { regionsText } from './regions.ts';
import { ordersText } from './orders.ts';
import { settingsText } from './settings.ts';
import { auditText } from './audit.ts';
import { storesText } from './stores.ts';
import { accessText } from './access.ts';
import { queueText } from './queue.ts';
import { wizardText } from './wizard.ts';

export type { Locale, Reader };

/** One bundle per console area, each complete in both languages (test/unit/web-i18n.test.ts checks). */
export interface Bundle {
  en: Record<string, string>;
  'zh-CN': Record<string, string>;
}
export const bundles: Record<string, Bundle> = {
  console: consoleText,
  org: orgText,
  people: peopleText,
  regions: regionsText,
  orders: ordersText,
  settings: settingsText,
  audit: auditText,
  stores: storesText,
  access: accessText,
  queue: queueText,
  wizard: wizardText,
};

let merged: Record<Locale, Record<string, string>> | null = null;
function catalogs(): Record<Locale, Record<string, string>> {
  if (merged) return merged;
  merged = { en: {}, 'zh-CN': {} };
  for (const b of Object.values(bundles)) {
    Object.assign(merged.en, b.en);
    Object.assign(merged['zh-CN'], b['zh-CN']);
  }
  return merged;
}

/** The console's text: its own catalogs first, then the domain's (error messages). */
export function t(reader: Reader, key: string, params: MessageParams = {}): string {
  const c = catalogs();
  const template = c[reader.locale][key] ?? c.en[key];
  return template === undefined ? domainText(reader, key, params) : fill(reader, template, params);
}

export function errorLines(reader: Reader, e: DomainError): string[] {
  return [domainText(reader, e.key, e.params), ...e.issues.map((i) => describeIssue(reader, i))];
}
