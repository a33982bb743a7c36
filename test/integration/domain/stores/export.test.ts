import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { decodeCsv, readCsv } from '../../../../src/domain/imports/csv.ts';
import { applyStoreImport, readStoreFile } from '../../../../src/domain/imports/store-import.ts';
import { listConsoleStores } from '../../../../src/domain/stores/console-list.ts';
import { csvCell, isInertCell } from '../../../../src/domain/csv-cells.ts';
import { exportColumns, exportStores, safeCell } from '../../../../src/domain/stores/export.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const labels = Object.fromEntries(exportColumns.map((c) => [c, c])) as Record<(typeof exportColumns)[number], string>;
const zhLabels = { ...labels, code: '门店编号', name: '门店名称', phone: '电话', address: '地址', lng: '经度', lat: '纬度', owner: '负责人', status: '状态', stage: '阶段', source: '来源' };

async function exported(actor: World['people'][keyof World['people']], filter: Record<string, unknown> = {}, l = labels): Promise<Buffer> {
  const parts: string[] = [];
  await exportStores(w.deps, actor, filter, { labels: l, timezone: 'Asia/Shanghai', write: (c) => void parts.push(c) });
  return Buffer.from(parts.join(''), 'utf8');
}

describe('store export', () => {
  it('writes UTF-8 with a byte-order mark and CRLF, the filtered stores of the actor’s scope', async () => {
    const bytes = await exported(w.people.admin, { pool: 'private' });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from('\r\n'))).toBe(true);
    const csv = readCsv(bytes);
    expect(csv.encoding).toBe('utf-8-bom');
    expect(csv.headers).toEqual([...exportColumns]);
    const names = csv.rows.map((r) => r.values[1]).sort();
    expect(names).toEqual(['Green Leaf Bakery', 'River Side Grill', 'Sunny Cafe', '外婆家（湖滨店）']);
    const cafe = csv.rows.find((r) => r.values[1] === 'Sunny Cafe')!;
    expect(cafe.values[exportColumns.indexOf('owner')]).toBe('U0REP1');
    expect(cafe.values[exportColumns.indexOf('protectedUntil')]).toBe('2026-12-22 10:00');

    const west = readCsv(await exported(w.people.mgrWest));
    expect(west.rows.map((r) => r.values[1])).not.toContain('钱塘茶馆');
    expect(west.rows.length).toBe((await listConsoleStores(w.deps, w.people.mgrWest, {})).total);
  });

  it('round-trips: an exported file imports again as duplicates only', async () => {
    const bytes = await exported(w.people.admin, {}, zhLabels);
    const { guess } = readStoreFile(bytes);
    expect(guess).toMatchObject({ name: '门店名称', phone: '电话', lng: '经度', lat: '纬度', owner: '负责人', status: '状态', stage: '阶段' });
    await expect(applyStoreImport(w.deps, w.people.admin, { bytes, mapping: guess })).rejects.toMatchObject({ key: 'store_import.nothing_to_create', params: { duplicates: 7 } });
  });

  it('neutralises every text cell a spreadsheet would run as a formula; only numbers the app wrote keep their sign', () => {
    const payloads = [`-1+1+cmd|' /C calc'!A0`, '+1+HYPERLINK("http://evil.example","x")', '-2+3', '=1+1', '@SUM(A1)', '\tx', '\rx', '\nx', ' =1+1', '＝1+1', '＋1', '－1', '＠SUM(A1)'];
    for (const p of payloads) expect(safeCell(p), JSON.stringify(p)).toBe(`'${p}`);
    // A phone number or a negative number typed by someone is text like any other: no sign gets through.
    expect(safeCell('+86 138 0000 0001')).toBe(`'+86 138 0000 0001`);
    expect(safeCell('-12.5')).toBe(`'-12.5`);
    expect(safeCell('老王面馆')).toBe('老王面馆');
    expect(safeCell('a=b')).toBe('a=b');
    // Coordinates and amounts the app computed stay numbers.
    expect([csvCell(-12.5), csvCell(120.12), csvCell(0), csvCell(null), csvCell(Number.NaN)]).toEqual(['-12.5', '120.12', '0', '', '']);
  });

  it('round-trips known payloads in every text column of the export', async () => {
    const payloads = [`-1+1+cmd|' /C calc'!A0`, '+1+HYPERLINK("http://evil.example","x")', '-2+3', '=1+1', '@SUM(A1)', '\tx', '\rx'];
    const stores = await w.db.store.findMany({ orderBy: { id: 'asc' }, take: payloads.length });
    // Written straight to the database: what an older version or another tool may have left there.
    for (const [i, p] of payloads.entries()) {
      await w.db.store.update({ where: { id: stores[i]!.id }, data: { name: p, address: p, phone: p, source: p } });
    }
    await w.db.region.updateMany({ data: { name: '=2+2' } });
    await w.db.person.updateMany({ data: { name: '@SUM(B1)' } });
    // Raw cells, as a spreadsheet gets them (the app's own reader takes the guarding apostrophes off).
    const [headers, ...rows] = (parse(decodeCsv(await exported(w.people.admin, {}, { ...labels, name: '=name' })).text, { relax_column_count: true }) as string[][]).map((r) =>
      r.map((c) => c.replace(/\r\n?/g, '\n')),
    );
    expect(headers![1]).toBe(`'=name`);
    const csv = { rows: rows.map((values) => ({ values })) };
    const cells = csv.rows.flatMap((r) => r.values);
    expect(csv.rows.length).toBe(await w.db.store.count());
    for (const c of cells) expect(isInertCell(c), JSON.stringify(c)).toBe(true);
    // (the reader turns a quoted lone CR into LF)
    const nl = (s: string) => s.replace(/\r/g, '\n');
    for (const p of payloads) expect(cells.filter((c) => nl(c) === nl(`'${p}`)).length, JSON.stringify(p)).toBe(4);
    expect(cells).toContain(`'=2+2`);
    expect(cells).toContain(`'@SUM(B1)`);
    const lng = exportColumns.indexOf('lng');
    expect(csv.rows.every((r) => r.values[lng] === '' || /^-?\d+(\.\d+)?$/.test(r.values[lng]!))).toBe(true);
  });
});

describe('an exported file read back', () => {
  it('takes off the apostrophe the export put before a formula sign, and leaves every other cell as it is', () => {
    const csv = Buffer.from(`name,phone,address\r\n"'-2+3 Noodles","'+8613800000001",'Quoted street\r\n'=1+1,13800000002,"'@home"\r\n`);
    const file = readCsv(csv);
    expect(file.rows.map((r) => r.values)).toEqual([
      ['-2+3 Noodles', '+8613800000001', "'Quoted street"],
      ['=1+1', '13800000002', '@home'],
    ]);
  });
});
