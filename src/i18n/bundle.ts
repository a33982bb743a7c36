import type { MessageParams } from '../domain/errors.ts';
import type { MessageKey } from './en.ts';
import { fill, t as domainText, type Locale, type Reader } from './index.ts';

// The adapters' text (the Slack app's features, the console's areas) in bundles, one per area, each
// complete in English and Chinese. An adapter merges its bundles into one `t` whose keys are known
// to the compiler: a key that no bundle (and no domain message) has is a compile error, not a line
// that shows its key.

/** One area's text in both languages; `K` is its keys. */
export interface Bundle<K extends string = string> {
  en: Record<K, string>;
  'zh-CN': Record<K, string>;
}

/**
 * A bundle whose keys are the English ones: a Chinese text missing, or one the English does not have,
 * is a compile error (the tests check the placeholders).
 */
export function bundle<const K extends string>(b: { en: Record<K, string>; 'zh-CN': NoInfer<Record<K, string>> }): Bundle<K> {
  return b;
}

/** The keys of a set of bundles. */
export type KeyOf<B extends Record<string, Bundle>> = { [N in keyof B]: B[N] extends Bundle<infer K> ? K : never }[keyof B];

/** An adapter's text function: its bundles' keys, or a domain message's. */
export type Translate<K extends string> = (reader: Reader, key: K | MessageKey, params?: MessageParams) => string;

/**
 * `t` over a set of bundles: the reader's language, else English, else the domain's catalog (error
 * messages). `{name}` is filled as the domain's messages are (dates in the reader's time zone).
 */
export function translator<B extends Record<string, Bundle>>(bundles: B): Translate<KeyOf<B>> {
  let merged: Record<Locale, Record<string, string>> | null = null;
  const catalogs = () => {
    if (merged) return merged;
    merged = { en: {}, 'zh-CN': {} };
    for (const b of Object.values(bundles)) {
      Object.assign(merged.en, b.en);
      Object.assign(merged['zh-CN'], b['zh-CN']);
    }
    return merged;
  };
  return (reader, key, params = {}) => {
    const c = catalogs();
    const template = c[reader.locale][key] ?? c.en[key];
    return template === undefined ? domainText(reader, key, params) : fill(reader, template, params);
  };
}
