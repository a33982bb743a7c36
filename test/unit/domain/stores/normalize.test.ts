import { describe, expect, it } from 'vitest';
import { nameKey, phoneKey, searchKey } from '../../../../src/domain/stores/normalize.ts';

describe('nameKey', () => {
  it.each([
    // Chinese company forms
    ['上海阳光贸易有限公司', '上海阳光贸易'],
    ['上海阳光贸易股份有限公司', '上海阳光贸易'],
    ['上海阳光贸易有限责任公司', '上海阳光贸易'],
    ['上海阳光贸易公司', '上海阳光贸易'],
    ['阳光贸易（上海）有限公司', '阳光贸易上海'],
    ['阳光贸易(上海)有限公司', '阳光贸易上海'],
    ['上海阳光贸易有限公司。', '上海阳光贸易'],
    ['上海阳光贸易 有限 公司', '上海阳光贸易'],
    ['上海阳光集团有限公司', '上海阳光集团'],
    // English company forms, as whole words, possibly several
    ['Sunny Trading Co., Ltd.', 'sunnytrading'],
    ['Sunny Trading Co.,Ltd', 'sunnytrading'],
    ['Sunny Trading Co Ltd', 'sunnytrading'],
    ['Sunny Trading Co.', 'sunnytrading'],
    ['Sunny Trading Ltd', 'sunnytrading'],
    ['Sunny Trading Limited', 'sunnytrading'],
    ['Sunny Trading, Inc.', 'sunnytrading'],
    ['Sunny Trading LLC', 'sunnytrading'],
    ['Sunny Trading Corp.', 'sunnytrading'],
    ['Sunny Trading Corporation', 'sunnytrading'],
    ['Sunny Trading Company', 'sunnytrading'],
    ['Sunny Trading Company Limited', 'sunnytrading'],
    ['SUNNY TRADING CO., LTD.', 'sunnytrading'],
    ['阳光贸易 Co., Ltd.', '阳光贸易'],
    ['阳光Ltd', '阳光'],
    ['上海阳光贸易有限公司 Co., Ltd.', '上海阳光贸易'],
  ])('removes company suffixes: %s → %s', (name, key) => {
    expect(nameKey(name)).toBe(key);
  });

  it('does not remove 分公司: a branch is a different store', () => {
    expect(nameKey('阳光贸易有限公司浦东分公司')).toBe('阳光贸易有限公司浦东分公司');
    expect(nameKey('阳光贸易浦东分 公司')).toBe('阳光贸易浦东分公司');
    expect(nameKey('阳光贸易浦东分公司')).not.toBe(nameKey('阳光贸易'));
  });

  it('removes suffixes only at the end', () => {
    expect(nameKey('有限公司阳光')).toBe('有限公司阳光');
    expect(nameKey('Limited Edition Store')).toBe('limitededitionstore');
    expect(nameKey('Sunny Co., Ltd. (Shanghai)')).toBe('sunnycoltdshanghai');
  });

  it('removes English suffixes only as whole words', () => {
    expect(nameKey('Zinc')).toBe('zinc');
    expect(nameKey('Sunnyinc')).toBe('sunnyinc');
    expect(nameKey('Disco')).toBe('disco');
    expect(nameKey('Pltd')).toBe('pltd');
    expect(nameKey('Acme Incorporated')).toBe('acmeincorporated');
  });

  it('keeps a name that is nothing but a suffix', () => {
    expect(nameKey('公司')).toBe('公司');
    expect(nameKey('有限公司')).toBe('有限公司');
    expect(nameKey('股份有限公司')).toBe('股份有限公司');
    expect(nameKey('Co., Ltd.')).toBe('coltd');
    expect(nameKey('Inc')).toBe('inc');
    expect(nameKey('The Company')).toBe('the');
  });

  it('folds full-width characters and case (NFKC)', () => {
    expect(nameKey('ＳＵＮＮＹ　Ｔｒａｄｉｎｇ')).toBe('sunnytrading');
    expect(nameKey('ＳＵＮＮＹ　ｃｏ．，ｌｔｄ．')).toBe('sunny');
    expect(nameKey('７－１１便利店')).toBe('711便利店');
    expect(nameKey('７－１１便利店')).toBe(nameKey('7-11 便利店'));
  });

  it('removes whitespace, punctuation and symbols, Chinese ones included', () => {
    expect(nameKey('张三·李四 便利店')).toBe('张三李四便利店');
    expect(nameKey('好又多，超市。')).toBe('好又多超市');
    expect(nameKey('好、又、多')).toBe('好又多');
    expect(nameKey('《好又多》「超市」【旗舰店】')).toBe('好又多超市旗舰店');
    expect(nameKey('A&B Mart® ★ ¥ $ + = ~ ^')).toBe('abmart');
    expect(nameKey('  Tab\tand\nnewline  ')).toBe('tabandnewline');
    expect(nameKey('Café ☕ 😀 Corner')).toBe('cafécorner');
    expect(nameKey('阳光\u200b贸易')).toBe('阳光贸易');
  });

  it('gives the same key to the same store written differently', () => {
    const variants = ['上海阳光贸易有限公司', '上海阳光贸易', ' 上海 阳光贸易（有限公司） ', '上海阳光贸易公司'];
    expect(new Set(variants.map(nameKey)).size).toBe(1);
  });

  it('is a prefix for what a user would type', () => {
    expect(nameKey('上海阳光贸易有限公司').startsWith(searchKey('上海 阳光'))).toBe(true);
    expect(nameKey('Sunny Trading Co., Ltd.').startsWith(searchKey('SUNNY t'))).toBe(true);
  });

  it('returns an empty key for an empty name or pure punctuation', () => {
    expect(nameKey('')).toBe('');
    expect(nameKey(' （）。 ')).toBe('');
  });
});

