import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { world, type World } from '../../support/world.ts';

// `npm run crm -- jobs …` in a process of its own, as an operator runs it.
const tsx = 'node_modules/.bin/tsx';
let w: World;
beforeAll(async () => {
  w = await world();
  const store = await w.store('Sunny Cafe');
  await w.db.store.update({ where: { id: store.id }, data: { protectedUntil: new Date('2026-11-21T12:00:00Z') } });
});
afterAll(async () => w?.drop());

const crm = (...args: string[]) => spawnSync(tsx, ['src/cli/crm.ts', 'jobs', ...args], { env: { ...process.env, DATABASE_URL: w.database.url }, encoding: 'utf8' });

describe('crm jobs', () => {
  it('runs the slot due at a past --now once, lists the jobs in company time with their last run in words, and refuses an unknown job', { timeout: 180_000 }, () => {
    const first = crm('run', 'sweep', '--now', '2026-11-22T10:00:00+08:00');
    expect(first.stdout).toBe('Auto-return (sweep), slot 2026-11-22 02:00 Asia/Shanghai: done — 2 messages sent, 0 skipped, 0 failed; 1 store returned to the public pool\n');
    expect(first.status).toBe(0);
    const again = crm('run', 'sweep', '--now', '2026-11-22T11:00:00+08:00');
    expect(again.stdout).toBe('Auto-return (sweep), slot 2026-11-22 02:00 Asia/Shanghai: already done — 2 messages sent, 0 skipped, 0 failed; 1 store returned to the public pool\n');
    const list = crm('--now', '2026-11-22T10:00:00+08:00');
    expect(list.stdout).toContain(
      'Auto-return (sweep): daily at 02:00 (Asia/Shanghai)\n  next 2026-11-23 02:00 Asia/Shanghai; last done 2026-11-22 02:00 Asia/Shanghai — 2 messages sent, 0 skipped, 0 failed; 1 store returned to the public pool\n',
    );
    expect(list.stdout).toContain('Housekeeping (housekeeping): daily at 03:30 (Asia/Shanghai)\n  next 2026-11-23 03:30 Asia/Shanghai; last not run yet\n');
    expect(list.stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const unknown = crm('run', 'bogus');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no job named "bogus" (jobs: sweep, warnings, followup-reminders, digest, away, approval-reminders, housekeeping)');
  });

  it('refuses a --now in the future (it would use up the real slot), and runs the job now on its own without --now', { timeout: 180_000 }, async () => {
    const future = crm('run', 'digest', '--now', '2999-01-04T08:30:00+08:00');
    expect(future.status).toBe(2);
    expect(future.stderr).toContain('--now 2999-01-04T08:30:00+08:00 is in the future');
    expect(future.stdout).toBe('');
    expect(await w.db.jobRun.count({ where: { job: 'digest' } })).toBe(0);
    const now = crm('run', 'housekeeping');
    expect(now.status).toBe(0);
    expect(now.stdout).toMatch(/^Housekeeping \(housekeeping\), run now at \d{4}-\d\d-\d\d \d\d:\d\d Asia\/Shanghai: done — 0 messages sent, 0 skipped, 0 failed; /);
    expect(await w.db.jobRun.findMany({ where: { job: 'housekeeping' } })).toMatchObject([{ trigger: 'manual', status: 'done', slot: expect.stringMatching(/^manual:/) }]);
  });
});
