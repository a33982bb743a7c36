import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../../src/i18n/money.ts';

describe('formatMoney', () => {
  it('writes fen as yuan with two decimals and thousands separators, the same in both languages', () => {
    expect(formatMoney(1_280_000, 'en')).toBe('12,800.00');
    expect(formatMoney(1_280_000, 'zh-CN')).toBe('12,800.00');
    expect(formatMoney(12_850, 'en')).toBe('128.50');
    expect(formatMoney(5, 'en')).toBe('0.05');
    expect(formatMoney(0, 'zh-CN')).toBe('0.00');
    expect(formatMoney(-1_280_050, 'en')).toBe('-12,800.50');
    // Exact for the largest order amount (no floating point on the way).
    expect(formatMoney(10_000_000_000, 'en')).toBe('100,000,000.00');
    expect(formatMoney(999_999_999_999_99, 'en')).toBe('999,999,999,999.99');
  });

  it('leaves the separators out for a form field or a file', () => {
    expect(formatMoney(123_450, 'en', { grouping: false })).toBe('1234.50');
    expect(formatMoney(-5_000_000, 'zh-CN', { grouping: false })).toBe('-50000.00');
  });

  it('has a compact form for charts: 万 and 亿 in Chinese, K and M in English', () => {
    expect(formatMoney(1_280_000, 'zh-CN', { compact: true })).toBe('¥1.28万');
    expect(formatMoney(1_280_000, 'en', { compact: true })).toBe('¥12.8K');
    expect(formatMoney(12_800_000_000, 'zh-CN', { compact: true })).toBe('¥1.28亿');
    expect(formatMoney(128_000_000, 'en', { compact: true })).toBe('¥1.28M');
    expect(formatMoney(12_850, 'en', { compact: true })).toBe('¥129');
    expect(formatMoney(-1_280_000, 'en', { compact: true })).toBe('-¥12.8K');
  });
});
