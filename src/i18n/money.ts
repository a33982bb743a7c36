import type { Locale } from './index.ts';

// Amounts are integers in minor units (fen); every surface shows them through formatMoney, so that
// Slack, the console and the charts write the same amount the same way.

export interface MoneyOptions {
  /**
   * For charts and tight spaces: three significant digits, the locale's large units and the sign:
   * `¥1.28万` (zh-CN), `¥12.8K` (en) for 1,280,000 fen.
   */
  compact?: boolean;
  /**
   * Thousands separators (default true). false: the amount as it is typed into a form field or
   * written in a CSV file, `12800.00`.
   */
  grouping?: boolean;
}

const compactFormats = new Map<Locale, Intl.NumberFormat>();

function compactFormat(locale: Locale): Intl.NumberFormat {
  let f = compactFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { notation: 'compact', maximumSignificantDigits: 3 });
    compactFormats.set(locale, f);
  }
  return f;
}

/**
 * Fen → yuan with two decimals, exactly (integer arithmetic, no floating point): 1280000 →
 * `12,800.00` in English and in Chinese (tables line amounts up by their decimals; the column says
 * the currency). A fraction of a fen is cut off; a negative amount keeps its sign.
 */
export function formatMoney(fen: number, locale: Locale, o: MoneyOptions = {}): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  if (o.compact) return `${sign}¥${compactFormat(locale).format(abs / 100)}`;
  const whole = String(Math.floor(abs / 100));
  const grouped = o.grouping === false ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}.${String(abs % 100).padStart(2, '0')}`;
}
