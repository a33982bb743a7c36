import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

const personId = async (slackId: string) => (await cw.w.db.person.findUniqueOrThrow({ where: { slackId } })).id;

describe('console access from the person page', () => {
  it('lets an admin give a supervisor-turned-manager access; the one-time password signs in once and must be changed', async () => {
    const admin = await cw.as('admin');
    const id = await personId('U0SUP1');
    await cw.w.db.person.update({ where: { id }, data: { role: 'manager' } });
    const page = await admin.get(`/console/people/${id}`);
    expect(page.text).toContain('Give console access');
    const res = await admin.post(`/console/people/${id}/console-access`, { email: 'Han.Meimei@seaboard.test' });
    expect(res.status).toBe(200);
    const password = /id="one-time-password">([^<]+)</.exec(res.text)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9-]{19}$/);
    const han = cw.client();
    await han.signIn({ email: 'han.meimei@seaboard.test', password: password! });
    expect((await han.get('/console/stores')).headers.get('location')).toBe('/console/password');
    expect((await admin.get(`/console/people/${id}`)).text).toContain('Signs in to the console as han.meimei@seaboard.test.');
    const twice = await admin.post(`/console/people/${id}/console-access`, { email: 'other@seaboard.test' });
    expect(twice.status).toBe(409);
    expect(await cw.w.db.consoleAccount.count({ where: { personId: id } })).toBe(1);
  });

  it('refuses a rep, a bad email, a manager acting, and a request without CSRF; nothing is written', async () => {
    const admin = await cw.as('admin');
    const rep = await personId('U0REP1');
    const refused = await admin.post(`/console/people/${rep}/console-access`, { email: 'li.lei@seaboard.test' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('only admins and managers use the console');
    const mgrEast = await personId('U0MGR2');
    const bad = await admin.post(`/console/people/${mgrEast}/console-access`, { email: 'not an email<script>' });
    expect(bad.status).toBe(422);
    expect(bad.text).not.toContain('<script>');
    const west = await cw.as('mgrWest');
    expect((await west.post(`/console/people/${rep}/console-access`, { email: 'x@seaboard.test' })).status).toBe(403);
    expect((await admin.post(`/console/people/${rep}/console-access`, { email: 'x@seaboard.test' }, { csrf: false })).status).toBe(403);
    expect(await cw.w.db.consoleAccount.count({ where: { email: { in: ['li.lei@seaboard.test', 'x@seaboard.test'] } } })).toBe(0);
  });

  it('issues a new one-time password that ends the old sessions', async () => {
    const east = await cw.as('mgrEast');
    expect((await east.get('/console')).status).toBe(200);
    const admin = await cw.as('admin');
    const res = await admin.post(`/console/people/${await personId('U0MGR2')}/console-access/reset`, {});
    expect(res.text).toMatch(/id="one-time-password">[A-Za-z0-9-]+</);
    expect((await east.get('/console')).status).toBe(303);
  });
});
