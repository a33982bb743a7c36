import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

const XSS = '<img src=x onerror=alert(1)>';
const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';

/** The message a redirect leaves for the next page (the flash cookie). */
async function flashAfter(c: ConsoleClient, res: { status: number; headers: Headers }): Promise<string> {
  expect(res.status).toBe(303);
  const page = await c.get(res.headers.get('location')!);
  return /<p class="flash (?:ok|error)" role="status">([^<]*)<\/p>/.exec(page.text)?.[1] ?? '';
}

describe('people pages', () => {
  let cw: ConsoleWorld;
  let admin: ConsoleClient;
  let mgrWest: ConsoleClient;
  beforeAll(async () => {
    cw = await consoleWorld();
    admin = await cw.as('admin');
    mgrWest = await cw.as('mgrWest');
  });
  afterAll(async () => cw?.stop());

  const people = () => cw.w.db.person.findMany({ orderBy: { id: 'asc' } });
  const unit = (key: string) => cw.w.db.orgUnit.findUniqueOrThrow({ where: { key } });

  it('sends a signed-out visitor of every page to sign in, and refuses its posts', async () => {
    const anon = cw.client();
    const id = cw.w.people.rep1.id;
    for (const path of ['/console/people', '/console/people/new', `/console/people/${id}`]) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toMatch(/^\/console\/sign-in\?next=/);
    }
    const before = await people();
    for (const path of ['/console/people', `/console/people/${id}`, `/console/people/${id}/deactivate`, '/console/people/import-slack']) {
      expect((await anon.post(path, { name: 'X', role: 'rep', to: 'pool' }, { csrf: false })).status, path).toBe(401);
    }
    expect(await people()).toEqual(before);
  });

  it('refuses every post without the CSRF token, writing nothing', async () => {
    const id = cw.w.people.rep2.id;
    const t1 = await unit('hz-west-t1');
    const before = await people();
    expect((await admin.post('/console/people', { name: 'X', role: 'rep', unitId: String(t1.id) }, { csrf: false })).status).toBe(403);
    expect((await admin.post(`/console/people/${id}`, { name: 'Renamed', role: 'rep', unitId: String(t1.id) }, { csrf: false })).status).toBe(403);
    expect((await admin.post(`/console/people/${id}/deactivate`, { to: 'pool' }, { csrf: false })).status).toBe(403);
    expect((await admin.post('/console/people/import-slack', { unitId: String(t1.id) }, { csrf: false })).status).toBe(403);
    expect(await people()).toEqual(before);
  });

  it('lists everyone for an admin, with search and filters, and only the subtree for a manager', async () => {
    const all = await admin.get('/console/people');
    expect(all.status).toBe(200);
    expect(all.text).toContain('孙丽');
    expect(all.text).toContain('Zhou Min');
    const lei = await admin.get('/console/people?text=lei');
    expect(lei.text).toContain('Li Lei');
    expect(lei.text).toContain('Zhao Lei');
    expect(lei.text).not.toContain('Sam Carter');
    const sups = await admin.get('/console/people?role=supervisor');
    expect(sups.text).toContain('Olivia Brown');
    expect(sups.text).not.toContain('Li Lei');
    const t2 = await unit('hz-west-t2');
    const team2 = await admin.get(`/console/people?unit=${t2.id}`);
    expect(team2.text).toContain('刘洋');
    expect(team2.text).not.toContain('Sam Carter');
    const paged = await admin.get('/console/people?page=2&status=all');
    expect(paged.status).toBe(200);

    const west = await mgrWest.get('/console/people');
    expect(west.text).toContain('Sam Carter');
    expect(west.text).not.toContain('孙丽');
    expect(west.text).not.toContain('Zhou Min');
    // no Slack connected: no import button
    expect(west.text).not.toContain('Import from Slack');
    expect(all.text).not.toContain('Import from Slack');
    const east = await unit('hz-east');
    expect((await mgrWest.get(`/console/people?unit=${east.id}`)).status).toBe(403);
  });

  it('adds a person; bad input comes back on the form (422) with each field’s message, escaped', async () => {
    const form = await admin.get('/console/people/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<option value="admin">admin</option>');
    expect((await mgrWest.get('/console/people/new')).text).not.toContain('<option value="admin">');

    const before = await people();
    const bad = await admin.post('/console/people', { name: XSS, role: 'rep', unitId: '', email: 'not-an-email', timezone: 'Mars/Base', slackId: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Please correct the marked fields.');
    expect(bad.text).toContain('is not an email address');
    expect(bad.text).toContain('is not a known time zone');
    expect(bad.text).toContain('must be a Slack user id such as U012AB3CD');
    expect(bad.text).toContain(`value="${ESCAPED}"`);
    expect(bad.text).not.toContain(XSS);
    const noUnit = await admin.post('/console/people', { name: 'Nobody', role: 'rep', unitId: '' });
    expect(noUnit.status).toBe(422);
    expect(noUnit.text).toContain('a rep needs a unit');
    expect(await people()).toEqual(before);

    const t1 = await unit('hz-west-t1');
    const res = await admin.post('/console/people', { name: XSS, role: 'rep', unitId: String(t1.id), email: 'new@example.com', locale: 'en', timezone: 'Asia/Shanghai', slackId: '' });
    expect(res.headers.get('location')).toMatch(/^\/console\/people\/\d+$/);
    const page = await admin.get(res.headers.get('location')!);
    expect(page.text).toContain(`${ESCAPED} added.`);
    expect(page.text).toContain(`<h1>${ESCAPED}`);
    expect(page.text).not.toContain(XSS);
    const list = await admin.get('/console/people?text=onerror');
    expect(list.text).toContain(ESCAPED);
    expect(list.text).not.toContain(XSS);
  });

  it('refuses a manager adding outside its subtree or making an admin (403), writing nothing', async () => {
    const [east, t1] = await Promise.all([unit('hz-east'), unit('hz-west-t1')]);
    const before = await people();
    expect((await mgrWest.post('/console/people', { name: 'Spy', role: 'rep', unitId: String(east.id) })).status).toBe(403);
    expect((await mgrWest.post('/console/people', { name: 'Boss', role: 'admin', unitId: String(t1.id) })).status).toBe(403);
    expect(await people()).toEqual(before);
    const ok = await mgrWest.post('/console/people', { name: 'West Rep', role: 'rep', unitId: String(t1.id) });
    expect(ok.status).toBe(303);
  });

  it('shows a person with their stores and history; to a manager one of another subtree does not exist (404)', async () => {
    const rep1 = await admin.get(`/console/people/${cw.w.people.rep1.id}`);
    expect(rep1.status).toBe(200);
    expect(rep1.text).toMatch(/<dd id="store-count">1<\/dd>/);
    expect(rep1.text).toContain('Role and unit history');
    // The same answer as an id that does not exist, without the name: ids cannot be probed.
    await mgrWest.get('/console/people/99999'); // takes any flash message left by an earlier test
    const other = await mgrWest.get(`/console/people/${cw.w.people.rep4.id}`);
    const none = await mgrWest.get('/console/people/99999');
    expect([other.status, none.status]).toEqual([404, 404]);
    expect(other.text).not.toContain('孙丽');
    expect(other.text.replace(/\d+/g, '#')).toBe(none.text.replace(/\d+/g, '#'));
    expect((await mgrWest.get(`/console/people/${cw.w.people.admin.id}`)).status).toBe(404);
    expect((await admin.get('/console/people/99999')).status).toBe(404);
    expect((await admin.get('/console/people/abc')).status).toBe(404);
  });

  it('edits a person: a promotion lands in the history; bad input is 422; a manager outside is 403 or 404', async () => {
    const sam = cw.w.people.rep2;
    const [t1, t2, east] = await Promise.all([unit('hz-west-t1'), unit('hz-west-t2'), unit('hz-east')]);
    const fields = { name: 'Sam Carter', role: 'rep', unitId: String(t1.id), email: '', locale: 'en', timezone: 'Asia/Shanghai', slackId: 'U0REP2' };
    const bad = await admin.post(`/console/people/${sam.id}`, { ...fields, timezone: 'Nowhere/City' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('is not a known time zone');
    const taken = await admin.post(`/console/people/${sam.id}`, { ...fields, slackId: 'U0REP1' });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('is already the Slack id of Li Lei');

    const before = await people();
    expect((await mgrWest.post(`/console/people/${sam.id}`, { ...fields, unitId: String(east.id) })).status).toBe(403);
    expect((await mgrWest.post(`/console/people/${cw.w.people.rep4.id}`, { ...fields, name: 'Mine' })).status).toBe(404);
    expect((await mgrWest.post(`/console/people/${cw.w.people.mgrWest.id}`, { ...fields, name: 'Wang Fang', role: 'admin', slackId: 'U0MGR1' })).status).toBe(403);
    expect(await people()).toEqual(before);

    const promoted = await mgrWest.post(`/console/people/${sam.id}`, { ...fields, role: 'supervisor', unitId: String(t2.id) });
    expect(await flashAfter(mgrWest, promoted)).toBe('Sam Carter saved.');
    const page = await mgrWest.get(`/console/people/${sam.id}`);
    expect(page.text).toMatch(/rep → supervisor<\/td>\s*<td>Team 1 → Team 2<\/td>\s*<td>Wang Fang<\/td>/);
    expect(await cw.w.db.personChange.count({ where: { personId: sam.id } })).toBe(1);
  });

  it('deactivates a leaver with the handover, telling how many stores and approval steps moved', async () => {
    const rep3 = cw.w.people.rep3; // 刘洋 owns Green Leaf Bakery
    const rep1 = cw.w.people.rep1;
    const missing = await admin.post(`/console/people/${rep3.id}/deactivate`, { to: 'rep', toPersonId: '' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('must be a number');
    const before = await people();
    const east = await mgrWest.get(`/console/people/${cw.w.people.rep4.id}`);
    expect(east.status).toBe(404);
    expect((await mgrWest.post(`/console/people/${cw.w.people.rep4.id}/deactivate`, { to: 'pool' })).status).toBe(404);
    expect((await mgrWest.post(`/console/people/${rep3.id}/deactivate`, { to: 'rep', toPersonId: String(cw.w.people.rep4.id) })).status).toBe(403);
    expect(await people()).toEqual(before);

    const res = await mgrWest.post(`/console/people/${rep3.id}/deactivate`, { to: 'rep', toPersonId: String(rep1.id) });
    expect(await flashAfter(mgrWest, res)).toBe('刘洋 is deactivated: 1 store handed over, 0 approval steps moved.');
    expect((await cw.w.store('Green Leaf Bakery')).ownerId).toBe(rep1.id);
    const page = await mgrWest.get(`/console/people/${rep3.id}`);
    expect(page.text).toContain('(deactivated)');
    expect(page.text).not.toContain('id="deactivate"');
    const again = await mgrWest.post(`/console/people/${rep3.id}/deactivate`, { to: 'pool' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('刘洋 is already deactivated.');
  });

  it('has no Slack import without a bot token', async () => {
    const t1 = await unit('hz-west-t1');
    expect((await admin.post('/console/people/import-slack', { unitId: String(t1.id) })).status).toBe(404);
  });
});

describe('import from Slack (users.list on a stand-in Slack)', () => {
  let cw: ConsoleWorld;
  let admin: ConsoleClient;
  beforeAll(async () => {
    cw = await consoleWorld({ slack: true });
    admin = await cw.as('admin');
    const standin = cw.standin!;
    standin.addUser({ id: 'U0REP1', name: 'Li Lei', email: 'lilei@example.com', locale: 'zh-CN', tz: 'Asia/Shanghai' });
    standin.addUser({ id: 'USLACKBOT', name: 'Slackbot' });
    standin.addUser({ id: 'B0CRM', name: 'CRM bot', isBot: true });
    standin.addUser({ id: 'U0GONE', name: 'Gone', deleted: true });
    standin.addUser({ id: 'U0XSS', name: XSS });
    // More than one page of 200: the import follows the cursor.
    for (let i = 0; i < 230; i++) standin.addUser({ id: `U1${String(i).padStart(4, '0')}`, name: `Member ${i}`, locale: 'en-US', tz: 'Asia/Shanghai' });
  });
  afterAll(async () => cw?.stop());

  it('shows the button to admins only; a manager is refused (403), writing nothing', async () => {
    expect((await admin.get('/console/people')).text).toContain('Import from Slack');
    const mgr = await cw.as('mgrWest');
    expect((await mgr.get('/console/people')).text).not.toContain('Import from Slack');
    const t1 = await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } });
    const count = await cw.w.db.person.count();
    expect((await mgr.post('/console/people/import-slack', { unitId: String(t1.id) })).status).toBe(403);
    expect(cw.standin!.callsOf('users.list')).toHaveLength(0);
    expect(await cw.w.db.person.count()).toBe(count);
  });

  it('says so when Slack fails, writing nothing, and asks for a unit', async () => {
    const count = await cw.w.db.person.count();
    cw.standin!.inject({ method: 'users.list', status: 500, times: 1 });
    const t1 = await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } });
    expect(await flashAfter(admin, await admin.post('/console/people/import-slack', { unitId: String(t1.id) }))).toMatch(/^Slack did not answer the list of users \(.+\)\. Nothing was changed\.$/);
    expect(await flashAfter(admin, await admin.post('/console/people/import-slack', { unitId: '' }))).toBe('Choose the unit new people go to.');
    expect(await cw.w.db.person.count()).toBe(count);
    cw.standin!.clearFaults();
  });

  it('brings every page of members in, refreshing known ones and adding reps to the chosen unit', async () => {
    cw.standin!.calls.length = 0;
    const t2 = await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t2' } });
    const res = await admin.post('/console/people/import-slack', { unitId: String(t2.id) });
    expect(await flashAfter(admin, res)).toBe('Slack import: 231 added, 1 updated, 0 unchanged, 3 skipped.');
    const calls = cw.standin!.callsOf('users.list');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args.cursor).toBeTruthy();
    const li = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0REP1' } });
    expect([li.email, li.unitId]).toEqual(['lilei@example.com', cw.w.people.rep1.unitId]);
    const m = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U10229' } });
    expect([m.name, m.role, m.unitId, m.locale]).toEqual(['Member 229', 'rep', t2.id, 'en']);
    const list = await admin.get(`/console/people?text=onerror`);
    expect(list.text).toContain(ESCAPED);
    expect(list.text).not.toContain(XSS);
  });
});
