import type { MessageParams } from '../../domain/errors.ts';
import { translator, type Bundle, type KeyOf } from '../../i18n/bundle.ts';
import type { MessageKey } from '../../i18n/en.ts';
import type { Reader } from '../../i18n/index.ts';
import { jobWords } from '../../i18n/jobs.ts';
import { accessText } from './access.ts';
import { auditText } from './audit.ts';
import { awayText } from './away.ts';
import { consoleText } from './console.ts';
import { jobsText } from './jobs.ts';
import { ordersText } from './orders.ts';
import { orgText } from './org.ts';
import { peopleText } from './people.ts';
import { queueText } from './queue.ts';
import { regionsText } from './regions.ts';
import { settingsText } from './settings.ts';
import { storesText } from './stores.ts';
import { wizardText } from './wizard.ts';

const areas = {
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
  jobs: jobsText,
  jobWords,
  away: awayText,
};

/** One bundle per console area, each complete in both languages (test/unit/web/i18n/catalogs.test.ts checks the placeholders). */
export const bundles: Record<string, Bundle> = areas;

/** A key of the console's text, or of a domain message. */
export type ConsoleKey = KeyOf<typeof areas> | MessageKey;

/** The console's text: its own catalogs first, then the domain's (error messages). A key no catalog has does not compile. */
export const t = translator(areas);

/** Every dotted start of a key: `stores.` and `stores.status.` for `stores.status.active`. */
type Prefixes<K extends string, Head extends string = ''> = K extends `${infer First}.${infer Rest}` ? `${Head}${First}.` | Prefixes<Rest, `${Head}${First}.`> : never;
export type ConsoleKeyPrefix = Prefixes<KeyOf<typeof areas>>;

/**
 * The word for a code read from the database or a request (a status, a role, an action): `prefix` is
 * checked by the compiler, the code at run time; a code without a word shows as its key, as any
 * missing text does. A code whose type lists its values is better given to `t` whole.
 */
export function tCode(reader: Reader, prefix: ConsoleKeyPrefix, code: string, params: MessageParams = {}): string {
  return t(reader, `${prefix}${code}` as ConsoleKey, params);
}

/** A domain message (an error or one of its issues), whose key is known only at run time. */
export function tMessage(reader: Reader, m: { key: string; params?: MessageParams }): string {
  return t(reader, m.key as MessageKey, m.params ?? {});
}
