import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../src/domain/clock.ts';
import { InvalidInputError } from '../../../../src/domain/errors.ts';
import { claimSlot, expiredRuns, finishRun, findRun, latestSlots, recentRuns, recordSkipped, renewLease } from '../../../../src/domain/jobs/runs.ts';
import { T0, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const at = (iso: string) => new Date(iso);
const slot = { job: 'sweep', slot: '2026-11-21T18:00:00.000Z', scheduledAt: at('2026-11-21T18:00:00Z') };

describe('job runs', () => {
  it('ten parallel claims of one slot: one wins, the others see its run', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => claimSlot(w.deps, { ...slot, owner: `p${i}`, leaseMs: 60_000 })));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    for (const c of claims.filter((c) => !c.claimed)) expect(c.claimed || c.run.status).toBe('running');
    expect(await w.db.jobRun.count()).toBe(1);
  });

  it('ten processes taking over one expired run at once: one wins, with attempts + 1', async () => {
    const clock = fixedClock(T0);
    const deps = { ...w.deps, clock };
    const first = await claimSlot(deps, { ...slot, owner: 'crashed', leaseMs: 60_000 });
    expect(first.claimed).toBe(true);
    // Within the lease: still the crashed one's.
    clock.advance(59_000);
    expect((await claimSlot(deps, { ...slot, owner: 'early', leaseMs: 60_000 })).claimed).toBe(false);
    clock.advance(2_000);
    expect((await expiredRuns(deps, clock.now(), at('2026-11-01T00:00:00Z'))).map((r) => r.slot)).toEqual([slot.slot]);
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => claimSlot(deps, { ...slot, owner: `p${i}`, leaseMs: 60_000 })));
    const winners = claims.filter((c) => c.claimed);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ attempts: 2, takenOver: true });
    const run = await findRun(deps, slot.job, slot.slot);
    expect(run).toMatchObject({ status: 'running', attempts: 2 });
    // The crashed owner can neither renew nor finish any more; the new one can.
    expect(await renewLease(deps, { runId: run!.id, owner: 'crashed', leaseMs: 60_000 })).toBe(false);
    expect(await finishRun(deps, { runId: run!.id, owner: 'crashed', status: 'done' })).toBe(false);
    expect(await renewLease(deps, { runId: run!.id, owner: run!.leaseOwner!, leaseMs: 60_000 })).toBe(true);
    clock.advance(1_500);
    expect(await finishRun(deps, { runId: run!.id, owner: run!.leaseOwner!, status: 'done', sent: 3, note: { counts: { returned: 2 }, error: 'x'.repeat(600) } })).toBe(true);
    const done = await findRun(deps, slot.job, slot.slot);
    expect(done).toMatchObject({ status: 'done', sent: 3, durationMs: 1_500, leaseUntil: null, note: { counts: { returned: 2 } } });
    // An error is a line, not a stack trace.
    expect(done!.note!.error!.length).toBe(400);
    // Done is done: no further claim, even after any lease.
    clock.advance(3_600_000);
    expect(await claimSlot(deps, { ...slot, owner: 'late', leaseMs: 60_000 })).toMatchObject({ claimed: false, run: { status: 'done' } });
    expect(await expiredRuns(deps, clock.now(), at('2026-11-01T00:00:00Z'))).toEqual([]);
  });

  it('a failed slot is tried again only by Run now, which is audited', async () => {
    const c = await claimSlot(w.deps, { ...slot, owner: 'a', leaseMs: 60_000 });
    if (!c.claimed) throw new Error('not claimed');
    await finishRun(w.deps, { runId: c.runId, owner: 'a', status: 'failed', note: { error: 'Error: boom' } });
    expect(await claimSlot(w.deps, { ...slot, owner: 'b', leaseMs: 60_000 })).toMatchObject({ claimed: false, run: { status: 'failed', note: { error: 'Error: boom' } } });
    const again = await Promise.all([1, 2, 3].map(() => claimSlot(w.deps, { ...slot, owner: 'c', leaseMs: 60_000, trigger: 'manual', byId: w.people.admin.id, retryFailed: true })));
    expect(again.filter((x) => x.claimed)).toHaveLength(1);
    expect(await findRun(w.deps, slot.job, slot.slot)).toMatchObject({ status: 'running', trigger: 'manual', byId: w.people.admin.id, attempts: 2, note: null });
    expect(await w.db.auditLog.count({ where: { action: 'job.run_now', entityId: 'sweep', actorId: w.people.admin.id } })).toBe(1);
  });

  it('records a skipped slot once, and gives the latest slot per job and the recent runs', async () => {
    expect(await recordSkipped(w.deps, { ...slot, note: { reason: 'late', lateMs: 3_600_000 } })).toBe(true);
    expect(await recordSkipped(w.deps, { ...slot, note: { reason: 'late', lateMs: 3_600_000 } })).toBe(false);
    expect((await claimSlot(w.deps, { ...slot, owner: 'a', leaseMs: 60_000 })).claimed).toBe(false);
    await claimSlot(w.deps, { job: 'sweep', slot: '2026-11-22T18:00:00.000Z', scheduledAt: at('2026-11-22T18:00:00Z'), owner: 'a', leaseMs: 60_000 });
    await claimSlot(w.deps, { job: 'housekeeping', slot: '2026-11-21T19:30:00.000Z', scheduledAt: at('2026-11-21T19:30:00Z'), owner: 'a', leaseMs: 60_000 });
    // A run of its own (Run now) later than both is no slot of the schedule: catch-up does not start from it.
    await claimSlot(w.deps, { job: 'sweep', slot: 'manual:abcdefgh12', scheduledAt: at('2026-11-25T03:00:00Z'), owner: 'a', leaseMs: 60_000, trigger: 'manual' });
    const latest = await latestSlots(w.deps, ['sweep', 'housekeeping', 'digest']);
    expect(Object.fromEntries([...latest].map(([k, v]) => [k, v.toISOString()]))).toEqual({ sweep: '2026-11-22T18:00:00.000Z', housekeeping: '2026-11-21T19:30:00.000Z' });
    expect((await recentRuns(w.deps, { job: 'sweep' })).map((r) => [r.slot, r.status])).toEqual([
      ['manual:abcdefgh12', 'running'],
      ['2026-11-22T18:00:00.000Z', 'running'],
      ['2026-11-21T18:00:00.000Z', 'skipped'],
    ]);
    expect(await recentRuns(w.deps, { limit: 1 })).toHaveLength(1);
  });

  it('refuses bad input with a typed error and writes nothing', async () => {
    await expect(claimSlot(w.deps, { ...slot, owner: '', leaseMs: 60_000 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(claimSlot(w.deps, { ...slot, scheduledAt: 'tomorrow' as unknown as Date, owner: 'a', leaseMs: 60_000 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(finishRun(w.deps, { runId: 1, owner: 'a', status: 'exploded' as 'done' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(finishRun(w.deps, { runId: 1, owner: 'a', status: 'done', note: { counts: { 'Not A Name': 1 } } })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(finishRun(w.deps, { runId: 1, owner: 'a', status: 'done', note: { counts: { returned: -1 } } })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await w.db.jobRun.count()).toBe(0);
  });

  it('reads back notes written before they were structured', async () => {
    for (const [i, note] of ['returned:1', 'late:3600000', 'superseded', 'people:18 late', 'TypeError: no such person'].entries()) {
      await w.db.jobRun.create({ data: { job: 'sweep', slot: `old-${i}`, scheduledAt: at('2026-11-20T00:00:00Z'), status: 'done', startedAt: at('2026-11-20T00:00:00Z'), note } });
    }
    const notes = (await recentRuns(w.deps, { job: 'sweep' })).sort((a, b) => a.id - b.id).map((r) => r.note);
    expect(notes).toEqual([
      { counts: { returned: 1 } },
      { reason: 'late', lateMs: 3_600_000 },
      { reason: 'superseded' },
      { counts: { people: 18 }, reason: 'late' },
      { text: 'TypeError: no such person' },
    ]);
  });
});
