import { describe, expect, it } from 'vitest';
import { matchName, nearSubstring, prepareQuery } from '../../../../src/domain/search/match.ts';

const kind = (query: string, name: string) => matchName(prepareQuery(query), { name })?.kind ?? null;

describe('matching a name', () => {
  it('by its characters: whole, start, any part', () => {
    expect(kind('老王面馆', '老王面馆')).toBe('exact');
    expect(kind('老王面馆', '老王面馆有限公司')).toBe('exact'); // the company form is not part of the name
    expect(kind('老王', '老王面馆')).toBe('prefix');
    expect(kind('面馆', '老王面馆')).toBe('substring');
    expect(kind('面馆', '老王麵館')).toBe('substring');
  });

  it('by full pinyin from the first character, or from any later one', () => {
    expect(kind('laowang', '老王面馆')).toBe('pinyin');
    expect(kind('laow', '老王面馆')).toBe('pinyin'); // the last syllable cut short
    expect(kind('wang', '老王面馆')).toBe('substring');
    expect(kind('ang', '老王面馆')).toBeNull(); // not where a syllable starts
    expect(kind('laowng', '老王面馆')).toBe('typo');
  });

  it('reads an ambiguous run of letters either way (xian: 先 or 西安)', () => {
    expect(kind('xian', '西安小吃')).toBe('pinyin');
    expect(kind('xian', '先锋超市')).toBe('pinyin');
    expect(kind('xianxiao', '西安小吃')).toBe('pinyin');
  });

  it('by initials, and by pinyin and characters mixed', () => {
    expect(kind('lwmg', '老王面馆')).toBe('pinyin');
    expect(kind('wmg', '老王面馆')).toBe('substring');
    expect(kind('lwgm', '老王面馆')).toBeNull();
    expect(kind('laow面', '老王面馆')).toBe('pinyin');
    expect(kind('lao面', '老王面馆')).toBeNull(); // 王 is skipped
    expect(kind('l王m', '老王面馆')).toBe('pinyin');
  });

  it('by every word of a query of several', () => {
    expect(kind('qian noodle', "老钱面馆 Qian's Noodles")).toBe('substring');
    expect(kind('qian pizza', "老钱面馆 Qian's Noodles")).toBeNull();
  });

  it('says why when the name does not show it', () => {
    expect(matchName(prepareQuery('lwmg'), { name: '老王面馆' })?.why).toBe('lwmg → 老王面馆');
    expect(matchName(prepareQuery('老王'), { name: '老王面馆' })?.why).toBeNull();
  });

  it('reads a person’s surname as a surname', () => {
    expect(matchName(prepareQuery('shan'), { name: '单田芳', person: true, pinyinKey: 'shantianfang dantianfang' })?.kind).toBe('pinyin');
  });
});

describe('one typo', () => {
  it('a letter wrong, missing, extra or two swapped, anywhere in the text', () => {
    expect(nearSubstring('laowagn', 'laowangmianguan')).toBe('laowang');
    expect(nearSubstring('laowng', 'laowangmianguan')).not.toBeNull();
    expect(nearSubstring('laowaang', 'laowangmianguan')).not.toBeNull();
    expect(nearSubstring('mianguam', 'laowangmianguan')).toBe('mianguan');
    expect(nearSubstring('lauwagn', 'laowangmianguan')).toBeNull(); // two
  });

  it('not below five letters', () => {
    expect(kind('wagn', '老王面馆')).toBeNull();
  });
});
