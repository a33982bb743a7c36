import type { DomainError } from '../../domain/errors.ts';
import { translator, type Bundle, type KeyOf } from '../../i18n/bundle.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { describeIssue, t as domainText, type Reader } from '../../i18n/index.ts';
import { approvals } from './approvals.ts';
import { claim } from './claim.ts';
import { common } from './common.ts';
import { home } from './home.ts';
import { notices } from './notices.ts';
import { opp } from './opp.ts';
import { reminders } from './reminders.ts';
import { requests } from './requests.ts';
import { scheduled } from './scheduled.ts';
import { store } from './store.ts';
import { visit } from './visit.ts';

const features = { common, visit, claim, store, opp, home, requests, approvals, notices, scheduled, reminders };

/** One bundle per feature, each complete in both languages (the tests check their placeholders). */
export const bundles: Record<string, Bundle> = features;

/** A key of the bot's text, or of a domain message. */
export type BotKey = KeyOf<typeof features> | MessageKey;

/** The bot's text: its own catalogs first, then the domain's (error messages). A key no catalog has does not compile. */
export const t = translator(features);

/** Every dotted start of a key: `opp.` and `opp.stage.` for `opp.stage.won`. */
type Prefixes<K extends string, Head extends string = ''> = K extends `${infer First}.${infer Rest}` ? `${Head}${First}.` | Prefixes<Rest, `${Head}${First}.`> : never;
type KeyPrefix = Prefixes<BotKey>;

/**
 * The word for a code read from the database (a stage, a status, a visit method): `prefix` is checked
 * by the compiler, the code at run time; a code without a word shows as its key, as any missing text
 * does. A code whose type lists its values is better given to `t` whole (`t(r, \`appr.flow.${flow}\`)`).
 */
export function tCode(reader: Reader, prefix: KeyPrefix, code: string): string {
  return t(reader, `${prefix}${code}` as BotKey);
}

/** A domain error for a message: its sentence, then each issue on its own line. */
export function errorText(reader: Reader, e: Pick<DomainError, 'key' | 'params' | 'issues'>): string {
  const head = domainText(reader, e.key, e.params);
  return e.issues.length ? [head, ...e.issues.map((i) => `• ${describeIssue(reader, i)}`)].join('\n') : head;
}
