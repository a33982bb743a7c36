import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

// The person page's Away form: an admin, or a manager over the person, sets a period away with a
// delegate; refusals come back on the form by field; the period can be ended. T0 is 2026-11-22.

const XSS = '<img src=x onerror=alert(1)>';

async function flashAfter(c: ConsoleClient, res: { status: number; headers: Headers }): Promise<string> {
  expect(res.status).toBe(303);
  const page = await c.get(res.headers.get('location')!);
  return /<p class="flash (?:ok|error)" role="status">([^<]*)<\/p>/.exec(page.text)?.[1] ?? '';
}

describe('console: away with a delegate', () => {
  let cw: ConsoleWorld;
  let admin: ConsoleClient;
  let mgrWest: ConsoleClient;
  let mgrEast: ConsoleClient;
  beforeAll(async () => {
    cw = await consoleWorld();
    admin = await cw.as('admin');
    mgrWest = await cw.as('mgrWest');
    mgrEast = await cw.as('mgrEast');
  });
  afterAll(async () => cw?.stop());

  const absences = () => cw.w.db.absence.findMany({ orderBy: { id: 'asc' } });
  const sup1 = () => cw.w.people.sup1.id;

  it('refuses a signed-out visitor and a post without the CSRF token, writing nothing', async () => {
    const form = { from: '2026-12-10', to: '2026-12-14', delegateId: String(cw.w.people.mgrWest.id) };
    expect((await cw.client().post(`/console/people/${sup1()}/away`, form, { csrf: false })).status).toBe(401);
    expect((await admin.post(`/console/people/${sup1()}/away`, form, { csrf: false })).status).toBe(403);
    expect((await admin.post(`/console/people/${sup1()}/away/end`, {}, { csrf: false })).status).toBe(403);
    expect(await absences()).toEqual([]);
  });

  it('shows the form on a supervisor’s page, with the delegates who can see their team; none on a rep’s', async () => {
    const page = await mgrWest.get(`/console/people/${sup1()}`);
    expect(page.status).toBe(200);
    const form = /<form method="post" action="\/console\/people\/\d+\/away" id="away-form">[\s\S]*?<\/form>/.exec(page.text)?.[0] ?? '';
    expect(form).toContain('name="_csrf"');
    expect(form).toContain('Wang Fang (West Lake area)');
    expect(form).toContain('Zhou Min');
    expect(form).not.toContain('Olivia Brown');
    expect(form).not.toContain('Li Lei');
    expect((await admin.get(`/console/people/${cw.w.people.rep1.id}`)).text).not.toContain('id="away"');
  });

  it('refuses bad input on the form, by field, writing nothing; a manager outside the subtree is refused', async () => {
    const bad = await mgrWest.post(`/console/people/${sup1()}/away`, { from: '2026-11-01', to: '2026-10-30', delegateId: String(cw.w.people.mgrWest.id) });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('must be today (2026-11-22) or later');
    expect(bad.text).toContain('must be the first day or later');
    const none = await mgrWest.post(`/console/people/${sup1()}/away`, { from: '2026-12-10', to: '2026-12-14', delegateId: '' });
    expect(none.status).toBe(422);
    expect(none.text).toMatch(/<span class="error" id="f-delegateId-\d+-error">/);
    const rep = await mgrWest.post(`/console/people/${sup1()}/away`, { from: '2026-12-10', to: '2026-12-14', delegateId: String(cw.w.people.rep2.id) });
    expect(rep.status).toBe(422);
    expect(rep.text).toContain('Sam Carter is a rep and cannot approve');
    const odd = await mgrWest.post(`/console/people/${sup1()}/away`, { from: XSS, to: '2026-12-14', delegateId: XSS });
    expect(odd.status).toBe(422);
    expect(odd.text).not.toContain(XSS);
    const outside = await mgrEast.post(`/console/people/${sup1()}/away`, { from: '2026-12-10', to: '2026-12-14', delegateId: String(cw.w.people.mgrWest.id) });
    expect(outside.status).toBe(404);
    expect(await absences()).toEqual([]);
  });

  it('sets the period (audited, the delegate told), shows it, and ends it', async () => {
    const saved = await mgrWest.post(`/console/people/${sup1()}/away`, { from: '2026-12-10', to: '2026-12-14', delegateId: String(cw.w.people.admin.id) });
    expect(await flashAfter(mgrWest, saved)).toBe('Han Meimei is away from 2026-12-10 to 2026-12-14; Zhou Min approves in the meantime.');
    expect(await absences()).toMatchObject([{ personId: sup1(), delegateId: cw.w.people.admin.id, setById: cw.w.people.mgrWest.id, startedAt: null, endedAt: null }]);
    expect(await cw.w.db.auditLog.count({ where: { action: 'away.set', actorId: cw.w.people.mgrWest.id } })).toBe(1);
    expect(await cw.w.db.outbox.count({ where: { kind: 'away.delegate', recipientId: cw.w.people.admin.id } })).toBe(1);
    const page = await admin.get(`/console/people/${sup1()}`);
    expect(page.text).toContain('Will be away from 2026-12-10 to 2026-12-14; delegate: Zhou Min.');
    expect(page.text).not.toContain('id="away-form"');

    const ended = await admin.post(`/console/people/${sup1()}/away/end`, {});
    expect(await flashAfter(admin, ended)).toBe('Han Meimei is back: the away time has ended.');
    expect((await absences())[0]!.endedAt).not.toBeNull();
    expect((await admin.get(`/console/people/${sup1()}`)).text).toContain('id="away-form"');
  });
});
