import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, matchLocale, toLocale } from '../../../src/i18n/locale.ts';

describe('locale tags → catalogs', () => {
  it('reads English tags as English', () => {
    expect(['en', 'en-US', 'en-GB', 'EN_us', 'en-Latn-IN'].map(matchLocale)).toEqual(['en', 'en', 'en', 'en', 'en']);
  });

  it('reads every Chinese tag as simplified Chinese, traditional ones too (there is no traditional catalog yet)', () => {
    const tags = ['zh', 'zh-CN', 'zh_CN', 'zh-cn', 'zh-Hans', 'zh-Hans-CN', 'zh-SG', 'zh-TW', 'zh-HK', 'zh-Hant', 'zh-Hant-TW', 'cmn-Hans-CN'];
    expect(tags.map(matchLocale)).toEqual(tags.map(() => 'zh-CN'));
  });

  it('has no catalog for other languages or junk, and toLocale falls back to the default given', () => {
    for (const tag of ['xx-YY', 'fr-FR', 'ja-JP', 'zhongwen', 'english', 'zh--CN', '', '   ', null, undefined]) expect(matchLocale(tag), String(tag)).toBeNull();
    expect([toLocale('xx-YY'), toLocale('fr-FR', 'zh-CN'), toLocale(null, 'zh-CN'), toLocale('en-US', 'zh-CN')]).toEqual(['en', 'zh-CN', 'zh-CN', 'en']);
  });

  it('takes a browser’s first language it has a catalog for, by weight', () => {
    expect(fromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(fromAcceptLanguage('fr-FR,fr;q=0.9,zh-TW;q=0.8,en;q=0.7')).toBe('zh-CN');
    expect(fromAcceptLanguage('en;q=0.5, zh-Hans;q=0.9')).toBe('zh-CN');
    expect(fromAcceptLanguage('de-DE')).toBe('en');
    expect(fromAcceptLanguage('zh;q=0, en')).toBe('en');
    expect(fromAcceptLanguage(undefined)).toBe('en');
  });
});
