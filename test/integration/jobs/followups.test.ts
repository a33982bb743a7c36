import { describe, expect, it } from 'vitest';
import { snoozeFollowUp, completeFollowUp } from '../../../src/domain/followups/followups.ts';
import { recentRuns } from '../../../src/domain/jobs/runs.ts';
import { digestJob } from '../../../src/jobs/digest.job.ts';
import { followUpRemindersJob } from '../../../src/jobs/followup-reminders.job.ts';
import type { Job } from '../../../src/jobs/job.ts';
import { createScheduler, type Scheduler } from '../../../src/jobs/scheduler.ts';
import { warningsJob } from '../../../src/jobs/warnings.job.ts';
import { T0, worldPerTest, type World } from '../../support/world.ts';

// The follow-up jobs driven by the scheduler on a fixed clock: what it runs when, and what each run
// queues. (What the notices say and what their buttons do: test/integration/bot/scheduled.test.ts.)

let w: World;
worldPerTest((x) => (w = x));

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => new Date(iso);

function scheduler(list: readonly Job[]) {
  const s = createScheduler({ deps: w.deps, jobs: list, owner: 'test', log: () => undefined });
  const tickAt = (t: string | Date) => {
    w.clock.set(t);
    return s.tick(w.clock.now());
  };
  const tickThrough = async (from: string, to: string, stepMs: number) => {
    for (let t = at(from).getTime() + stepMs; t <= at(to).getTime(); t += stepMs) await tickAt(new Date(t));
  };
  return Object.assign(s, { tickAt, tickThrough }) as Scheduler & { tickAt: typeof tickAt; tickThrough: typeof tickThrough };
}

async function followUp(personKey: 'rep1' | 'rep2', storeName: string, dueAt: string) {
  const s = await w.store(storeName);
  return w.db.followUp.create({ data: { storeId: s.id, personId: w.people[personKey].id, dueAt: at(dueAt) } });
}

const keysOf = async (kind: string) => (await w.db.outbox.findMany({ where: { kind }, orderBy: { id: 'asc' } })).map((r) => r.dedupeKey);

describe('follow-up reminders', () => {
  it('each at its due time, once; after an outage every missed one once; a snooze reminds again at its new time', async () => {
    const s = scheduler([followUpRemindersJob]);
    await s.tickAt(T0);
    const f1 = await followUp('rep1', 'Sunny Cafe', '2026-11-22T02:03:30Z');
    const f2 = await followUp('rep1', '老王面馆', '2026-11-22T02:05:00Z');
    const f3 = await followUp('rep2', '外婆家（湖滨店）', '2026-11-22T03:00:00Z');
    const f4 = await followUp('rep1', '知味小笼', '2026-11-22T05:30:00Z');

    await s.tickThrough(T0, '2026-11-22T02:03:00Z', MINUTE);
    expect(await keysOf('followup.reminder')).toEqual([]);
    await s.tickAt('2026-11-22T02:04:00Z');
    expect(await keysOf('followup.reminder')).toEqual([`followup:${f1.id}:2026-11-22T02:03:30.000Z`]);
    await s.tickThrough('2026-11-22T02:04:00Z', '2026-11-22T02:10:00Z', MINUTE);
    expect(await keysOf('followup.reminder')).toEqual([`followup:${f1.id}:2026-11-22T02:03:30.000Z`, `followup:${f2.id}:2026-11-22T02:05:00.000Z`]);

    // Down from 02:10 to 06:00: the first tick after it reminds of both that fell due meanwhile, in one run.
    const r = await s.tickAt('2026-11-22T06:00:00Z');
    // One run for the whole window (its first minute recorded as superseded, not each of its 230).
    expect(r.results).toMatchObject([
      { job: 'followup-reminders', status: 'skipped', slot: '2026-11-22T02:11:00.000Z', note: { reason: 'superseded' } },
      { job: 'followup-reminders', status: 'done', slot: '2026-11-22T06:00:00.000Z', outcome: { sent: 2 } },
    ]);
    expect((await keysOf('followup.reminder')).slice(2)).toEqual([`followup:${f3.id}:2026-11-22T03:00:00.000Z`, `followup:${f4.id}:2026-11-22T05:30:00.000Z`]);
    await s.tickThrough('2026-11-22T06:00:00Z', '2026-11-22T06:05:00Z', MINUTE);
    expect(await w.db.outbox.count({ where: { kind: 'followup.reminder' } })).toBe(4);

    // Snoozed to 07:00: reminded again then; a follow-up done is not.
    w.clock.set('2026-11-22T06:30:00Z');
    await snoozeFollowUp(w.deps, w.people.rep1, f4.id, at('2026-11-22T07:00:00Z'));
    await completeFollowUp(w.deps, w.people.rep1, f2.id);
    await s.tickThrough('2026-11-22T06:30:00Z', '2026-11-22T07:05:00Z', MINUTE);
    expect((await keysOf('followup.reminder')).slice(4)).toEqual([`followup:${f4.id}:2026-11-22T07:00:00.000Z`]);
    // One run a tick; a gap (the outage, the half hour before the snooze) leaves one superseded row, not one a minute.
    const runs = await recentRuns(w.deps, { job: 'followup-reminders', limit: 500 });
    expect(runs.filter((x) => x.status !== 'done').map((x) => x.slot)).toEqual(['2026-11-22T06:06:00.000Z', '2026-11-22T02:11:00.000Z']);
  });
});

