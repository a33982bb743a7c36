import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../../src/domain/console/api-tokens.ts';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let admin: ConsoleClient;
beforeAll(async () => {
  cw = await consoleWorld();
  admin = await cw.as('admin');
});
afterAll(async () => cw?.stop());

const code = async (name: string) => (await cw.w.db.store.findFirstOrThrow({ where: { name } })).code;

async function call(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${cw.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, headers: r.headers, json: (await r.json()) as Record<string, any> };
}

/** A token made on the console page with the access chosen there; the page shows it once. */
async function newToken(name: string, scope?: string): Promise<{ token: string; page: string }> {
  const res = await admin.post('/console/api-tokens', { name, ...(scope ? { scope } : {}) });
  expect(res.status).toBe(200);
  return { token: /value="(sb_[A-Za-z0-9_-]{43})"/.exec(res.text)![1]!, page: res.text };
}

describe('API token scopes', () => {
  it('are chosen when a token is made and shown in the list; write is the default', async () => {
    const form = await admin.get('/console/api-tokens');
    expect(form.text).toContain('<option value="orders:write" selected>');
    expect(form.text).toContain('<option value="orders:read">');
    const reader = await newToken('BI dashboard', 'orders:read');
    expect(reader.page).toContain('Access: read orders only (orders:read).');
    await newToken('ERP');
    const list = await admin.get('/console/api-tokens');
    expect(list.text).toMatch(/BI dashboard<\/td><td><code>sb_[^<]+…<\/code><\/td><td data-scope="orders:read">read orders only/);
    expect(list.text).toMatch(/ERP<\/td><td><code>sb_[^<]+…<\/code><\/td><td data-scope="orders:write">record and read orders/);
    const bad = await admin.post('/console/api-tokens', { name: 'Odd', scope: 'orders:admin' });
    expect(bad.status).toBe(422);
    expect(await cw.w.db.apiToken.count({ where: { name: 'Odd' } })).toBe(0);
    const audit = await cw.w.db.auditLog.findFirstOrThrow({ where: { action: 'api_token.create' }, orderBy: { id: 'asc' } });
    expect(JSON.parse(audit.after!)).toMatchObject({ name: 'BI dashboard', scope: 'orders:read' });
  });

  it('are enforced: a read-only token gets 403 on POST /api/orders and writes nothing', async () => {
    const { token } = await newToken('read only', 'orders:read');
    const order = { orderNo: 'SCOPE-1', storeCode: await code('Sunny Cafe'), amount: 100, orderedAt: '2026-11-22T09:00:00+08:00' };
    const refused = await call('POST', '/api/orders', token, order);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('insufficient_scope');
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="orders:write"');
    expect(await cw.w.db.order.count({ where: { orderNo: 'SCOPE-1' } })).toBe(0);
    const writer = await newToken('writer', 'orders:write');
    expect((await call('POST', '/api/orders', writer.token, order)).status).toBe(201);
    // Order numbers with hidden characters are refused (NUL, a right-to-left override).
    for (const orderNo of ['SCOPE-2\u0000', 'SCOPE-\u202e2']) {
      const hidden = await call('POST', '/api/orders', writer.token, { ...order, orderNo });
      expect(hidden.status).toBe(422);
      expect(hidden.json.issues).toEqual([{ path: 'orderNo', code: 'validation.control_chars', message: 'must not contain control characters or hidden text-direction marks' }]);
    }
  });

  it('make existing tokens (made before scopes) write tokens', async () => {
    // A row as 0005 left it: the column's default is what the migration gives existing tokens.
    const { token } = await createApiToken(cw.w.deps, cw.w.people.admin, { name: 'from before' });
    const row = await cw.w.db.apiToken.findFirstOrThrow({ where: { name: 'from before' } });
    expect(row.scope).toBe('orders:write');
    await cw.w.db.$executeRawUnsafe(`INSERT INTO "ApiToken" ("name", "tokenHash", "prefix", "createdById", "createdAt") SELECT 'raw', 'h' || "tokenHash", "prefix", "createdById", "createdAt" FROM "ApiToken" WHERE "id" = ${row.id}`);
    expect((await cw.w.db.apiToken.findFirstOrThrow({ where: { name: 'raw' } })).scope).toBe('orders:write');
    const order = { orderNo: 'OLD-1', storeCode: await code('Sunny Cafe'), amount: 100, orderedAt: '2026-11-22T09:00:00+08:00' };
    expect((await call('POST', '/api/orders', token, order)).status).toBe(201);
  });
});

describe('GET /api/orders', () => {
  let reader: string;
  beforeAll(async () => {
    reader = (await newToken('reader', 'orders:read')).token;
    const writer = (await newToken('feeder', 'orders:write')).token;
    const [a, b] = [await code('知味小笼'), await code('钱塘茶馆')];
    const orders = Array.from({ length: 5 }, (_, i) => ({ orderNo: `READ-${i}`, storeCode: i % 2 ? b : a, amount: 1000 + i, orderedAt: `2026-11-1${5 + i}T10:00:00+08:00` }));
    expect((await call('POST', '/api/orders', writer, { orders })).status).toBe(201);
  });

  it('needs a token; either scope reads', async () => {
    expect((await call('GET', '/api/orders', null)).status).toBe(401);
    expect((await call('GET', '/api/orders', reader)).status).toBe(200);
  });

  it('filters by store and time, oldest first, a page at a time with the next page’s link', async () => {
    const a = await code('知味小笼');
    const first = await call('GET', `/api/orders?storeCode=${a}&since=${encodeURIComponent('2026-11-17T00:00:00+08:00')}&pageSize=1`, reader);
    expect(first.status).toBe(200);
    const mine = (o: { orderNo: string }) => o.orderNo.startsWith('READ-');
    expect(first.json.total).toBe(2);
    expect(first.json.orders).toEqual([{ orderNo: 'READ-2', storeCode: a, amount: 1002, orderedAt: '2026-11-17T02:00:00.000Z', recordedAt: expect.any(String) }]);
    expect(first.json.next).toBe(`/api/orders?storeCode=${a}&since=2026-11-16T16%3A00%3A00.000Z&page=2&pageSize=1`);
    const second = await call('GET', first.json.next, reader);
    expect(second.json.orders.map((o: { orderNo: string }) => o.orderNo)).toEqual(['READ-4']);
    expect(second.json.next).toBeNull();
    const all = await call('GET', '/api/orders?pageSize=500', reader);
    expect(all.json.orders.filter(mine).map((o: { orderNo: string }) => o.orderNo)).toEqual(['READ-0', 'READ-1', 'READ-2', 'READ-3', 'READ-4']);
  });

  it('answers 422 for a parameter it cannot read', async () => {
    for (const q of ['since=yesterday', 'since=2026-11-22', 'page=0', 'pageSize=501', 'pageSize=x', 'storeCode=%E2%80%AEX', 'other=1']) {
      const r = await call('GET', `/api/orders?${q}`, reader);
      expect(r.status, q).toBe(422);
      expect(r.json.issues.length, q).toBeGreaterThan(0);
    }
  });
});
