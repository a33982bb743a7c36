import { describe, expect, it } from 'vitest';
import { squeezed, words } from '../../../../src/domain/search/fold.ts';
import { personSearchKeys, searchKeys } from '../../../../src/domain/search/keys.ts';

describe('search keys of a name', () => {
  it('are the full pinyin and the initials, toneless and lower case', () => {
    expect(searchKeys('老王面馆')).toEqual({ pinyinKey: 'laowangmianguan', initialsKey: 'lwmg' });
    expect(searchKeys('绿茶铺')).toEqual({ pinyinKey: 'lvchapu', initialsKey: 'lcp' });
  });

  it('read polyphones in context and keep the flat reading when it differs', () => {
    expect(searchKeys('重庆小面')).toEqual({ pinyinKey: 'chongqingxiaomian zhongqingxiaomian', initialsKey: 'cqxm zqxm' });
    expect(searchKeys('银行街便利店')).toEqual({ pinyinKey: 'yinhangjiebianlidian yinxingjiebianlidian', initialsKey: 'yhjbld yxjbld' });
    // The usual reading in context: nothing to add.
    expect(searchKeys('长沙臭豆腐')).toEqual({ pinyinKey: 'changshachoudoufu', initialsKey: 'cscdf' });
  });

  it('read a person’s first character as a surname', () => {
    expect(personSearchKeys('单田芳')).toEqual({ pinyinKey: 'shantianfang dantianfang', initialsKey: 'stf dtf' });
    expect(personSearchKeys('曾小贤').pinyinKey).toBe('zengxiaoxian cengxiaoxian');
  });

  it('fold traditional characters, full-width letters, case, accents, spaces and ·', () => {
    expect(searchKeys('老王麵館')).toEqual(searchKeys('老王面馆'));
    expect(searchKeys('ＫＦＣ 肯德基')).toEqual({ pinyinKey: 'kfckendeji', initialsKey: 'kkdj' });
    expect(searchKeys('Sunny Café')).toEqual({ pinyinKey: 'sunnycafe', initialsKey: 'sc' });
    expect(personSearchKeys('欧阳·娜娜')).toEqual({ pinyinKey: 'ouyangnana', initialsKey: 'oynn' });
    expect(squeezed('老王麵館（西湖店）')).toBe('老王面馆西湖店');
    expect(words("Ｑian's Noodles 老钱面馆")).toEqual(['qian', 's', 'noodles', '老钱面馆']);
  });

  it('of a name without letters or characters are empty, not missing', () => {
    expect(searchKeys('—')).toEqual({ pinyinKey: '', initialsKey: '' });
  });
});