describe('the morning digest by the scheduler', () => {
  it('a week: working days at 08:30 in each zone; then a morning more than two hours late is skipped and recorded', async () => {
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { timezone: 'America/New_York' } });
    await followUp('rep1', 'Sunny Cafe', '2026-11-20T06:00:00Z');
    await followUp('rep2', '外婆家（湖滨店）', '2026-11-20T14:00:00Z');
    const s = scheduler([digestJob]);
    await s.tickAt('2026-11-23T00:00:00Z');
    await s.tickThrough('2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z', HOUR);
    const days = (key: string) => key.split(':')[2];
    const keys = await keysOf('followup.digest');
    expect(keys.filter((k) => k.startsWith(`digest:${w.people.rep1.id}:`)).map(days)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']);
    expect(keys.filter((k) => k.startsWith(`digest:${w.people.rep2.id}:`)).map(days)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']);
    const runs = (await recentRuns(w.deps, { job: 'digest', limit: 100 })).reverse();
    expect(runs.map((r) => [r.slot, r.status])).toEqual(
      ['23', '24', '25', '26', '27'].flatMap((d) => [
        [`2026-11-${d}T00:30:00.000Z:Asia/Shanghai`, 'done'],
        [`2026-11-${d}T13:30:00.000Z:America/New_York`, 'done'],
      ]),
    );

    // Monday 30 November: down from 00:00 to 03:00 UTC; Shanghai's 08:30 (00:30 UTC) is skipped as late.
    await s.tickAt('2026-11-30T03:00:00Z');
    const skipped = await recentRuns(w.deps, { job: 'digest', limit: 1 });
    expect(skipped[0]).toMatchObject({ slot: '2026-11-30T00:30:00.000Z:Asia/Shanghai', status: 'skipped' });
    expect(await keysOf('followup.digest')).toEqual(keys);
    // New York's morning still comes.
    await s.tickThrough('2026-11-30T03:00:00Z', '2026-11-30T14:00:00Z', HOUR);
    expect((await keysOf('followup.digest')).slice(keys.length)).toEqual([`digest:${w.people.rep2.id}:2026-11-30`]);
  });
});

