import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { applyOrderImport, guessMapping, inspectOrderFile, parseOrderTime, parseYuan, previewOrderImport } from '../../../../src/domain/orders/order-import.ts';
import { recordOrder, recordOrders } from '../../../../src/domain/orders/orders.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const csv = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
const mapping = { orderNo: 'order_no', storeCode: 'store_code', amount: 'amount', orderedAt: 'ordered_at' };
const header = 'order_no,store_code,amount,ordered_at';
const storeRow = (name: string) => w.db.store.findFirstOrThrow({ where: { name } });

describe('reading an order file', () => {
  it('guesses the columns from English and Chinese headers', () => {
    expect(guessMapping(['Order No.', 'Store Code', 'Amount (yuan)', 'Ordered at', 'Note'])).toEqual({
      orderNo: 'Order No.',
      storeCode: 'Store Code',
      amount: 'Amount (yuan)',
      orderedAt: 'Ordered at',
    });
    expect(guessMapping(['订单号', '门店编码', '金额（元）', '下单时间'])).toEqual({ orderNo: '订单号', storeCode: '门店编码', amount: '金额（元）', orderedAt: '下单时间' });
    expect(guessMapping(['名称', '备注'])).toEqual({});
  });

  it('reads yuan with up to two decimals as fen, exactly', () => {
    expect(parseYuan('128')).toBe(12800);
    expect(parseYuan('128.5')).toBe(12850);
    expect(parseYuan(' ¥1,280.05 ')).toBe(128005);
    expect(parseYuan('0.07')).toBe(7);
    expect(parseYuan('19.99')).toBe(1999); // 19.99 * 100 is 1998.9999… in floating point
    for (const bad of ['12.345', '-5', 'abc', '1,28', '', '12.']) expect(parseYuan(bad)).toBeNull();
  });

  it('reads times on the company clock unless an offset is given', () => {
    const tz = 'Asia/Shanghai';
    expect(parseOrderTime('2026-11-20 14:05', tz)?.toISOString()).toBe('2026-11-20T06:05:00.000Z');
    expect(parseOrderTime('2026/11/20 14:05:09', tz)?.toISOString()).toBe('2026-11-20T06:05:09.000Z');
    expect(parseOrderTime('2026年11月20日 08:00', tz)?.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(parseOrderTime('2026-11-20', tz)?.toISOString()).toBe('2026-11-19T16:00:00.000Z');
    expect(parseOrderTime('2026-11-20T14:05:00Z', tz)?.toISOString()).toBe('2026-11-20T14:05:00.000Z');
    expect(parseOrderTime('2026-11-20T14:05:00-05:00', tz)?.toISOString()).toBe('2026-11-20T19:05:00.000Z');
    // Across a daylight-saving change, as the time-zone library reads wall times.
    expect(parseOrderTime('2026-03-08 02:30', 'America/New_York')?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(parseOrderTime('2026-03-08 03:30', 'America/New_York')?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(parseOrderTime('2026-11-01 01:30', 'America/New_York')?.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(parseOrderTime('2026-11-01 02:30', 'America/New_York')?.toISOString()).toBe('2026-11-01T07:30:00.000Z');
    for (const bad of ['2026-02-30 10:00', '2026-11-20 24:00', '20/11/2026', 'yesterday', '2026-13-01']) expect(parseOrderTime(bad, tz)).toBeNull();
  });

  it('is for admins only', async () => {
    const file = csv([header]);
    expect((await rejection(previewOrderImport(w.deps, w.people.mgrWest, file, mapping))).code).toBe('forbidden');
    expect((await rejection(applyOrderImport(w.deps, w.people.mgrWest, file, mapping))).code).toBe('forbidden');
    expect(() => inspectOrderFile(w.people.mgrWest, file)).toThrow();
  });

  it('refuses a mapping to a column the file does not have, or one column twice', async () => {
    const file = csv([header, 'SO-1,CRM1,10,2026-11-20 10:00']);
    const e = await rejection(previewOrderImport(w.deps, w.people.admin, file, { ...mapping, amount: 'order_no', orderedAt: 'when' }));
    expect(e.issues.map((i) => [i.path, i.key])).toEqual([
      ['amount', 'order.import_column_twice'],
      ['orderedAt', 'order.import_column_unknown'],
    ]);
  });
});

describe('importing orders', () => {
  it('previews every bad row with its line and writes nothing', async () => {
    const cafe = await storeRow('Sunny Cafe');
    const file = csv([
      header,
      `SO-1,${cafe.code},128.50,2026-11-20 12:00`,
      `SO-2,${cafe.code},12.345,2026-11-20 12:00`,
      `SO-3,CRM000,10,2026-11-20 12:00`,
      `SO-4,${cafe.code},10,2026-11-31 12:00`,
      `,${cafe.code},10,2026-11-20 12:00`,
      `SO-6,${cafe.code},10,2027-01-01 00:00`,
      `SO-1,${cafe.code},99,2026-11-20 12:00`,
      `SO-8,${cafe.code},10`,
    ]);
    const r = await previewOrderImport(w.deps, w.people.admin, file, mapping);
    expect(r.errors.map((e) => [e.line, e.field, e.key])).toEqual([
      [3, 'amount', 'order.amount_format'],
      [4, 'storeCode', 'store.not_found_code'],
      [5, 'orderedAt', 'order.time_format'],
      [6, 'orderNo', 'validation.required'],
      [7, 'orderedAt', 'order.in_future'],
      [8, 'orderNo', 'order.duplicate_in_batch'],
      [9, 'orderedAt', 'validation.required'],
    ]);
    expect(r.errors.find((e) => e.line === 8)?.params.first).toBe('line 2');
    expect(r).toMatchObject({ rows: 8, created: 1, unchanged: 0, applied: false });
    expect(r.sample[0]).toMatchObject({ line: 2, orderNo: 'SO-1', amount: 12850, status: 'new' });

    const e = await rejection(applyOrderImport(w.deps, w.people.admin, file, mapping));
    expect(e.key).toBe('order.import_invalid');
    expect(e.issues[0]).toMatchObject({ path: 'line 3.amount', key: 'order.amount_format' });
    expect(await w.db.order.count()).toBe(0);
    expect((await storeRow('Sunny Cafe')).lastOrderAt).toBeNull();
  });

  it('records every order, grades the stores and makes customers as a single order would', async () => {
    w.clock.set('2026-11-25T02:00:00Z');
    const cafe = await storeRow('Sunny Cafe'); // Li Lei's since 2026-11-22T02:00Z
    const noodles = await storeRow('老王面馆'); // public
    const file = iconv.encode(
      ['订单号,门店编码,金额,下单时间', `A-1,${cafe.code},88,2026-11-24 09:30`, `A-2,${cafe.code},12.5,2026-11-23 20:00`, `A-3,${noodles.code},"1,000.00",2026-11-01 10:00`].join('\r\n'),
      'gbk',
    );
    const inspected = inspectOrderFile(w.people.admin, file);
    expect(inspected).toMatchObject({ encoding: 'gb18030', rows: 3 });
    const r = await applyOrderImport(w.deps, w.people.admin, file, inspected.mapping, { filename: 'orders.csv' });
    expect(r).toMatchObject({ created: 3, unchanged: 0, applied: true, errors: [] });

    const orders = await w.db.order.findMany({ orderBy: { orderNo: 'asc' } });
    expect(orders.map((o) => [o.orderNo, o.amount, o.orderedAt.toISOString(), o.personId])).toEqual([
      ['A-1', 8800, '2026-11-24T01:30:00.000Z', w.people.rep1.id],
      ['A-2', 1250, '2026-11-23T12:00:00.000Z', w.people.rep1.id],
      ['A-3', 100000, '2026-11-01T02:00:00.000Z', null],
    ]);
    const cafeAfter = await storeRow('Sunny Cafe');
    // The earliest order inside the protection makes the store a customer.
    expect(cafeAfter).toMatchObject({ grade: 'A', isCustomer: true, customerSince: new Date('2026-11-23T12:00:00Z'), lastOrderAt: new Date('2026-11-24T01:30:00Z') });
    expect(await storeRow('老王面馆')).toMatchObject({ grade: 'B', isCustomer: false, lastOrderAt: new Date('2026-11-01T02:00:00Z') });
    // One audit row for the import, not one per order.
    const audits = await w.db.auditLog.findMany({ where: { action: { startsWith: 'order.' } } });
    expect(audits.map((a) => [a.action, a.actorId])).toEqual([['order.import', w.people.admin.id]]);
    expect(JSON.parse(audits[0]!.after!)).toMatchObject({ filename: 'orders.csv', created: 3, unchanged: 0 });
  });

  it('is idempotent by order number: the same file again changes nothing, other data is an error row', async () => {
    const cafe = await storeRow('Sunny Cafe');
    const file = csv([header, `SO-1,${cafe.code},10,2026-11-20 10:00`, `SO-2,${cafe.code},20,2026-11-21 10:00`]);
    await applyOrderImport(w.deps, w.people.admin, file, mapping);
    const again = await applyOrderImport(w.deps, w.people.admin, file, mapping);
    expect(again).toMatchObject({ created: 0, unchanged: 2 });
    expect(await w.db.order.count()).toBe(2);
    expect(await w.db.auditLog.count({ where: { action: 'order.import' } })).toBe(2);

    const changed = csv([header, `SO-3,${cafe.code},30,2026-11-21 11:00`, `SO-2,${cafe.code},21,2026-11-21 10:00`]);
    const p = await previewOrderImport(w.deps, w.people.admin, changed, mapping);
    expect(p.errors.map((e) => [e.line, e.key, e.params.orderNo])).toEqual([[3, 'order.conflict', 'SO-2']]);
    await rejection(applyOrderImport(w.deps, w.people.admin, changed, mapping));
    expect(await w.db.order.count()).toBe(2);
  });

  it('takes an order for a merged store’s old code onto the survivor', async () => {
    const cafe = await storeRow('Sunny Cafe');
    const noodles = await storeRow('老王面馆');
    await w.db.store.update({ where: { id: noodles.id }, data: { status: 'deleted', mergedIntoId: cafe.id } });
    await applyOrderImport(w.deps, w.people.admin, csv([header, `M-1,${noodles.code},10,2026-11-21 10:00`]), mapping);
    expect((await w.db.order.findFirstOrThrow({ where: { orderNo: 'M-1' } })).storeId).toBe(cafe.id);
  });

  it('imports 50,000 orders over 5,000 stores in one go', async () => {
    const region = await w.db.region.findFirstOrThrow({ where: { key: 'west' } });
    await w.db.store.createMany({
      data: Array.from({ length: 5000 }, (_, i) => ({ code: `BULK${String(i).padStart(5, '0')}`, name: `Bulk ${i}`, nameKey: `bulk ${i}`, regionId: region.id })),
    });
    const lines = [header];
    for (let i = 0; i < 50_000; i++) {
      const day = 1 + (i % 20);
      lines.push(`B-${i},BULK${String(i % 5000).padStart(5, '0')},${(i % 997) + 1}.${String(i % 100).padStart(2, '0')},2026-11-${String(day).padStart(2, '0')} 10:00`);
    }
    const file = csv(lines);
    const started = performance.now();
    const preview = await previewOrderImport(w.deps, w.people.admin, file, mapping);
    const previewMs = performance.now() - started;
    expect(preview).toMatchObject({ created: 50_000, errors: [] });
    const applyStarted = performance.now();
    const r = await applyOrderImport(w.deps, w.people.admin, file, mapping);
    const applyMs = performance.now() - applyStarted;
    console.log(`orders import: preview ${Math.round(previewMs)} ms, apply ${Math.round(applyMs)} ms for 50,000 rows`);
    expect(r.created).toBe(50_000);
    expect(await w.db.order.count()).toBe(50_000);
    const graded = await w.db.store.groupBy({ by: ['grade'], where: { code: { startsWith: 'BULK' } }, _count: true });
    // Store j's orders are all on day 1 + j % 20: from the 15th on within 7 days of T0 (grade A), else B.
    expect(graded.map((g) => [g.grade, g._count]).sort()).toEqual([['A', 1500], ['B', 3500]]);
    expect(applyMs).toBeLessThan(30_000);
  }, 120_000);
});

describe('orders one by one and in batches', () => {
  it('a single order again is not created twice; with other data it is a conflict', async () => {
    const cafe = await storeRow('Sunny Cafe');
    const o = { orderNo: 'X-1', storeCode: cafe.code, amount: 500, orderedAt: new Date('2026-11-21T00:00:00Z') };
    expect((await recordOrder(w.deps, o)).created).toBe(true);
    expect((await recordOrder(w.deps, o)).created).toBe(false);
    const e = await rejection(recordOrder(w.deps, { ...o, amount: 501 }));
    expect([e.code, e.key, e.params.orderNo]).toEqual(['conflict', 'order.conflict', 'X-1']);
    expect((await rejection(recordOrder(w.deps, { ...o, orderNo: 'X-2', storeCode: 'NOPE' }))).code).toBe('not_found');
  });

  it('a batch is all or nothing, with every problem by path', async () => {
    const cafe = await storeRow('Sunny Cafe');
    const good = { orderNo: 'Y-1', storeCode: cafe.code, amount: 500, orderedAt: new Date('2026-11-21T00:00:00Z') };
    const e = await rejection(
      recordOrders(w.deps, [good, { ...good, orderNo: 'Y-2', storeCode: 'NOPE' }, { ...good, orderNo: 'Y-3', orderedAt: new Date('2027-01-01T00:00:00Z') }]),
    );
    expect(e.code).toBe('invalid');
    expect(e.issues.map((i) => [i.path, i.key])).toEqual([
      ['orders[1].storeCode', 'store.not_found_code'],
      ['orders[2].orderedAt', 'order.in_future'],
    ]);
    expect(await w.db.order.count()).toBe(0);
    const r = await recordOrders(w.deps, [good, good, { ...good, orderNo: 'Y-2' }]);
    expect(r.map((x) => x.created)).toEqual([true, false, true]);
    expect(r[0]!.id).toBe(r[1]!.id);
  });
});