describe('phoneKey', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['0086 13812345678', '13812345678'],
    ['86-138-1234-5678', '13812345678'],
    ['(+86) 138.1234.5678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['Tel: 138 1234 5678', '13812345678'],
  ])('reduces mainland mobile numbers to 11 digits: %s', (phone, key) => {
    expect(phoneKey(phone)).toBe(key);
  });

  it('keeps other numbers as digits only', () => {
    expect(phoneKey('021-6123 4567')).toBe('02161234567');
    expect(phoneKey('+86 21 6123 4567')).toBe('862161234567'); // a landline, not a mobile
    expect(phoneKey('+1 (212) 555-0100')).toBe('12125550100');
    expect(phoneKey('8613812345')).toBe('8613812345'); // too short for 86 + mobile
    expect(phoneKey('86238123456789')).toBe('86238123456789'); // 86 + something not a mobile
    expect(phoneKey('12345')).toBe('12345');
  });

  it('returns null for missing or too short numbers', () => {
    expect(phoneKey(null)).toBeNull();
    expect(phoneKey(undefined)).toBeNull();
    expect(phoneKey('')).toBeNull();
    expect(phoneKey('   ')).toBeNull();
    expect(phoneKey('1234')).toBeNull();
    expect(phoneKey('ext. 12-34')).toBeNull();
    expect(phoneKey('n/a')).toBeNull();
  });
});

describe('searchKey', () => {
  it('normalises like nameKey without removing suffixes', () => {
    expect(searchKey('Sunny Trading Co., Ltd.')).toBe('sunnytradingcoltd');
    expect(searchKey('上海阳光贸易有限公司')).toBe('上海阳光贸易有限公司');
    expect(searchKey('公司')).toBe('公司');
  });

  it('folds full-width characters and case, and drops spaces and punctuation', () => {
    expect(searchKey('  ＳＵＮＮＹ　ｔｒａ ')).toBe('sunnytra');
    expect(searchKey('阳光（上海）')).toBe('阳光上海');
    expect(searchKey('张三·李四，')).toBe('张三李四');
  });

  it('returns an empty string for nothing to search', () => {
    expect(searchKey('')).toBe('');
    expect(searchKey(' 。，')).toBe('');
  });
});
