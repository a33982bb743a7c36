import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_FAILURES } from '../../../../src/domain/console/accounts.ts';
import { ADDRESS_QUIET_MINUTES } from '../../../../src/domain/console/throttle.ts';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());
// Every request of these tests comes from 127.0.0.1: a quiet hour between tests starts its count again.
beforeEach(() => cw.w.clock.advance(ADDRESS_QUIET_MINUTES * 60_000 + 1000));

async function tryPassword(email: string, password: string) {
  const c = cw.client();
  const page = await c.get('/console/sign-in');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return c.post('/console/sign-in', { _csrf: token, email, password }, { csrf: false });
}

/** The page without what differs by design from one request to the next (the form's token and field ids, the email typed). */
const shape = (text: string, email: string) =>
  text
    .replace(/name="_csrf" value="[^"]+"/, '')
    .replace(/f-(email|password)-\d+/g, 'f-$1')
    .replaceAll(email, 'EMAIL');

describe('console sign-in under attack', () => {
  it('does not sign in with the right password sent among 25 parallel wrong ones', async () => {
    const email = cw.accounts.mgrEast.email;
    // The forms first (each has its own CSRF cookie), then every password at once.
    const clients = await Promise.all(
      Array.from({ length: 26 }, async () => {
        const c = cw.client();
        const token = /name="_csrf" value="([^"]+)"/.exec((await c.get('/console/sign-in')).text)![1]!;
        return { c, token };
      }),
    );
    const sent = clients.map(({ c, token }, i) => c.post('/console/sign-in', { _csrf: token, email, password: i === 25 ? cw.accounts.mgrEast.password : `guess-${i}` }, { csrf: false }));
    const replies = await Promise.all(sent);
    expect(replies.filter((r) => r.status === 303)).toEqual([]);
    // 401 for a guess checked before the lock, 429 for the others (a check that ended after it too).
    for (const r of replies) expect([401, 429]).toContain(r.status);
    expect(replies.filter((r) => r.status === 401).length).toBeLessThanOrEqual(MAX_FAILURES);
    for (const r of replies.filter((x) => x.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers a known and an unknown email alike, lock-out included', async () => {
    const known = cw.accounts.mgrWest.email;
    const unknown = 'nobody.here@seaboard.test';
    const a: { status: number; body: string; retry: string | null }[] = [];
    const b: typeof a = [];
    // In turns, at the same time of the clock (the lock's end is in the message).
    for (let i = 0; i < MAX_FAILURES; i++) {
      for (const [email, out] of [[known, a], [unknown, b]] as const) {
        const r = await tryPassword(email, `guess-${i}`);
        out.push({ status: r.status, body: shape(r.text, email), retry: r.headers.get('retry-after') });
      }
    }
    expect(a.map((r) => r.status)).toEqual([401, 401, 401, 401, 429]);
    for (let i = 0; i < a.length; i++) {
      expect(b[i]!.status, String(i)).toBe(a[i]!.status);
      expect(b[i]!.retry, String(i)).toBe(a[i]!.retry);
      expect(b[i]!.body, String(i)).toBe(a[i]!.body);
    }
    expect(a[4]!.body).toContain('Too many sign-in attempts with this email. Try again after');
    expect(a[4]!.retry).toBe(String(15 * 60));
  });

  it('lets an admin unlock a locked account from the person’s page, audited', async () => {
    const email = cw.accounts.mgrWest.email;
    const person = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0MGR1' } });
    const admin = await cw.as('admin');
    expect((await admin.get(`/console/people/${person.id}`)).text).not.toContain('id="console-lock"');
    for (let i = 0; i < MAX_FAILURES; i++) await tryPassword(email, `guess-${i}`);
    expect((await tryPassword(email, cw.accounts.mgrWest.password)).status).toBe(429);

    const page = await admin.get(`/console/people/${person.id}`);
    expect(page.text).toContain('Sign-in is locked until');
    expect(page.text).toContain(`action="/console/people/${person.id}/console-access/unlock"`);
    // Only with the session's CSRF token, only for an admin.
    expect((await admin.post(`/console/people/${person.id}/console-access/unlock`, {}, { csrf: false })).status).toBe(403);
    const manager = await cw.as('mgrEast');
    expect((await manager.post(`/console/people/${person.id}/console-access/unlock`, {})).status).toBe(403);
    expect((await tryPassword(email, cw.accounts.mgrWest.password)).status).toBe(429);

    const done = await admin.post(`/console/people/${person.id}/console-access/unlock`, {});
    expect(done.status).toBe(303);
    expect((await admin.get(`/console/people/${person.id}`)).text).toContain('Sign-in is unlocked.');
    const audit = await cw.w.db.auditLog.findMany({ where: { action: 'console.unlock', entityId: String(person.id) } });
    expect(audit.length).toBe(1);
    expect((await tryPassword(email, cw.accounts.mgrWest.password)).status).toBe(303);
  });

  it('makes one address wait after ten attempts, saying until when', async () => {
    let last: Awaited<ReturnType<typeof tryPassword>> | null = null;
    for (let i = 0; i < 11; i++) last = await tryPassword(`someone${i}@seaboard.test`, 'x');
    expect(last!.status).toBe(401);
    const held = await tryPassword(cw.accounts.admin.email, cw.accounts.admin.password);
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toBe('1');
    expect(held.text).toContain('Too many sign-in attempts from your network. Try again after');
    cw.w.clock.advance(1000);
    expect((await tryPassword(cw.accounts.admin.email, cw.accounts.admin.password)).status).toBe(303);
  });
});

