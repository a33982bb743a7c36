import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let admin: ConsoleClient;
let mgrWest: ConsoleClient;
beforeAll(async () => {
  cw = await consoleWorld();
  admin = await cw.as('admin');
  mgrWest = await cw.as('mgrWest');
});
afterAll(async () => cw?.stop());

const XSS = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const store = (name: string) => cw.w.db.store.findFirstOrThrow({ where: { name } });
const person = (slackId: string) => cw.w.db.person.findUniqueOrThrow({ where: { slackId } });
const uploadId = (location: string | null) => /^\/console\/stores\/import\/([A-Za-z0-9_-]+)$/.exec(location ?? '')![1]!;
const counts = async () => ({ stores: await cw.w.db.store.count(), history: await cw.w.db.claimHistory.count(), audit: await cw.w.db.auditLog.count() });
/** The mapping form's fields for a file with English headers named like the fields. */
const mapped = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [`mapping.${k}`, v]));

describe('GET /console/stores', () => {
  it('sends a signed-out visitor to sign in', async () => {
    const out = await cw.client().get('/console/stores');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toMatch(/^\/console\/sign-in/);
  });

  it('lists what the actor sees: an admin everything, a manager its part of the company', async () => {
    const all = await admin.get('/console/stores');
    expect(all.status).toBe(200);
    for (const name of ['老王面馆', 'Sunny Cafe', '钱塘茶馆', 'River Side Grill']) expect(all.text).toContain(name);
    expect(all.text).toContain('7 in all');
    const west = await mgrWest.get('/console/stores');
    expect(west.status).toBe(200);
    expect(west.text).toContain('Sunny Cafe');
    expect(west.text).not.toContain('钱塘茶馆');
    expect(west.text).not.toContain('River Side Grill');
  });

  it('filters by text, pool, owner and region; a bad value in the link is ignored, not an error', async () => {
    const rep1 = await person('U0REP1');
    const east = await cw.w.db.region.findUniqueOrThrow({ where: { key: 'east' } });
    const byText = await admin.get(`/console/stores?text=${encodeURIComponent('sunny')}`);
    expect(byText.text).toContain('Sunny Cafe');
    expect(byText.text).not.toContain('老王面馆');
    const byPhone = await admin.get('/console/stores?text=13800000003');
    expect(byPhone.text).toContain('知味小笼');
    expect(byPhone.text).toContain('1 in all');
    const publicOnes = await admin.get('/console/stores?pool=public');
    expect(publicOnes.text).toContain('老王面馆');
    expect(publicOnes.text).not.toContain('Sunny Cafe');
    expect((await admin.get(`/console/stores?ownerId=${rep1.id}`)).text).toContain('1 in all');
    const inEast = await admin.get(`/console/stores?regionId=${east.id}`);
    expect(inEast.text).toContain('River Side Grill');
    expect(inEast.text).not.toContain('Sunny Cafe');
    const odd = await admin.get('/console/stores?regionId=abc&status=nonsense&pool=public');
    expect(odd.status).toBe(200);
    expect(odd.text).toContain('老王面馆');
  });

  it('shows HTML in a store name as text', async () => {
    const s = await store('知味小笼');
    await cw.w.db.store.update({ where: { id: s.id }, data: { name: XSS } });
    try {
      const list = await admin.get('/console/stores');
      expect(list.text).toContain(ESCAPED);
      expect(list.text).not.toContain(XSS);
      const page = await admin.get(`/console/stores/${s.id}`);
      expect(page.text).toContain(ESCAPED);
      expect(page.text).not.toContain(XSS);
    } finally {
      await cw.w.db.store.update({ where: { id: s.id }, data: { name: '知味小笼' } });
    }
  });
});

