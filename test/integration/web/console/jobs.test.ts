import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../../../src/jobs/index.ts';
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

const flashOf = (page: string) => /<p class="flash (ok|error)" role="status">([^<]*)<\/p>/.exec(page)?.slice(1) ?? null;

describe('the Jobs page', () => {
  it('sends a signed-out visitor to sign in and refuses a manager, also Run now', async () => {
    const out = await cw.client().get('/console/jobs');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toMatch(/^\/console\/sign-in/);
    expect((await mgrWest.get('/console/jobs')).status).toBe(403);
    expect((await mgrWest.post('/console/jobs/sweep/run', {})).status).toBe(403);
    expect(await cw.w.db.jobRun.count()).toBe(0);
    // Managers have no Jobs link; admins do.
    expect((await mgrWest.get('/console')).text).not.toContain('href="/console/jobs"');
    expect((await admin.get('/console')).text).toContain('href="/console/jobs"');
  });

  it('lists each job with its schedule in words and its next run in the company’s time zone', async () => {
    const page = await admin.get('/console/jobs');
    expect(page.status).toBe(200);
    for (const j of jobs) expect(page.text).toContain(`<tr data-job="${j.name}">`);
    const sweep = page.text.slice(page.text.indexOf('<tr data-job="sweep">'), page.text.indexOf('</tr>', page.text.indexOf('<tr data-job="sweep">')));
    // T0 is 10:00 on the 22nd in Shanghai: the next sweep is at 02:00 on the 23rd.
    expect(sweep).toContain('Auto-return');
    expect(sweep).toContain('daily at 02:00 (Asia/Shanghai)');
    expect(sweep).toContain('2026-11-23 02:00');
    expect(sweep).toContain('never');
    expect(page.text).toContain('No runs yet.');
  });

  it('Run now runs the slot due now once, audited; pressing it again says it has run', async () => {
    const store = await cw.w.store('Sunny Cafe');
    await cw.w.db.store.update({ where: { id: store.id }, data: { protectedUntil: new Date('2026-11-21T12:00:00Z') } });
    const first = await admin.post('/console/jobs/sweep/run', {});
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/jobs');
    const page = await admin.get('/console/jobs');
    expect(flashOf(page.text)).toEqual(['ok', 'Auto-return: the slot of 2026-11-22 02:00 ran: 2 sent, 0 skipped, 0 failed.']);
    expect(page.text).toMatch(/<tr data-run="\d+" data-job="sweep" data-status="done">[\s\S]*?Run now[\s\S]*?1 store\(s\) returned/);
    await admin.post('/console/jobs/sweep/run', {});
    expect(flashOf((await admin.get('/console/jobs')).text)).toEqual(['ok', 'Auto-return: the slot of 2026-11-22 02:00 has already run (done).']);
    expect(await cw.w.db.jobRun.count({ where: { job: 'sweep' } })).toBe(1);
    expect(await cw.w.db.claimHistory.count({ where: { storeId: store.id, action: 'auto_return' } })).toBe(1);
    const audit = await cw.w.db.auditLog.findMany({ where: { action: 'job.run_now' } });
    expect(audit).toMatchObject([{ entity: 'job', entityId: 'sweep', actorId: cw.w.people.admin.id }]);
  });

  it('refuses Run now without the CSRF token, and an unknown job', async () => {
    expect((await cw.client().post('/console/jobs/housekeeping/run', {}, { csrf: false })).status).toBe(401);
    expect((await admin.post('/console/jobs/housekeeping/run', {}, { csrf: false })).status).toBe(403);
    expect(await cw.w.db.jobRun.count({ where: { job: 'housekeeping' } })).toBe(0);
    expect((await admin.post('/console/jobs/nope/run', {})).status).toBe(404);
  });

  it('speaks Chinese to a Chinese reader', async () => {
    await cw.w.db.person.update({ where: { id: cw.w.people.admin.id }, data: { locale: 'zh-CN' } });
    const zh = await cw.as('admin');
    const page = await zh.get('/console/jobs');
    expect(page.text).toContain('定时任务');
    expect(page.text).toContain('每天 02:00（Asia/Shanghai）');
    expect(page.text).toContain('自动退回公海');
    await cw.w.db.person.update({ where: { id: cw.w.people.admin.id }, data: { locale: 'en' } });
  });
});