describe('a signed-in admin', () => {
  let admin: ConsoleClient;
  beforeAll(async () => {
    cw.w.clock.advance(ADDRESS_QUIET_MINUTES * 60_000 + 1000);
    admin = await cw.as('admin');
  });

  it('is answered 404, not 500, for a malformed id in any per-id console route', async () => {
    const t1 = await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } });
    const bad = ['abc', '0', '-1', '1e3', '0x10', '1.5', '99999999999', '%20'];
    const posts: [string, Record<string, string>][] = [
      ['/console/people/ID/console-access', { email: 'x@example.com' }],
      ['/console/people/ID/console-access/reset', {}],
      ['/console/people/ID/console-access/unlock', {}],
      ['/console/people/ID', { name: 'X', role: 'rep', unitId: String(t1.id) }],
      ['/console/people/ID/deactivate', { to: 'pool' }],
      ['/console/org/units/ID/rename', { name: 'X' }],
      ['/console/org/units/ID/move', { parentId: '' }],
      ['/console/org/units/ID/lead', { leadId: '' }],
      ['/console/org/units/ID/delete', { confirm: 'yes' }],
      ['/console/regions/ID', { key: 'k', name: 'n', unitId: String(t1.id), polygon: '' }],
      ['/console/regions/ID/delete', { confirm: 'yes' }],
      ['/console/api-tokens/ID/revoke', {}],
      ['/console/approvals/steps/ID/reassign', { toPersonId: '1' }],
      ['/console/stores/import/ID/preview', {}],
      ['/console/orders/import/ID/apply', {}],
    ];
    const gets = ['/console/people/ID', '/console/regions/ID', '/console/regions/ID/delete', '/console/stores/ID', '/console/stores/import/ID', '/console/orders/import/ID'];
    for (const id of bad) {
      for (const path of gets) expect((await admin.get(path.replace('ID', id))).status, `GET ${path} ${id}`).toBe(404);
      for (const [path, fields] of posts) expect((await admin.post(path.replace('ID', id), fields)).status, `POST ${path} ${id}`).toBe(404);
    }
    // An id that could be one but is not there: 404 as well (console-access on a missing person was a 500).
    expect((await admin.post('/console/people/99999/console-access', { email: 'x@example.com' })).status).toBe(404);
    expect((await admin.post('/console/people/99999/console-access/unlock', {})).status).toBe(404);
  });
});
