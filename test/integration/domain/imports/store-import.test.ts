import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsv, readCsv } from '../../../../src/domain/imports/csv.ts';
import {
  applyStoreImport,
  guessMapping,
  previewStoreImport,
  readStoreFile,
  type ColumnMapping,
} from '../../../../src/domain/imports/store-import.ts';
import { writeSettings } from '../../../../src/domain/settings/settings.ts';
import { t } from '../../../../src/i18n/index.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const utf8 = (text: string) => Buffer.from(text, 'utf8');
/** The mapping the console's mapping step offers: the guess from the headers. */
const guess = (bytes: Buffer): ColumnMapping => readStoreFile(bytes).guess;

async function counts() {
  return {
    stores: await w.db.store.count(),
    contacts: await w.db.contact.count(),
    history: await w.db.claimHistory.count(),
    audit: await w.db.auditLog.count(),
  };
}

describe('reading CSV files', () => {
  it('reads a GBK file saved by Chinese Excel, with Chinese headers guessed into the mapping', async () => {
    const text = '门店名称,联系电话,地址,经度,纬度,负责人,联系人\r\n新白鹿餐厅,13900000001,西湖区文三路100号,120.12,30.24,U0REP1,张伟\r\n';
    const bytes = iconv.encode(text, 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(); // really not UTF-8
    const file = readStoreFile(bytes);
    expect(file.encoding).toBe('gb18030');
    expect(file.headers).toEqual(['门店名称', '联系电话', '地址', '经度', '纬度', '负责人', '联系人']);
    expect(file.guess).toEqual({ name: '门店名称', phone: '联系电话', address: '地址', lng: '经度', lat: '纬度', owner: '负责人', contactName: '联系人' });

    const result = await applyStoreImport(w.deps, w.people.admin, { bytes, mapping: file.guess, filename: '门店.csv' });
    expect(result).toEqual({ created: 1, owned: 1, contacts: 1, skippedDuplicates: 0 });
    const store = await w.store('新白鹿餐厅');
    expect(store.address).toBe('西湖区文三路100号');
    expect(store.source).toBe('import');
    expect(await w.db.contact.findFirst({ where: { storeId: store.id } })).toMatchObject({ name: '张伟', isPrimary: true });
  });

  it('reads UTF-8 with a byte-order mark: the first header is "name", not "\\ufeffname"', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('name,lng,lat\n面馆,120.12,30.24\n')]);
    const csv = readCsv(bytes);
    expect(csv.encoding).toBe('utf-8-bom');
    expect(csv.headers[0]).toBe('name');
    expect(csv.rows).toEqual([{ line: 2, values: ['面馆', '120.12', '30.24'] }]);
    expect(decodeCsv(utf8('a,b\n')).encoding).toBe('utf-8');
  });

  it('keeps quoted commas and newlines inside values, and counts lines where each row starts', () => {
    const csv = readCsv(utf8('name,address\r\n"Noodles, Inc.","Line one\r\nLine two"\r\n\r\nTea House,"West ""Lake"""\r\n'));
    expect(csv.rows).toEqual([
      { line: 2, values: ['Noodles, Inc.', 'Line one\nLine two'] },
      { line: 5, values: ['Tea House', 'West "Lake"'] },
    ]);
  });

  it('refuses binary files, broken quoting, and empty files with a clear message', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    for (const [bytes, key] of [
      [png, 'csv.binary'],
      [Buffer.from([0x81, 0x20, 0xfe, 0xff, 0x41]), 'csv.bad_encoding'],
      [utf8('name,lng\n"open quote,1\n'), 'csv.malformed'],
      [Buffer.alloc(0), 'csv.empty'],
      [utf8('name,name\nx,y\n'), 'csv.header_twice'],
    ] as const) {
      let error: unknown;
      try {
        readCsv(bytes);
      } catch (e) {
        error = e;
      }
      expect(error, key).toMatchObject({ code: 'invalid', key });
    }
  });

  it('guesses English headers whatever their case and punctuation', () => {
    expect(guessMapping(['Store Name', 'Phone', 'Longitude', 'Latitude', 'Owner E-mail', 'Contact Phone', 'Notes'])).toEqual({
      name: 'Store Name',
      phone: 'Phone',
      lng: 'Longitude',
      lat: 'Latitude',
      owner: 'Owner E-mail',
      contactPhone: 'Contact Phone',
    });
  });
});