describe('a time zone changed in the morning', () => {
  it('someone moved into a zone whose digest time has passed (within its two hours) gets that day’s digest once; someone who had it, or is too late, does not', async () => {
    const TOKYO = 'Asia/Tokyo';
    await followUp('rep1', 'Sunny Cafe', '2026-11-20T06:00:00Z');
    await followUp('rep2', '外婆家（湖滨店）', '2026-11-20T06:00:00Z');
    // 刘洋 lives in New York, where it is still Sunday.
    await w.db.person.update({ where: { id: w.people.rep3.id }, data: { timezone: 'America/New_York' } });
    await w.db.followUp.create({ data: { storeId: (await w.store('Green Leaf Bakery')).id, personId: w.people.rep3.id, dueAt: at('2026-11-20T06:00:00Z') } });
    const s = scheduler([digestJob]);
    // Monday 23 November: 08:30 in Tokyo is 23:30 UTC the evening before, in Shanghai 00:30 UTC. Nobody is in Tokyo yet.
    await s.tickAt('2026-11-22T23:00:00Z');
    await s.tickThrough('2026-11-22T23:00:00Z', '2026-11-22T23:50:00Z', MINUTE);
    // 07:50 in Shanghai, before Li Lei's digest: his zone is changed to Tokyo, where it is 08:50 — the morning has gone by there.
    await w.db.person.update({ where: { id: w.people.rep1.id }, data: { timezone: TOKYO } });
    await s.tickThrough('2026-11-22T23:50:00Z', '2026-11-23T00:40:00Z', MINUTE);
    const keys = await keysOf('followup.digest');
    expect(keys.filter((k) => k.startsWith(`digest:${w.people.rep1.id}:`))).toEqual([`digest:${w.people.rep1.id}:2026-11-23`]);
    const li = await w.db.outbox.findFirstOrThrow({ where: { dedupeKey: `digest:${w.people.rep1.id}:2026-11-23` } });
    expect(JSON.parse(li.payload)).toMatchObject({ localDate: '2026-11-23', timezone: TOKYO });
    // His own slot, at the next tick after the change; Shanghai's morning still came for the others (Sam among them).
    const runs = (await recentRuns(w.deps, { job: 'digest', limit: 10 })).reverse();
    expect(runs.map((r) => [r.slot, r.status, r.sent])).toEqual([
      [`2026-11-22T23:30:00.000Z:${TOKYO}:p${w.people.rep1.id}`, 'done', 1],
      ['2026-11-23T00:30:00.000Z:Asia/Shanghai', 'done', 1],
    ]);
    expect(keys).toContain(`digest:${w.people.rep2.id}:2026-11-23`);
    // Sam moves to Tokyo after his digest: nothing more. Nor for anyone once Tokyo's two hours are over.
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { timezone: TOKYO } });
    await s.tickThrough('2026-11-23T00:40:00Z', '2026-11-23T01:35:00Z', MINUTE);
    // 刘洋 moves to Tokyo at 10:35 there: more than two hours after its 08:30, no digest that day.
    await w.db.person.update({ where: { id: w.people.rep3.id }, data: { timezone: TOKYO } });
    await s.tickThrough('2026-11-23T01:35:00Z', '2026-11-23T02:30:00Z', MINUTE);
    expect(await keysOf('followup.digest')).toEqual(keys);
    expect(await w.db.jobRun.count({ where: { job: 'digest' } })).toBe(2);
  });
});

describe('warnings by the scheduler', () => {
  it('once a day at the digest’s time: each store’s 3-day and 1-day warnings once', async () => {
    const s = scheduler([warningsJob]);
    await s.tickAt('2026-12-17T00:00:00Z');
    await s.tickThrough('2026-12-17T00:00:00Z', '2026-12-22T00:00:00Z', HOUR);
    const runs = (await recentRuns(w.deps, { job: 'warnings', limit: 100 })).reverse();
    // The first tick of a new installation runs the latest slot before it once (the 16th's).
    expect(runs.map((r) => r.slot)).toEqual(['16', '17', '18', '19', '20', '21'].map((d) => `2026-12-${d}T00:30:00.000Z`));
    expect(runs.map((r) => r.sent)).toEqual([0, 0, 0, 4, 0, 4]);
  });
});
