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
/** A job's row on the page. */
const rowOf = (page: string, job: string) => page.slice(page.indexOf(`<tr data-job="${job}">`), page.indexOf('</tr>', page.indexOf(`<tr data-job="${job}">`)));
/** The Run now token of a job's button, as the page gave it. */
const tokenOf = (page: string, job: string) => /name="run" value="([^"]+)"/.exec(rowOf(page, job))![1]!;
const unescape = (s: string) => s.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

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
    const sweep = rowOf(page.text, 'sweep');
    // T0 is 10:00 on the 22nd in Shanghai: the next sweep is at 02:00 on the 23rd.
    expect(sweep).toContain('Auto-return');
    expect(sweep).toContain('daily at 02:00 (Asia/Shanghai)');
    expect(sweep).toContain('2026-11-23 02:00');
    expect(sweep).toContain('not run yet');
    expect(sweep).not.toContain('never');
    expect(page.text).toContain('No runs yet.');
  });

  it('Run now runs the job on its own, once per press, audited, and says what it did; the schedule is untouched', async () => {
    const store = await cw.w.store('Sunny Cafe');
    await cw.w.db.store.update({ where: { id: store.id }, data: { protectedUntil: new Date('2026-11-21T12:00:00Z') } });
    const before = await admin.get('/console/jobs');
    const token = tokenOf(before.text, 'sweep');
    const first = await admin.post('/console/jobs/sweep/run', { run: token });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/jobs');
    const page = await admin.get('/console/jobs');
    expect(flashOf(page.text)).toEqual(['ok', 'Auto-return ran now: 2 messages sent, 0 skipped, 0 failed; 1 store returned to the public pool.']);
    expect(page.text).toMatch(/<tr data-run="\d+" data-job="sweep" data-status="done">[\s\S]*?Run now[\s\S]*?1 store returned to the public pool/);
    // The same form posted again (a double click, a reload): reported, not run.
    await admin.post('/console/jobs/sweep/run', { run: token });
    expect(flashOf((await admin.get('/console/jobs')).text)).toEqual(['ok', 'Auto-return: that press ran at 2026-11-22 10:00 already (done): 2 messages sent, 0 skipped, 0 failed; 1 store returned to the public pool.']);
    expect(await cw.w.db.jobRun.count({ where: { job: 'sweep' } })).toBe(1);
    // A new press runs again; nothing is returned or told twice.
    await admin.post('/console/jobs/sweep/run', { run: tokenOf(page.text, 'sweep') });
    expect(flashOf((await admin.get('/console/jobs')).text)).toEqual(['ok', 'Auto-return ran now: 0 messages sent, 0 skipped, 0 failed; 0 stores returned to the public pool.']);
    expect(await cw.w.db.jobRun.count({ where: { job: 'sweep' } })).toBe(2);
    expect(await cw.w.db.claimHistory.count({ where: { storeId: store.id, action: 'auto_return' } })).toBe(1);
    expect(await cw.w.db.outbox.count({ where: { kind: 'store.auto_returned' } })).toBe(1);
    const audit = await cw.w.db.auditLog.findMany({ where: { action: 'job.run_now' } });
    expect(audit).toMatchObject([
      { entity: 'job', entityId: 'sweep', actorId: cw.w.people.admin.id },
      { entity: 'job', entityId: 'sweep', actorId: cw.w.people.admin.id },
    ]);
    // Neither press was the scheduled 02:00 slot: it is still to come.
    expect(await cw.w.db.jobRun.count({ where: { job: 'sweep', slot: { not: { startsWith: 'manual:' } } } })).toBe(0);
    expect(rowOf((await admin.get('/console/jobs')).text, 'sweep')).toContain('2026-11-23 02:00');
  });

  it('Run now on the digest sends today’s, however late in the morning, to whoever has not had it; beside the button, whether it would send anything', async () => {
    const rep1 = cw.w.people.rep1.id;
    await cw.w.db.followUp.create({ data: { storeId: (await cw.w.store('Sunny Cafe')).id, personId: rep1, dueAt: new Date('2026-11-20T06:00:00Z') } });
    try {
      // Monday 23 November, 13:00 in Shanghai: 4½ hours after the digest time, far past the two hours a scheduled slot has.
      cw.w.clock.set('2026-11-23T05:00:00Z');
      // (Signed in anew: a day later the earlier session has idled out.)
      const a = await cw.as('admin');
      const before = await a.get('/console/jobs');
      const people = Number(/data-pending="(\d+)"/.exec(rowOf(before.text, 'digest'))![1]);
      expect(people).toBeGreaterThan(1);
      expect(unescape(rowOf(before.text, 'digest'))).toContain(`${people} of ${people} people whose digest time has come today have not had it yet`);
      await a.post('/console/jobs/digest/run', { run: tokenOf(before.text, 'digest') });
      const after = await a.get('/console/jobs');
      const flash = unescape(flashOf(after.text)![1]!);
      expect(flash).toMatch(new RegExp(`^Morning digest ran now: \\d+ messages? sent, \\d+ skipped, 0 failed; ${people} people due\\.$`));
      expect(flash).not.toContain('late');
      const digests = await cw.w.db.outbox.findMany({ where: { kind: 'followup.digest' } });
      expect(digests.map((d) => d.dedupeKey)).toContain(`digest:${rep1}:2026-11-23`);
      expect(digests.every((d) => d.dedupeKey.endsWith(':2026-11-23'))).toBe(true);
      // Everyone has had today's now: the page says a run would send nothing new, and a run sends nothing.
      expect(unescape(rowOf(after.text, 'digest'))).toContain('Everyone whose digest time has come today has had today’s digest: Run now would send nothing new');
      await a.post('/console/jobs/digest/run', { run: tokenOf(after.text, 'digest') });
      expect(unescape(flashOf((await a.get('/console/jobs')).text)![1]!)).toBe(`Morning digest ran now: 0 messages sent, 0 skipped, 0 failed; ${people} people due, ${people} had today’s digest already.`);
      expect(await cw.w.db.outbox.count({ where: { kind: 'followup.digest' } })).toBe(digests.length);
    } finally {
      cw.w.clock.set('2026-11-22T02:00:00Z');
      admin = await cw.as('admin');
    }
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
    // The runs of the tests before, in words: the figures, no machine line.
    expect(page.text).toContain('1 家门店退回公海');
    expect(page.text).toContain('今天还没有人的晨报到期（未到时间，或不是工作日）：立即执行不会发送任何内容。'); // Sunday: not a working day
    expect(page.text).not.toMatch(/returned:\d|people:\d/);
    await cw.w.db.person.update({ where: { id: cw.w.people.admin.id }, data: { locale: 'en' } });
  });
});