describe('store import', () => {
  it('refuses a mapping without the required columns up front, naming each', async () => {
    const bytes = utf8('name,phone,lng\nTea,13900000009,120.12\n');
    const e = await rejection(previewStoreImport(w.deps, w.people.admin, { bytes, mapping: { name: 'name', phone: 'phone', lng: 'lng' } }));
    expect(e.key).toBe('store_import.missing_columns');
    expect(e.issues).toEqual([{ path: 'mapping.lat', key: 'store_import.column_required' }]);
    const wrong = await rejection(previewStoreImport(w.deps, w.people.admin, { bytes, mapping: { name: 'name', lng: 'lng', lat: 'Latitude' } }));
    expect(wrong.issues).toEqual([{ path: 'mapping.lat', key: 'store_import.no_column', params: { column: 'Latitude' } }]);
  });

  it('reports every bad row with its line and column, and writes nothing', async () => {
    const before = await counts();
    const bytes = utf8(
      [
        'name,phone,address,lng,lat,owner',
        'Good Dumplings,13900000010,"Wen San Road 1',
        'Floor 2",120.12,30.24,',
        'Bad Phone,call me,,120.12,30.24,',
        ',13900000012,,east-ish,30.24,',
        'Far Away,13900000013,,100.0,30.24,',
        'Nobody Owns,13900000014,,120.12,30.24,U0NOBODY',
        '',
      ].join('\n'),
    );
    const preview = await previewStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes) });
    expect(preview.canApply).toBe(false);
    expect(preview.rows).toBe(5);
    expect(preview.toCreate).toBe(1);
    expect(preview.errors.count).toBe(5);
    const lines = preview.errors.rows.map((e) => `${e.line} ${e.column}: ${t(en, e.key, e.params)}`);
    expect(lines).toEqual([
      '4 phone: is not valid',
      '5 name: is required',
      '5 lng: must be a number',
      '6 lng, lat: The location (100, 30.24) is outside every sales region.',
      '7 owner: no person "U0NOBODY"',
    ]);
    const e = await rejection(applyStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes) }));
    expect(e.key).toBe('store_import.has_errors');
    expect(e.params).toEqual({ count: 5 });
    expect(e.issues[0]).toMatchObject({ path: 'line 4 · phone' });
    expect(await counts()).toEqual(before);
  });

  it('reports duplicates of existing stores and within the file, and skips them on apply', async () => {
    const bytes = utf8(
      [
        'name,phone,lng,lat',
        'Somebody Else,138-0000-0001,120.12,30.24', // 老王面馆's phone
        '"SUNNY CAFE Co., Ltd.",,120.12,30.24', // Sunny Cafe, once normalised
        'New Noodles,13900000020,120.12,30.24',
        'new noodles,13900000021,120.13,30.25', // the row above, by name
        'Fresh Tea,13900000022,120.13,30.25',
      ].join('\n'),
    );
    const preview = await previewStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes) });
    expect(preview.canApply).toBe(true);
    expect(preview.toCreate).toBe(2);
    expect(preview.duplicates.count).toBe(3);
    expect(preview.duplicates.rows).toEqual([
      { line: 2, name: 'Somebody Else', matchedOn: 'phone', existing: { code: expect.stringMatching(/^CRM/), name: '老王面馆' }, firstLine: null },
      { line: 3, name: 'SUNNY CAFE Co., Ltd.', matchedOn: 'name', existing: { code: expect.stringMatching(/^CRM/), name: 'Sunny Cafe' }, firstLine: null },
      { line: 5, name: 'new noodles', matchedOn: 'name', existing: null, firstLine: 4 },
    ]);
    expect(preview.sample.map((s) => [s.line, s.name, s.region])).toEqual([
      [4, 'New Noodles', 'West Lake'],
      [6, 'Fresh Tea', 'West Lake'],
    ]);
    const result = await applyStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes) });
    expect(result).toMatchObject({ created: 2, skippedDuplicates: 3 });
    expect(await w.db.store.count({ where: { name: { in: ['Somebody Else', 'new noodles'] } } })).toBe(0);
    // The same file again creates nothing twice.
    const again = await rejection(applyStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes) }));
    expect(again.key).toBe('store_import.nothing_to_create');
  });

  it('gives owned stores the claim fields and a history row, with one audit row for the file', async () => {
    await w.db.person.update({ where: { id: w.people.rep3.id }, data: { email: 'liu.yang@example.com' } });
    const auditBefore = await w.db.auditLog.count();
    const bytes = utf8('name,lng,lat,owner,status,stage\nOwned One,120.12,30.24,U0REP1,,洽谈中\nOwned Two,120.13,30.24,Liu.Yang@example.com,active,\nPublic One,120.14,30.24,,停用,\n');
    const result = await applyStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes), filename: 'stores.csv' });
    expect(result).toEqual({ created: 3, owned: 2, contacts: 0, skippedDuplicates: 0 });

    const one = await w.store('Owned One');
    expect(one).toMatchObject({ ownerId: w.people.rep1.id, stage: 'negotiating', status: 'active', createdById: w.people.admin.id });
    expect(one.claimedAt?.toISOString()).toBe('2026-11-22T02:00:00.000Z');
    expect(one.protectedUntil?.toISOString()).toBe('2026-12-22T02:00:00.000Z');
    expect((await w.store('Owned Two')).ownerId).toBe(w.people.rep3.id);
    expect(await w.store('Public One')).toMatchObject({ ownerId: null, claimedAt: null, status: 'disabled' });
    expect(await w.db.claimHistory.findMany({ where: { storeId: one.id } })).toEqual([
      expect.objectContaining({ action: 'assign', fromOwnerId: null, toOwnerId: w.people.rep1.id, actorId: w.people.admin.id, reason: 'import' }),
    ]);
    const audits = await w.db.auditLog.findMany({ where: { id: { gt: auditBefore } } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: 'store.import', actorId: w.people.admin.id });
    expect(JSON.parse(audits[0]!.after!)).toMatchObject({ file: 'stores.csv', created: 3, owned: 2, firstCode: 'CRM202611220008', lastCode: 'CRM202611220010' });
  });

  it('keeps owners within their pool cap and refuses owners who cannot own stores', async () => {
    await w.db.$transaction((tx) => writeSettings(tx, { poolCap: 2 }));
    const bytes = utf8('name,lng,lat,owner\nCap A,120.12,30.24,U0REP1\nCap B,120.12,30.24,U0REP1\nAdmin Owned,120.12,30.24,U0ADM1\nDisabled Owned,120.12,30.24,U0REP2\nBad Owner,120.12,30.24,Li Lei\n');
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { active: false } });
    const preview = await previewStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes) });
    // Li Lei (rep1) holds Sunny Cafe already: one more fits under the cap of 2.
    expect(preview.errors.rows.map((e) => [e.line, e.key])).toEqual([
      [3, 'pool.cap_reached_other'],
      [4, 'pool.admin_cannot_own'],
      [5, 'person.inactive_target'],
      [6, 'store_import.owner_format'],
    ]);
  });

  it('lets a manager import only into its own regions, for its own people', async () => {
    const before = await counts();
    const bytes = utf8('name,lng,lat,owner\nWest Shop,120.12,30.24,U0REP1\nEast Shop,120.25,30.30,\nWest For East Rep,120.12,30.25,U0REP4\n');
    const preview = await previewStoreImport(w.deps, w.people.mgrWest, { bytes, mapping: guess(bytes) });
    expect(preview.errors.rows.map((e) => [e.line, e.column, e.key])).toEqual([
      [3, 'lng, lat', 'store_import.region_outside_scope'],
      [4, 'owner', 'person.outside_team'],
    ]);
    const e = await rejection(applyStoreImport(w.deps, w.people.mgrWest, { bytes, mapping: guess(bytes) }));
    expect(e.code).toBe('forbidden');
    expect(e.params).toEqual({ count: 2 });
    expect(await counts()).toEqual(before);

    const ok = await applyStoreImport(w.deps, w.people.mgrWest, { bytes: utf8('name,lng,lat,owner\nWest Shop,120.12,30.24,U0REP1\n'), mapping: guess(bytes) });
    expect(ok.created).toBe(1);
    const rep = await rejection(previewStoreImport(w.deps, w.people.rep1, { bytes, mapping: guess(bytes) }));
    expect(rep.code).toBe('forbidden');
  });

  it('accepts a file of 100,000 rows and refuses one row more', { timeout: 120_000 }, async () => {
    const header = 'name,phone,lng,lat\n';
    const row = (i: number) => `Store ${i},139${String(i).padStart(8, '0')},${(120.11 + (i % 600) / 10_000).toFixed(4)},${(30.23 + (i % 500) / 10_000).toFixed(4)}\n`;
    const lines: string[] = [header];
    for (let i = 0; i < 100_000; i++) lines.push(row(i));
    const bytes = utf8(lines.join(''));
    const result = await applyStoreImport(w.deps, w.people.admin, { bytes, mapping: guess(bytes) });
    expect(result.created).toBe(100_000);
    expect(await w.db.store.count()).toBe(100_007);
    const last = await w.store('Store 99999');
    expect(last.code).toBe('CRM20261122100007'); // the daily sequence grows past four digits

    const tooMany = utf8(lines.join('') + row(100_000));
    const e = await rejection(previewStoreImport(w.deps, w.people.admin, { bytes: tooMany, mapping: guess(bytes) }));
    expect(e.key).toBe('csv.too_many_rows');
  });
});
