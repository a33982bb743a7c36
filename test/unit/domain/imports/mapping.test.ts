import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../src/domain/errors.ts';
import { checkColumns, guessColumns, headerKey, type ColumnSpec } from '../../../../src/domain/imports/mapping.ts';
import { storeColumnSpec } from '../../../../src/domain/imports/store-import.ts';
import { orderColumnSpec } from '../../../../src/domain/orders/order-import.ts';

const refused = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a domain error');
};

describe('header names', () => {
  it('are read one way for every import: folded, lower case, letters and digits only', () => {
    expect(headerKey('Order No.')).toBe('orderno');
    expect(headerKey('order_no')).toBe('orderno');
    expect(headerKey(' ORDER-NO ')).toBe('orderno');
    expect(headerKey('Ｏｒｄｅｒ　Ｎｏ')).toBe('orderno'); // full width
    expect(headerKey('\u200bPhone\ufeff')).toBe('phone'); // a zero-width space, a stray byte-order mark
    expect(headerKey('金额（元）')).toBe('金额元');
    expect(headerKey('门店名称*')).toBe('门店名称');
  });

  it('are guessed the same way for stores and orders, brackets or not', () => {
    expect(guessColumns(orderColumnSpec, ['订单号（必填）', 'Store-Code', 'Amount (yuan)', '下单时间[北京时间]'])).toEqual({
      orderNo: '订单号（必填）',
      storeCode: 'Store-Code',
      amount: 'Amount (yuan)',
      orderedAt: '下单时间[北京时间]',
    });
    expect(guessColumns(storeColumnSpec, ['门店名称（必填）', 'Phone (mobile)', '经度 (lng)', 'LAT'])).toEqual({ name: '门店名称（必填）', phone: 'Phone (mobile)', lng: '经度 (lng)', lat: 'LAT' });
  });

  it('give each column to one field only, the first that names it', () => {
    // Both name the store code; its first alias (`storecode`) wins, and "Store" is left for no other field.
    expect(guessColumns(orderColumnSpec, ['Store', 'Store Code'])).toEqual({ storeCode: 'Store Code' });
    expect(guessColumns(storeColumnSpec, ['电话', '联系人电话'])).toEqual({ phone: '电话', contactPhone: '联系人电话' });
  });
});

describe('a chosen mapping', () => {
  const spec: ColumnSpec<'a' | 'b' | 'c', 'a'> = {
    fields: ['a', 'b', 'c'],
    required: ['a'],
    aliases: { a: [], b: [], c: [] },
    pathPrefix: 'm.',
    messages: { missing: 'x.missing', invalid: 'x.invalid', required: 'x.required', unknown: 'x.unknown', twice: 'x.twice' },
  };

  it('is the columns chosen, trimmed; fields left blank are absent', () => {
    expect(checkColumns(spec, ['A', 'B'], { a: ' A ', b: '', c: undefined })).toEqual({ a: 'A' });
  });

  it('lists every problem by field, in the order of the fields', () => {
    const e = refused(() => checkColumns(spec, ['A', 'B'], { a: 'B', b: 'B', c: 'Z' }));
    expect(e.key).toBe('x.invalid');
    expect(e.params).toEqual({ count: 2 });
    expect(e.issues).toEqual([
      { path: 'm.b', key: 'x.twice', params: { column: 'B' } },
      { path: 'm.c', key: 'x.unknown', params: { column: 'Z' } },
    ]);
  });

  it('says how many required fields have no column, when some have none', () => {
    const e = refused(() => checkColumns(spec, ['A'], { b: 'Z', a: 42 }));
    expect(e.key).toBe('x.missing');
    expect(e.params).toEqual({ missing: 1, count: 2 });
    expect(e.issues.map((i) => [i.path, i.key])).toEqual([
      ['m.a', 'x.required'],
      ['m.b', 'x.unknown'],
    ]);
    expect(refused(() => checkColumns(spec, ['A'], null)).key).toBe('x.missing');
  });

  it('may give one column to two fields when the import allows it (stores: a phone and its contact’s)', () => {
    expect(checkColumns(storeColumnSpec, ['name', 'tel', 'x', 'y'], { name: 'name', phone: 'tel', contactPhone: 'tel', lng: 'x', lat: 'y' })).toEqual({ name: 'name', phone: 'tel', contactPhone: 'tel', lng: 'x', lat: 'y' });
    const e = refused(() => checkColumns(orderColumnSpec, ['no', 'code', 'amount', 'at'], { orderNo: 'no', storeCode: 'no', amount: 'amount', orderedAt: 'at' }));
    expect(e.issues).toEqual([{ path: 'storeCode', key: 'order.import_column_twice', params: { column: 'no' } }]);
  });
});
