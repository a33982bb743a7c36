import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
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

function api(body: unknown, o: { token?: string | null; raw?: string; type?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': o.type ?? 'application/json' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  return fetch(`${cw.url}/api/orders`, { method: 'POST', headers, body: o.raw ?? JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    headers: r.headers,
    json: (await r.json()) as Record<string, any>,
  }));
}

/** A token created through the console page, as an admin would. */
async function newToken(name = 'ERP'): Promise<string> {
  const res = await admin.post('/console/api-tokens', { name });
  expect(res.status).toBe(200);
  return /value="(sb_[A-Za-z0-9_-]{43})"/.exec(res.text)![1]!;
}

describe('GET /console/orders', () => {
  it('sends a signed-out visitor to sign in and refuses a manager', async () => {
    const out = await cw.client().get('/console/orders');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toMatch(/^\/console\/sign-in/);
    expect((await mgrWest.get('/console/orders')).status).toBe(403);
    expect((await mgrWest.get('/console/orders/import')).status).toBe(403);
  });

  it('lists the recent orders, filtered by store code, with their text escaped', async () => {
    const token = await newToken('list');
    const cafe = await store('Sunny Cafe');
    const noodles = await store('老王面馆');
    expect((await api({ orderNo: `L-${XSS}`, storeCode: cafe.code, amount: 12345, orderedAt: '2026-11-21T10:00:00+08:00' }, { token })).status).toBe(201);
    expect((await api({ orderNo: 'L-2', storeCode: noodles.code, amount: 500, orderedAt: '2026-11-21T11:00:00+08:00' }, { token })).status).toBe(201);
    const all = await admin.get('/console/orders');
    expect(all.status).toBe(200);
    expect(all.text).toContain(`L-${ESCAPED}`);
    expect(all.text).not.toContain(XSS);
    expect(all.text).toContain('123.45');
    expect(all.text).toContain('2026-11-21 10:00');
    const one = await admin.get(`/console/orders?store=${encodeURIComponent(noodles.code)}`);
    expect(one.text).toContain('L-2');
    expect(one.text).not.toContain('L-&lt;script');
  });
});

