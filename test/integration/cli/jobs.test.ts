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
  it('runs the slot due at --now once, lists the jobs with their last run, and refuses an unknown job', { timeout: 120_000 }, () => {
    const first = crm('run', 'sweep', '--now', '2026-11-22T10:00:00+08:00');
    expect(first.stdout).toBe('sweep 2026-11-21T18:00:00.000Z: done, 2 sent, 0 skipped, 0 failed (returned:1)\n');
    expect(first.status).toBe(0);
    const again = crm('run', 'sweep', '--now', '2026-11-22T11:00:00+08:00');
    expect(again.stdout).toBe('sweep 2026-11-21T18:00:00.000Z: already done (returned:1)\n');
    const list = crm('--now', '2026-11-22T10:00:00+08:00');
    expect(list.stdout).toContain('sweep                daily at 02:00 (Asia/Shanghai)\n                     next 2026-11-23 02:00 (Asia/Shanghai); last done 2026-11-22 02:00 (returned:1)\n');
    expect(list.stdout).toContain('housekeeping         daily at 03:30 (Asia/Shanghai)');
    const unknown = crm('run', 'nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no job named "nope"');
  });
});
