import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/domain/clock.ts';
import { claimSlot, recentRuns } from '../../../src/domain/jobs/runs.ts';
import { updateSettings } from '../../../src/domain/settings/update.ts';
import { housekeepingJob } from '../../../src/jobs/housekeeping.job.ts';
import type { Job } from '../../../src/jobs/job.ts';
import { createScheduler, type Scheduler } from '../../../src/jobs/scheduler.ts';
import { dailyAt, slotAt } from '../../../src/jobs/slots.ts';
import { sweepJob } from '../../../src/jobs/sweep.job.ts';
import { T0, worldPerTest, type World } from '../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

/** The scheduler's own jobs; the others' are tested in their own files. */
const jobs = [sweepJob, housekeepingJob];

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

/** A scheduler on the world's database and fixed clock; `tick` moves the clock there first. */
function scheduler(list: readonly Job[] = jobs, owner = 'test') {
  const s = createScheduler({ deps: w.deps, jobs: list, owner, log: () => undefined });
  const tick = (iso: string | Date) => {
    w.clock.set(iso);
    return s.tick(w.clock.now());
  };
  return Object.assign(s, { tickAt: tick }) as Scheduler & { tickAt: typeof tick };
}

/** Ticks every `stepMs` from `from` (exclusive) to `to` (inclusive). */
async function tickThrough(s: ReturnType<typeof scheduler>, from: string, to: string, stepMs = HOUR) {
  for (let t = at(from).getTime() + stepMs; t <= at(to).getTime(); t += stepMs) await s.tickAt(new Date(t));
}

async function runsOf(job: string) {
  return (await recentRuns(w.deps, { job, limit: 500 })).reverse();
}

/** Shortens Sunny Cafe's protection so that a sweep has something to return. */
async function ending(iso: string) {
  const s = await w.store('Sunny Cafe');
  await w.db.store.update({ where: { id: s.id }, data: { protectedUntil: at(iso) } });
  return s.id;
}

