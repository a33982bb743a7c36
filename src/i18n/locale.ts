// Which catalog a locale tag reads: the one mapping every path uses (the org import, the console's
// people form, the Slack import and sync, a browser's Accept-Language). No imports, so that the domain
// may use it too.

export const locales = ['en', 'zh-CN'] as const;
export type Locale = (typeof locales)[number];

// A BCP 47 tag as Slack, browsers and spreadsheets write it: `en`, `en-US`, `zh_CN`, `zh-Hans-CN`.
const TAG = /^([a-z]{2,3})(?:-[a-z0-9]{1,8})*$/i;

/**
 * The catalog nearest to a locale tag, or null for a tag we have none for (`fr-FR`, `xx-YY`, junk).
 * Every Chinese tag reads the simplified catalog, for now the traditional ones too (`zh-TW`, `zh-HK`,
 * `zh-Hant`): there is no traditional catalog yet, and simplified is closer than English.
 */
export function matchLocale(raw: string | null | undefined): Locale | null {
  const tag = (raw ?? '').trim().replace(/_/g, '-');
  const m = TAG.exec(tag);
  if (!m) return null;
  const language = m[1]!.toLowerCase();
  if (language === 'en') return 'en';
  if (language === 'zh' || language === 'cmn') return 'zh-CN';
  return null;
}

/** A locale tag's catalog, else `fallback` (English unless the caller knows better). */
export function toLocale(raw: string | null | undefined, fallback: Locale = 'en'): Locale {
  return matchLocale(raw) ?? fallback;
}

/** The first of a browser's Accept-Language tags that we have a catalog for (weights in their order). */
export function fromAcceptLanguage(header: string | null | undefined, fallback: Locale = 'en'): Locale {
  const tags = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => /^\s*q=([\d.]+)\s*$/.exec(r)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of tags) {
    const hit = matchLocale(tag);
    if (hit) return hit;
  }
  return fallback;
}
