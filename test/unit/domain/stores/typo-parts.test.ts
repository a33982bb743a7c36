import { describe, expect, it } from 'vitest';
import { typoParts } from '../../../../src/domain/stores/candidates.ts';
import { prepareQuery } from '../../../../src/domain/search/match.ts';

/** Every string one edit from `s`: a letter changed, added or dropped, two neighbours swapped. */
function oneEditFrom(s: string): string[] {
  const out = new Set<string>();
  const letters = 'abcz';
  for (let i = 0; i <= s.length; i++) {
    for (const c of letters) out.add(s.slice(0, i) + c + s.slice(i));
    if (i < s.length) {
      out.add(s.slice(0, i) + s.slice(i + 1));
      for (const c of letters) out.add(s.slice(0, i) + c + s.slice(i + 1));
    }
    if (i < s.length - 1) out.add(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
  }
  out.delete(s);
  return [...out];
}

describe("the typo check's quick look", () => {
  it('from 8 letters, whatever the one typo, the name holds one of the parts as typed', () => {
    // The pinyin of 老王面馆 and 麦香面馆, and what someone typing the start of either might mean.
    for (const pinyin of ['laowangmianguan', 'maixiangmianguan']) {
      for (let len = 8; len <= 12; len++) {
        for (const typed of oneEditFrom(pinyin.slice(0, len))) {
          if (typed.length < 8) continue;
          const { parts, complete } = typoParts(prepareQuery(typed));
          expect(complete).toBe(true);
          expect(parts.some((p) => pinyin.includes(p)), `${typed}: ${parts.join(' | ')}`).toBe(true);
        }
      }
    }
  });

  it('shorter queries look up their 4-letter runs and say the look is not complete', () => {
    expect(typoParts(prepareQuery('laowagn'))).toEqual({ parts: ['laow', 'aowa', 'owag', 'wagn'], complete: false });
  });
});