describe('the scheduler', () => {
  it('runs the sweep and the housekeeping once a day through a week, at 02:00 and 03:30 company time', async () => {
    const storeId = await ending('2026-11-24T00:00:00Z');
    const s = scheduler();
    await s.tickAt(T0);
    await tickThrough(s, T0, '2026-11-29T02:00:00Z');
    const sweeps = await runsOf('sweep');
    expect(sweeps.map((r) => [r.slot, r.status])).toEqual(
      // The first tick of a new installation runs the latest slot of the week before (02:00 today) once.
      ['21', '22', '23', '24', '25', '26', '27', '28'].map((d) => [`2026-11-${d}T18:00:00.000Z`, 'done']),
    );
    expect(sweeps.every((r) => r.attempts === 1 && r.trigger === 'schedule')).toBe(true);
    expect((await runsOf('housekeeping')).map((r) => r.slot)).toEqual(['21', '22', '23', '24', '25', '26', '27', '28'].map((d) => `2026-11-${d}T19:30:00.000Z`));
    // Returned by the sweep of the 25th, 02:00 Shanghai (the 24th, 18:00 UTC), and told once.
    expect((await w.db.store.findUniqueOrThrow({ where: { id: storeId } })).ownerId).toBeNull();
    const history = await w.db.claimHistory.findFirstOrThrow({ where: { storeId, action: 'auto_return' } });
    expect(history.at.toISOString()).toBe('2026-11-24T18:00:00.000Z');
    expect(sweeps.find((r) => r.slot === '2026-11-24T18:00:00.000Z')?.note).toEqual({ counts: { returned: 1 } });
    expect(await w.db.outbox.count({ where: { kind: 'store.auto_returned' } })).toBe(1);
    expect(s.lastTickAt()?.toISOString()).toBe('2026-11-29T02:00:00.000Z');
  });

  it('a slot run twice, by two processes at once or one after the other, has one effect', async () => {
    const storeId = await ending('2026-11-22T12:00:00Z');
    const a = scheduler(jobs, 'a');
    const b = scheduler(jobs, 'b');
    await a.tickAt(T0);
    await b.tickAt(T0);
    w.clock.set('2026-11-22T18:00:00Z');
    const [ra, rb] = await Promise.all([a.tick(w.clock.now()), b.tick(w.clock.now())]);
    const outcomes = [...ra.results, ...rb.results].filter((r) => r.job === 'sweep').map((r) => r.status).sort();
    expect(outcomes).toEqual(['done', 'taken']);
    expect(await a.runDue('sweep', w.clock.now(), null)).toMatchObject([{ status: 'taken', run: { status: 'done' } }]);
    expect((await w.db.store.findUniqueOrThrow({ where: { id: storeId } })).ownerId).toBeNull();
    expect(await w.db.claimHistory.count({ where: { storeId, action: 'auto_return' } })).toBe(1);
    expect(await w.db.outbox.count({ where: { kind: 'store.auto_returned' } })).toBe(1);
    expect(await w.db.jobRun.count({ where: { job: 'sweep', slot: '2026-11-22T18:00:00.000Z' } })).toBe(1);
  });

  it('records a job that throws as failed with its error, and the other jobs still run', async () => {
    const failing: Job = {
      name: 'warnings',
      lateness: { kind: 'latest' },
      due: (ctx, from, to) => dailyAt('02:00', ctx.settings.timezone, from, to).map((d) => slotAt(d)),
      run: () => Promise.reject(new TypeError('no such person')),
      describe: () => 'daily',
    };
    const s = scheduler([failing, ...jobs]);
    await s.tickAt(T0);
    await w.db.jobRun.deleteMany();
    const r = await s.tickAt('2026-11-22T18:00:00Z');
    expect(r.results.map((x) => [x.job, x.status])).toEqual([
      ['warnings', 'failed'],
      ['sweep', 'done'],
    ]);
    expect(await runsOf('warnings')).toMatchObject([{ status: 'failed', note: { error: 'TypeError: no such person' } }]);
    // Not retried by the next ticks; the next day's slot runs (and fails) again.
    await tickThrough(s, '2026-11-22T18:00:00Z', '2026-11-23T18:00:00Z');
    expect((await runsOf('warnings')).map((x) => x.status)).toEqual(['failed', 'failed']);
    expect((await runsOf('sweep')).map((x) => x.status)).toEqual(['done', 'done']);
  });

  it('after a 6-hour outage the sweep catches up once, a morning message is skipped as late, nothing twice', async () => {
    const storeId = await ending('2026-11-22T12:00:00Z');
    const sent: string[] = [];
    // A stand-in for a morning message: 08:30 company time, useless two hours late.
    const morning: Job = {
      name: 'digest',
      lateness: { kind: 'skip-after', ms: 2 * HOUR },
      due: (ctx, from, to) => dailyAt('08:30', ctx.settings.timezone, from, to).map((d) => slotAt(d)),
      run: async (_ctx, slot) => {
        sent.push(slot.key);
        return { sent: 1, skipped: 0, failed: 0 };
      },
      describe: () => 'daily',
    };
    const before = scheduler([sweepJob, morning], 'before');
    await before.tickAt(T0);
    await tickThrough(before, T0, '2026-11-22T16:00:00Z');
    // Down from 16:00 to 22:00 UTC and then again until 10:00 UTC (18:00 Shanghai) the next day; a new process.
    const after = scheduler([sweepJob, morning], 'after');
    const r1 = await after.tickAt('2026-11-22T22:00:00Z');
    expect(r1.results.map((x) => [x.job, x.slot, x.status])).toEqual([['sweep', '2026-11-22T18:00:00.000Z', 'done']]);
    expect((await w.db.store.findUniqueOrThrow({ where: { id: storeId } })).ownerId).toBeNull();
    await tickThrough(after, '2026-11-22T22:00:00Z', '2026-11-23T00:00:00Z', 60_000);
    // Only this morning's, sent on the first tick at 10:00 Shanghai (1.5 h late: still in time).
    expect(sent).toEqual(['2026-11-22T00:30:00.000Z']);
    const again = scheduler([sweepJob, morning], 'again');
    const r2 = await again.tickAt('2026-11-23T10:00:00Z');
    // (The restarted process looks at the latest recorded sweep once more and finds it done.)
    expect(r2.results.filter((x) => x.status !== 'taken').map((x) => [x.job, x.status])).toEqual([['digest', 'skipped']]);
    expect((await runsOf('digest')).slice(1)).toMatchObject([{ slot: '2026-11-23T00:30:00.000Z', status: 'skipped', note: { reason: 'late', lateMs: 9.5 * HOUR } }]);
    await again.tickAt('2026-11-23T10:01:00Z');
    expect(await w.db.jobRun.count({ where: { job: 'sweep', slot: '2026-11-22T18:00:00.000Z' } })).toBe(1);
    expect(await w.db.outbox.count({ where: { kind: 'store.auto_returned' } })).toBe(1);
  });

  it('after a week down the sweep runs once, for the latest night; the nights before are recorded as superseded', async () => {
    const s = scheduler([sweepJob], 'a');
    await s.tickAt(T0);
    const later = scheduler([sweepJob], 'b');
    // A process that ticked before: later looks back from the latest recorded slot.
    await later.tickAt('2026-11-22T18:00:00Z');
    const r = await scheduler([sweepJob], 'c').tickAt('2026-11-26T19:00:00Z');
    expect(r.results.map((x) => [x.slot, x.status])).toEqual([
      ['2026-11-23T18:00:00.000Z', 'skipped'],
      ['2026-11-24T18:00:00.000Z', 'skipped'],
      ['2026-11-25T18:00:00.000Z', 'skipped'],
      ['2026-11-26T18:00:00.000Z', 'done'],
    ]);
    expect((await runsOf('sweep')).map((x) => x.note?.reason === 'superseded')).toEqual([false, false, true, true, true, false]);
  });

  it('runDue runs the slot the schedule had due at that instant exactly once', async () => {
    const storeId = await ending('2026-11-22T12:00:00Z');
    const s = scheduler();
    const other = scheduler(jobs, 'other');
    w.clock.set('2026-11-23T03:00:00Z');
    const both = await Promise.all([s.runDue('sweep', w.clock.now(), w.people.admin.id), other.runDue('sweep', w.clock.now(), w.people.admin.id)]);
    expect(both.flat().map((r) => r.status).sort()).toEqual(['done', 'taken']);
    expect(both.flat().every((r) => r.slot === '2026-11-22T18:00:00.000Z')).toBe(true);
    expect(await s.runDue('sweep', w.clock.now(), w.people.admin.id)).toMatchObject([{ status: 'taken', run: { status: 'done', trigger: 'manual' } }]);
    expect(await w.db.claimHistory.count({ where: { storeId, action: 'auto_return' } })).toBe(1);
    expect(await w.db.auditLog.count({ where: { action: 'job.run_now' } })).toBe(1);
    // The scheduler's own tick finds the slot done.
    const r = await s.tickAt('2026-11-23T03:01:00Z');
    expect(r.results.filter((x) => x.job === 'sweep' && x.status !== 'taken')).toEqual([]);
    await expect(s.runDue('nope', w.clock.now(), null)).rejects.toThrow('no job named nope');
  });

  it('Run now is a run of its own: once per press, audited, and the scheduled slot still runs at its time', async () => {
    const storeId = await ending('2026-11-22T12:00:00Z');
    const s = scheduler();
    const other = scheduler(jobs, 'other');
    await s.tickAt(T0);
    // 21:00 in Shanghai: the store's protection ended at 20:00, tonight's 02:00 sweep has not come.
    // A double click: one press, posted twice, reaching two servers.
    w.clock.set('2026-11-22T13:00:00Z');
    const press = 'press-0001-abcd';
    const both = await Promise.all([s.runNow('sweep', w.clock.now(), w.people.admin.id, press), other.runNow('sweep', w.clock.now(), w.people.admin.id, press)]);
    expect(both.map((r) => r.status).sort()).toEqual(['done', 'taken']);
    expect(both.find((r) => r.status === 'done')).toMatchObject({ slot: `manual:${press}`, outcome: { sent: 2, note: { counts: { returned: 1 } } } });
    // The other server finds the press's run (still running, or done) and runs nothing.
    expect(both.find((r) => r.status === 'taken')).toMatchObject({ run: { slot: `manual:${press}`, trigger: 'manual', byId: w.people.admin.id } });
    // Posted once more after it finished: reported, not run.
    expect(await s.runNow('sweep', w.clock.now(), w.people.admin.id, press)).toMatchObject({ status: 'taken', run: { status: 'done', sent: 2 } });
    expect(await w.db.claimHistory.count({ where: { storeId, action: 'auto_return' } })).toBe(1);
    expect(await w.db.auditLog.findMany({ where: { action: 'job.run_now' } })).toMatchObject([{ entityId: 'sweep', actorId: w.people.admin.id }]);
    // Another press runs again (nothing left to return).
    w.clock.set('2026-11-22T13:05:00Z');
    expect(await s.runNow('sweep', w.clock.now(), w.people.admin.id, 'press-0002-abcd')).toMatchObject({ status: 'done', outcome: { sent: 0, note: { counts: { returned: 0 } } } });
    // The scheduled 02:00 is untouched by both: it runs at its time; a restart does not start from the presses.
    const r = await scheduler(jobs, 'restarted').tickAt('2026-11-22T18:00:00Z');
    expect(r.results.filter((x) => x.job === 'sweep').map((x) => [x.slot, x.status])).toEqual([['2026-11-22T18:00:00.000Z', 'done']]);
    expect((await runsOf('sweep')).map((x) => [x.slot, x.trigger])).toEqual([
      ['2026-11-21T18:00:00.000Z', 'schedule'],
      [`manual:${press}`, 'manual'],
      ['manual:press-0002-abcd', 'manual'],
      ['2026-11-22T18:00:00.000Z', 'schedule'],
    ]);
    await expect(s.runNow('nope', w.clock.now(), null)).rejects.toThrow('no job named nope');
  });

  it('takes over the run of a process that died mid-run once its lease has expired', async () => {
    const storeId = await ending('2026-11-22T12:00:00Z');
    const s = scheduler([sweepJob], 'alive');
    await s.tickAt('2026-11-22T17:59:00Z');
    // The dead process claimed 18:00 and stopped answering.
    const dead = { ...w.deps, clock: fixedClock('2026-11-22T18:00:00Z') };
    expect((await claimSlot(dead, { job: 'sweep', slot: '2026-11-22T18:00:00.000Z', scheduledAt: at('2026-11-22T18:00:00Z'), owner: 'dead', leaseMs: 120_000 })).claimed).toBe(true);
    const r1 = await s.tickAt('2026-11-22T18:01:00Z');
    expect(r1.results).toMatchObject([{ status: 'taken', run: { status: 'running', leaseOwner: 'dead' } }]);
    await s.tickAt('2026-11-22T18:02:00Z');
    const r3 = await s.tickAt('2026-11-22T18:03:00Z');
    expect(r3.results).toMatchObject([{ slot: '2026-11-22T18:00:00.000Z', status: 'done', attempts: 2 }]);
    expect((await runsOf('sweep')).slice(1)).toMatchObject([{ status: 'done', attempts: 2, leaseOwner: 'alive' }]);
    expect((await w.db.store.findUniqueOrThrow({ where: { id: storeId } })).ownerId).toBeNull();
    expect((await s.tickAt('2026-11-22T18:10:00Z')).results).toEqual([]);
  });

  it('a Run now whose process died mid-run is taken over once, as a run of its own', async () => {
    const storeId = await ending('2026-11-22T13:10:00Z');
    const s = scheduler([sweepJob], 'alive');
    await s.tickAt('2026-11-22T13:00:00Z');
    const dead = { ...w.deps, clock: fixedClock('2026-11-22T13:30:00Z') };
    const slot = 'manual:press-dead-0001';
    expect((await claimSlot(dead, { job: 'sweep', slot, scheduledAt: at('2026-11-22T13:30:00Z'), owner: 'dead', leaseMs: 120_000, trigger: 'manual', byId: w.people.admin.id })).claimed).toBe(true);
    const r = await s.tickAt('2026-11-22T13:33:00Z');
    expect(r.results).toMatchObject([{ slot, status: 'done', attempts: 2, outcome: { note: { counts: { returned: 1 } } } }]);
    expect((await w.db.store.findUniqueOrThrow({ where: { id: storeId } })).ownerId).toBeNull();
    expect((await s.tickAt('2026-11-22T13:40:00Z')).results).toEqual([]);
    expect(await w.db.jobRun.findFirstOrThrow({ where: { slot } })).toMatchObject({ trigger: 'manual', byId: w.people.admin.id, status: 'done' });
  });

  it('reads the settings at each tick: a new sweep time applies from the next tick', async () => {
    const s = scheduler([sweepJob]);
    await s.tickAt(T0);
    await updateSettings(w.deps, w.people.admin, { reminderTimes: { digest: '08:30', dailyReport: '18:00', sweep: '11:00' } });
    const r = await s.tickAt('2026-11-22T03:00:00Z'); // 11:00 Shanghai
    expect(r.results.map((x) => [x.slot, x.status])).toEqual([['2026-11-22T03:00:00.000Z', 'done']]);
    expect((await s.tickAt('2026-11-22T18:00:00Z')).results).toEqual([]);
  });

  it('stops between two slots and ticks no more', async () => {
    let release!: () => void;
    const slow: Job = {
      name: 'warnings',
      lateness: { kind: 'latest' },
      due: (_ctx, from, to) => (from < at('2026-11-22T02:30:00Z') && to >= at('2026-11-22T02:30:00Z') ? [slotAt(at('2026-11-22T02:30:00Z'))] : []),
      run: () => new Promise((resolve) => (release = () => resolve({ sent: 0, skipped: 0, failed: 0 }))),
      describe: () => 'once',
    };
    const s = scheduler([slow, sweepJob]);
    await s.tickAt(T0);
    w.clock.set('2026-11-22T18:00:00Z');
    const ticking = s.tick(w.clock.now());
    await new Promise((r) => setTimeout(r, 200));
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await ticking).results.map((x) => [x.job, x.status])).toEqual([['warnings', 'done']]);
    expect(await w.db.jobRun.count({ where: { job: 'sweep', slot: '2026-11-22T18:00:00.000Z' } })).toBe(0);
    expect((await s.tickAt('2026-11-23T18:00:00Z')).ran).toBe(false);
  });
});