describe('the CSV import', () => {
  const goodFile = async () => {
    const cafe = await store('Sunny Cafe');
    const green = await store('Green Leaf Bakery');
    return iconv.encode(['订单号,门店编码,金额,下单时间', `C-1,${cafe.code},88.00,2026-11-21 09:30`, `C-2,${green.code},"1,200.5",2026-11-20 18:00`].join('\r\n'), 'gbk');
  };
  const uploadId = (location: string | null) => /^\/console\/orders\/import\/([A-Za-z0-9_-]+)$/.exec(location ?? '')![1]!;

  it('refuses an upload signed out, without the CSRF token, or from a manager, keeping nothing', async () => {
    const file = { name: 'orders.csv', content: await goodFile() };
    expect((await cw.client().upload('/console/orders/import', {}, file, { csrf: false })).status).toBe(401);
    expect((await admin.upload('/console/orders/import', {}, file, { csrf: false })).status).toBe(403);
    expect((await mgrWest.upload('/console/orders/import', {}, file)).status).toBe(403);
    expect(await cw.w.db.upload.count()).toBe(0);
  });

  it('refuses a file that is not CSV text, or no file, with the reason (422)', async () => {
    const png = await admin.upload('/console/orders/import', {}, { name: 'x.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]) });
    expect(png.status).toBe(422);
    expect(png.text).toContain('This is not a CSV text file.');
    const none = await admin.upload('/console/orders/import', {}, { name: 'empty.csv', content: '' });
    expect(none.status).toBe(422);
    expect(none.text).toContain('Choose a CSV file to upload.');
  });

  it('uploads, guesses the columns, previews, and imports every row or none', async () => {
    // (No slash in the name: the upload keeps only what follows the last one, as a path.)
    const up = await admin.upload('/console/orders/import', {}, { name: 'orders<img src=x onerror=alert(1)>.csv', content: await goodFile() });
    expect(up.status).toBe(303);
    const id = uploadId(up.headers.get('location'));
    const mapping = await admin.get(`/console/orders/import/${id}`);
    expect(mapping.status).toBe(200);
    expect(mapping.text).toContain('<option value="订单号" selected>');
    expect(mapping.text).toContain('<option value="下单时间" selected>');
    expect(mapping.text).toContain('orders&lt;img src=x onerror=alert(1)&gt;.csv: 2 rows');
    expect(mapping.text).not.toContain('<img src=x');
    // Another account cannot use the upload, nor can a made-up id.
    expect((await mgrWest.get(`/console/orders/import/${id}`)).status).toBe(403);
    expect((await admin.get('/console/orders/import/not-a-real-upload-id')).status).toBe(404);

    const chosen = { orderNo: '订单号', storeCode: '门店编码', amount: '金额', orderedAt: '下单时间' };
    const badMapping = await admin.post(`/console/orders/import/${id}/preview`, { ...chosen, amount: '', orderedAt: '订单号' });
    expect(badMapping.status).toBe(422);
    expect(badMapping.text).toContain('choose a column');
    expect(badMapping.text).toContain('column &quot;订单号&quot; is already used for another field');

    expect((await admin.post(`/console/orders/import/${id}/preview`, chosen, { csrf: false })).status).toBe(403);
    expect((await mgrWest.post(`/console/orders/import/${id}/preview`, chosen)).status).toBe(403);
    expect((await cw.client().post(`/console/orders/import/${id}/preview`, chosen, { csrf: false })).status).toBe(401);
    expect((await cw.client().get(`/console/orders/import/${id}`)).status).toBe(303);
    const preview = await admin.post(`/console/orders/import/${id}/preview`, chosen);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('2 rows — 2 new, 0 already recorded, 0 with problems');
    expect(preview.text).toContain('1200.50');
    expect(await cw.w.db.order.count({ where: { orderNo: { startsWith: 'C-' } } })).toBe(0);

    expect((await mgrWest.post(`/console/orders/import/${id}/apply`, chosen)).status).toBe(403);
    expect((await cw.client().post(`/console/orders/import/${id}/apply`, chosen, { csrf: false })).status).toBe(401);
    expect((await admin.post(`/console/orders/import/${id}/apply`, chosen, { csrf: false })).status).toBe(403);
    expect(await cw.w.db.order.count({ where: { orderNo: { startsWith: 'C-' } } })).toBe(0);
    const applied = await admin.post(`/console/orders/import/${id}/apply`, chosen);
    expect(applied.status).toBe(303);
    expect(applied.headers.get('location')).toBe('/console/orders');
    expect((await admin.get('/console/orders')).text).toContain('Imported: 2 new orders, 0 already recorded.');
    expect(await cw.w.db.order.count({ where: { orderNo: { startsWith: 'C-' } } })).toBe(2);
    expect((await store('Green Leaf Bakery')).grade).toBe('A');
    // The upload is gone once applied.
    expect((await admin.get(`/console/orders/import/${id}`)).status).toBe(404);
  });

  it('shows every bad row with its line and column, escaped, and writes nothing', async () => {
    const cafe = await store('Sunny Cafe');
    const csv = ['order_no,store_code,amount,ordered_at', `E-1,${cafe.code},10,2026-11-20 10:00`, `E-2,${cafe.code},${XSS},2026-11-20 10:00`, `E-3,NOPE,10,2026-11-20 10:00`, `E-4,${cafe.code},10,2026-11-31 10:00`].join('\n');
    const up = await admin.upload('/console/orders/import', {}, { name: 'bad.csv', content: csv });
    const id = uploadId(up.headers.get('location'));
    const chosen = { orderNo: 'order_no', storeCode: 'store_code', amount: 'amount', orderedAt: 'ordered_at' };
    const preview = await admin.post(`/console/orders/import/${id}/preview`, chosen);
    expect(preview.status).toBe(422);
    expect(preview.text).toContain('3 problems found. Nothing was imported');
    expect(preview.text).toMatch(/<td class="num">3<\/td><td>amount<\/td><td class="error">&quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot; is not an amount/);
    expect(preview.text).toMatch(/<td class="num">4<\/td><td>store_code<\/td><td class="error">No store with code NOPE\.<\/td>/);
    expect(preview.text).toMatch(/<td class="num">5<\/td><td>ordered_at<\/td>/);
    expect(preview.text).not.toContain(XSS);
    expect(preview.text).not.toContain(`action="/console/orders/import/${id}/apply"`);
    const apply = await admin.post(`/console/orders/import/${id}/apply`, chosen);
    expect(apply.status).toBe(422);
    expect(await cw.w.db.order.count({ where: { orderNo: { startsWith: 'E-' } } })).toBe(0);
  });
});

describe('API tokens', () => {
  it('is admin only: signed out, a manager, or no CSRF token are refused and nothing is written', async () => {
    expect((await cw.client().get('/console/api-tokens')).status).toBe(303);
    expect((await mgrWest.get('/console/api-tokens')).status).toBe(403);
    const before = await cw.w.db.apiToken.count();
    expect((await cw.client().post('/console/api-tokens', { name: 'x' }, { csrf: false })).status).toBe(401);
    expect((await mgrWest.post('/console/api-tokens', { name: 'x' })).status).toBe(403);
    expect((await admin.post('/console/api-tokens', { name: 'x' }, { csrf: false })).status).toBe(403);
    expect(await cw.w.db.apiToken.count()).toBe(before);
  });

  it('shows a new token once, lists it by prefix with its name escaped, and revokes it', async () => {
    const empty = await admin.post('/console/api-tokens', { name: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('is required');

    const created = await admin.post('/console/api-tokens', { name: XSS });
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const token = /value="(sb_[A-Za-z0-9_-]{43})"/.exec(created.text)![1]!;
    expect(created.text).toContain('it is shown only this once');
    const row = await cw.w.db.apiToken.findFirstOrThrow({ where: { name: XSS } });
    expect(row.prefix).toBe(token.slice(0, 10));
    expect(row.tokenHash).not.toContain(token);

    const list = await admin.get('/console/api-tokens');
    expect(list.text).not.toContain(token);
    expect(list.text).toContain(`<code>${row.prefix}…</code>`);
    expect(list.text).toContain(ESCAPED);
    expect(list.text).not.toContain(XSS);

    expect((await mgrWest.post(`/console/api-tokens/${row.id}/revoke`, {})).status).toBe(403);
    expect((await admin.post(`/console/api-tokens/${row.id}/revoke`, {}, { csrf: false })).status).toBe(403);
    expect((await cw.w.db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).toBeNull();
    const revoked = await admin.post(`/console/api-tokens/${row.id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await cw.w.db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
    expect((await admin.post('/console/api-tokens/99999/revoke', {})).status).toBe(404);
  });
});

describe('POST /api/orders', () => {
  let token: string;
  beforeAll(async () => {
    token = await newToken('api tests');
  });
  const order = async (over: Record<string, unknown> = {}) => ({
    orderNo: 'API-1',
    storeCode: (await store('知味小笼')).code,
    amount: 12850,
    orderedAt: '2026-11-22T09:00:00+08:00',
    ...over,
  });

  it('answers 401 with WWW-Authenticate for no token, a bad token, and a revoked token', async () => {
    const none = await api(await order(), { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const bad = await api(await order(), { token: `sb_${'A'.repeat(43)}` });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const doomed = await newToken('doomed');
    const row = await cw.w.db.apiToken.findFirstOrThrow({ where: { name: 'doomed' } });
    const teaHouse = (await store('钱塘茶馆')).code;
    expect((await api(await order({ orderNo: 'DOOMED-1', storeCode: teaHouse }), { token: doomed })).status).toBe(201);
    await admin.post(`/console/api-tokens/${row.id}/revoke`, {});
    const revoked = await api(await order({ orderNo: 'DOOMED-2', storeCode: teaHouse }), { token: doomed });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toContain('Bearer');
    expect(await cw.w.db.order.count({ where: { orderNo: 'DOOMED-2' } })).toBe(0);
  });

  it('answers 400 for a body that is not JSON, 415 for another type, 422 with every issue by path', async () => {
    const broken = await api(null, { token, raw: '{"orderNo": ' });
    expect(broken.status).toBe(400);
    expect(broken.json.error).toBe('bad_json');
    expect((await api(null, { token, raw: 'orderNo=1', type: 'application/x-www-form-urlencoded' })).status).toBe(415);
    const wrong = await api({ orderNo: '', storeCode: 'X', amount: 12.5, orderedAt: '2026-11-22 09:00', extra: 1 }, { token });
    expect(wrong.status).toBe(422);
    const paths = wrong.json.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['orderNo', 'amount', 'orderedAt', '']));
    expect(wrong.json.issues.find((i: { path: string }) => i.path === 'orderedAt').message).toContain('ISO 8601');
    const batch = await api({ orders: [await order(), { ...(await order()), amount: -1 }] }, { token });
    expect(batch.status).toBe(422);
    expect(batch.json.issues[0].path).toBe('orders[1].amount');
    const tooMany = await api({ orders: Array.from({ length: 1001 }, (_, i) => ({ orderNo: `T-${i}`, storeCode: 'X', amount: 1, orderedAt: '2026-11-22T09:00:00+08:00' })) }, { token });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.issues[0]).toMatchObject({ path: 'orders', code: 'validation.too_big' });
    expect(await cw.w.db.order.count({ where: { orderNo: { startsWith: 'T-' } } })).toBe(0);
  });

  it('records one order, grades its store, and is idempotent by order number', async () => {
    expect((await store('知味小笼')).grade).toBe('D');
    const first = await api(await order(), { token });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ created: true, order: { orderNo: 'API-1', amount: 12850, orderedAt: '2026-11-22T01:00:00.000Z', created: true } });
    expect((await store('知味小笼')).grade).toBe('A');
    const lastUsed = await cw.w.db.apiToken.findFirstOrThrow({ where: { name: 'api tests' } });
    expect(lastUsed.lastUsedAt).not.toBeNull();

    const again = await api(await order(), { token });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ created: false, order: { orderNo: 'API-1', created: false } });
    const other = await api(await order({ amount: 99 }), { token });
    expect(other.status).toBe(409);
    expect(other.json.issues[0]).toMatchObject({ path: 'orderNo', code: 'order.conflict' });
    expect(await cw.w.db.order.count({ where: { orderNo: 'API-1' } })).toBe(1);
    const audit = await cw.w.db.auditLog.findFirstOrThrow({ where: { action: 'order.record', after: { contains: '"API-1"' } } });
    expect(JSON.parse(audit.after!)).toMatchObject({ via: 'api', tokenPrefix: token.slice(0, 10) });
  });

  it('records a batch all or nothing', async () => {
    const bad = await api({ orders: [await order({ orderNo: 'B-1' }), await order({ orderNo: 'B-2', storeCode: 'NOPE' })] }, { token });
    expect(bad.status).toBe(422);
    expect(bad.json.issues).toEqual([expect.objectContaining({ path: 'orders[1].storeCode', code: 'store.not_found_code' })]);
    expect(await cw.w.db.order.count({ where: { orderNo: { startsWith: 'B-' } } })).toBe(0);

    const ok = await api({ orders: [await order({ orderNo: 'B-1' }), await order({ orderNo: 'B-2', amount: 1 }), await order()] }, { token });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ created: 2, unchanged: 1 });
    expect(ok.json.orders.map((o: { created: boolean }) => o.created)).toEqual([true, true, false]);
    const conflict = await api({ orders: [await order({ orderNo: 'B-1', amount: 2 })] }, { token });
    expect(conflict.status).toBe(409);
    expect(conflict.json.issues[0].path).toBe('orders[0].orderNo');
  });
});