describe('GET /console/stores/:id', () => {
  it('shows the store, its owner, protection and claim history', async () => {
    const cafe = await store('Sunny Cafe');
    const page = await admin.get(`/console/stores/${cafe.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(cafe.code);
    expect(page.text).toContain('Li Lei');
    expect(page.text).toContain('Protected until 2026-12-22 10:00');
    expect(page.text).toContain('Claim history');
    expect(page.text).toContain('assign');
  });

  it('is not found outside the manager’s part, for a made-up id, and signed out', async () => {
    const grill = await store('River Side Grill');
    expect((await mgrWest.get(`/console/stores/${grill.id}`)).status).toBe(404);
    expect((await admin.get('/console/stores/999999')).status).toBe(404);
    expect((await admin.get('/console/stores/abc')).status).toBe(404);
    expect((await cw.client().get(`/console/stores/${grill.id}`)).status).toBe(303);
  });
});

describe('POST /console/stores/transfer', () => {
  it('refuses without the CSRF token or signed out, and asks for stores and a reason (422)', async () => {
    const cafe = await store('Sunny Cafe');
    const rep2 = await person('U0REP2');
    const before = await counts();
    const form = { storeIds: [String(cafe.id)], toPersonId: String(rep2.id), reason: 'route change' };
    expect((await admin.post('/console/stores/transfer', form, { csrf: false })).status).toBe(403);
    expect((await cw.client().post('/console/stores/transfer', form, { csrf: false })).status).toBe(401);
    const none = await admin.post('/console/stores/transfer', { toPersonId: String(rep2.id), reason: 'x' });
    expect(none.status).toBe(422);
    expect(none.text).toContain('Select at least one private store to transfer.');
    const noReason = await admin.post('/console/stores/transfer', { ...form, reason: '' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('is required');
    expect(await counts()).toEqual(before);
  });

  it('refuses a manager outside its subtree (403 / 404) and writes nothing', async () => {
    const cafe = await store('Sunny Cafe');
    const grill = await store('River Side Grill');
    const rep2 = await person('U0REP2');
    const rep4 = await person('U0REP4');
    const before = await counts();
    // A west store to an east rep: the receiver is not in the manager's team.
    const toEast = await mgrWest.post('/console/stores/transfer', { storeIds: [String(cafe.id)], toPersonId: String(rep4.id), reason: 'try' });
    expect(toEast.status).toBe(403);
    // An east store: not one the west manager can see.
    const fromEast = await mgrWest.post('/console/stores/transfer', { storeIds: [String(grill.id)], toPersonId: String(rep2.id), reason: 'try' });
    expect(fromEast.status).toBe(404);
    expect(await counts()).toEqual(before);
    expect((await store('Sunny Cafe')).ownerId).toBe((await person('U0REP1')).id);
  });

  it('moves the selected stores, with a history row each, and says so', async () => {
    const cafe = await store('Sunny Cafe');
    const bakery = await store('Green Leaf Bakery');
    const rep2 = await person('U0REP2');
    const res = await mgrWest.post('/console/stores/transfer', { storeIds: [String(cafe.id), String(bakery.id)], toPersonId: String(rep2.id), reason: 'rebalance', back: 'pool=private' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/stores?pool=private');
    expect((await mgrWest.get('/console/stores?pool=private')).text).toContain('2 stores transferred to Sam Carter.');
    for (const s of [cafe, bakery]) {
      const after = await cw.w.db.store.findUniqueOrThrow({ where: { id: s.id } });
      expect(after.ownerId).toBe(rep2.id);
      expect(await cw.w.db.claimHistory.count({ where: { storeId: s.id, action: 'transfer', reason: 'rebalance' } })).toBe(1);
    }
  });
});

describe('GET /console/stores.csv', () => {
  it('exports the filtered stores as a CSV download, a manager only its own', async () => {
    const res = await admin.get('/console/stores.csv?pool=public');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="stores-2026-11-22\.csv"/);
    // (fetch's text drops the byte-order mark; test/integration/domain/stores/export.test.ts sees it.)
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Code,Name,Phone,Address,Longitude,Latitude,Region,Owner,Owner name,Status,Stage,Grade,Source,Protected until,Last visit,Created');
    expect(lines.some((l) => l.includes('老王面馆'))).toBe(true);
    expect(lines.some((l) => l.includes('Sunny Cafe'))).toBe(false);

    const { text } = await mgrWest.get('/console/stores.csv');
    expect(text).not.toContain('钱塘茶馆');
    expect(text).toContain('知味小笼');
    expect((await cw.client().get('/console/stores.csv')).status).toBe(303);
  });

  it('keeps a spreadsheet from running a store name as a formula', async () => {
    const s = await store('钱塘茶馆');
    await cw.w.db.store.update({ where: { id: s.id }, data: { name: '=HYPERLINK("http://x","y")' } });
    try {
      const { text } = await admin.get('/console/stores.csv?pool=public');
      expect(text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    } finally {
      await cw.w.db.store.update({ where: { id: s.id }, data: { name: '钱塘茶馆' } });
    }
  });
});

describe('the CSV import', () => {
  it('shows the upload form to admins and managers, and sends a signed-out visitor to sign in', async () => {
    expect((await admin.get('/console/stores/import')).status).toBe(200);
    expect((await mgrWest.get('/console/stores/import')).text).toContain('name="file"');
    expect((await cw.client().get('/console/stores/import')).status).toBe(303);
  });

  it('refuses an upload signed out or without the CSRF token, and keeps nothing', async () => {
    const file = { name: 'stores.csv', content: 'name,lng,lat\nA,120.12,30.24\n' };
    const before = await cw.w.db.upload.count();
    expect((await cw.client().upload('/console/stores/import', {}, file, { csrf: false })).status).toBe(401);
    expect((await admin.upload('/console/stores/import', {}, file, { csrf: false })).status).toBe(403);
    expect(await cw.w.db.upload.count()).toBe(before);
  });

  it('refuses no file, a binary file and a file in another encoding with the reason (422)', async () => {
    const none = await admin.upload('/console/stores/import', {}, { name: 'empty.csv', content: '' });
    expect(none.status).toBe(422);
    expect(none.text).toContain('Choose a CSV file to upload.');
    const png = await admin.upload('/console/stores/import', {}, { name: 'x.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]) });
    expect(png.status).toBe(422);
    expect(png.text).toContain('This is not a CSV text file.');
    const utf16 = await admin.upload('/console/stores/import', {}, { name: 'u16.csv', content: Buffer.from('\ufeffname', 'utf16le') });
    expect(utf16.status).toBe(422);
  });

  it('reads a GBK file, guesses its Chinese columns, and keeps the upload to its owner', async () => {
    const csv = iconv.encode('门店名称,电话,经度,纬度\r\n新开面馆,13900000100,120.12,30.24\r\n', 'gbk');
    const up = await admin.upload('/console/stores/import', {}, { name: '门店.csv', content: csv });
    expect(up.status).toBe(303);
    const id = uploadId(up.headers.get('location'));
    const mapping = await admin.get(`/console/stores/import/${id}`);
    expect(mapping.status).toBe(200);
    expect(mapping.text).toContain('门店.csv: 1 row, read as GBK / GB18030.');
    expect(mapping.text).toContain('<option value="门店名称" selected>');
    expect(mapping.text).toContain('<option value="纬度" selected>');
    expect((await mgrWest.get(`/console/stores/import/${id}`)).status).toBe(404);
    expect((await admin.get('/console/stores/import/not-a-real-upload-id')).status).toBe(404);
    expect((await cw.client().get(`/console/stores/import/${id}`)).status).toBe(303);
  });

  it('refuses a mapping without the required columns, on the mapping form (422)', async () => {
    const up = await admin.upload('/console/stores/import', {}, { name: 'm.csv', content: 'name,phone,lng\nA,13900000101,120.12\n' });
    const id = uploadId(up.headers.get('location'));
    const res = await admin.post(`/console/stores/import/${id}/preview`, mapped({ name: 'name', phone: 'phone', lng: 'lng' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('1 required field has no column: choose them.');
    expect(res.text).toContain('choose the column that holds this (required)');
  });

  it('previews bad rows with their line and column, escaped, refuses apply, and writes nothing', async () => {
    const csv = ['name,phone,lng,lat', 'Fine Tea,13900000110,120.12,30.24', `${XSS},not a phone,120.12,30.24`, 'Nowhere,13900000112,100,30'].join('\n');
    const up = await admin.upload('/console/stores/import', {}, { name: 'bad.csv', content: csv });
    const id = uploadId(up.headers.get('location'));
    const chosen = mapped({ name: 'name', phone: 'phone', lng: 'lng', lat: 'lat' });
    expect((await admin.post(`/console/stores/import/${id}/preview`, chosen, { csrf: false })).status).toBe(403);
    expect((await cw.client().post(`/console/stores/import/${id}/preview`, chosen, { csrf: false })).status).toBe(401);
    expect((await mgrWest.post(`/console/stores/import/${id}/preview`, chosen)).status).toBe(404);
    const preview = await admin.post(`/console/stores/import/${id}/preview`, chosen);
    expect(preview.status).toBe(422);
    expect(preview.text).toContain('Rows with problems: 2.');
    expect(preview.text).toMatch(/<td class="num">3<\/td><td>phone<\/td><td class="error">is not valid<\/td>/);
    expect(preview.text).toMatch(/<td class="num">4<\/td><td>lng, lat<\/td><td class="error">The location \(100, 30\) is outside every sales region.<\/td>/);
    expect(preview.text).toMatch(/<button type="submit" disabled>Import 1 store<\/button>/);
    expect(preview.text).not.toContain(XSS);

    const before = await counts();
    expect((await admin.post(`/console/stores/import/${id}/apply`, chosen, { csrf: false })).status).toBe(403);
    expect((await cw.client().post(`/console/stores/import/${id}/apply`, chosen, { csrf: false })).status).toBe(401);
    expect((await mgrWest.post(`/console/stores/import/${id}/apply`, chosen)).status).toBe(404);
    const refused = await admin.post(`/console/stores/import/${id}/apply`, chosen);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Rows with problems: 2.');
    expect(await counts()).toEqual(before);
  });

  it('refuses a manager rows outside its subtree on apply (403), writing nothing', async () => {
    const csv = 'name,lng,lat\nWest Corner,120.12,30.24\nEast Corner,120.25,30.30\n';
    const up = await mgrWest.upload('/console/stores/import', {}, { name: 'mixed.csv', content: csv });
    const id = uploadId(up.headers.get('location'));
    const chosen = mapped({ name: 'name', lng: 'lng', lat: 'lat' });
    const preview = await mgrWest.post(`/console/stores/import/${id}/preview`, chosen);
    expect(preview.status).toBe(422);
    expect(preview.text).toContain('lies in region &quot;east&quot;, which is outside your part of the company');
    const before = await counts();
    const applied = await mgrWest.post(`/console/stores/import/${id}/apply`, chosen);
    expect(applied.status).toBe(403);
    expect(applied.text).toContain('1 row is outside your part of the company; nothing was written.');
    expect(await counts()).toEqual(before);
  });

  it('imports a good file with its duplicate report, escapes names, and forgets the upload', async () => {
    const csv = ['name,phone,address,lng,lat,owner', `${XSS},13900000120,,120.12,30.24,U0REP1`, 'Somebody Else,138-0000-0001,,120.13,30.25,', 'Tea Two,13900000122,"Wen San Road 2, floor 1",120.14,30.26,'].join('\r\n');
    const up = await admin.upload('/console/stores/import', {}, { name: 'good.csv', content: csv });
    const id = uploadId(up.headers.get('location'));
    const chosen = mapped({ name: 'name', phone: 'phone', address: 'address', lng: 'lng', lat: 'lat', owner: 'owner' });
    const preview = await admin.post(`/console/stores/import/${id}/preview`, chosen);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('To create: 2 (of which 1 with an owner). Duplicates, skipped: 1. Rows with problems: 0.');
    expect(preview.text).toContain('老王面馆'); // the duplicate report names the existing store
    expect(preview.text).toContain(ESCAPED);
    expect(preview.text).not.toContain(XSS);
    expect(preview.text).toMatch(/<button type="submit">Import 2 stores<\/button>/);

    const before = await counts();
    const applied = await admin.post(`/console/stores/import/${id}/apply`, chosen);
    expect(applied.status).toBe(303);
    expect(applied.headers.get('location')).toBe('/console/stores');
    const list = await admin.get('/console/stores');
    expect(list.text).toContain('Imported 2 stores (1 with an owner, 0 contacts); 1 duplicate row skipped.');
    expect(list.text).toContain(ESCAPED);
    expect(list.text).toContain('Tea Two');
    const after = await counts();
    expect(after.stores).toBe(before.stores + 2);
    expect(after.history).toBe(before.history + 1);
    expect(after.audit).toBe(before.audit + 1);
    expect((await store('Tea Two')).address).toBe('Wen San Road 2, floor 1');
    expect((await admin.post(`/console/stores/import/${id}/apply`, chosen)).status).toBe(404);
  });
});
