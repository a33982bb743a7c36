import { describe, expect, it } from 'vitest';
import { approvalRecord } from '../../../src/domain/approvals/queries.ts';
import { createOpportunity } from '../../../src/domain/opportunities/opportunities.ts';
import { setAway } from '../../../src/domain/people/away.ts';
import { approvalRemindersJob } from '../../../src/jobs/approval-reminders.job.ts';
import { awayJob } from '../../../src/jobs/away.job.ts';
import { createScheduler } from '../../../src/jobs/scheduler.ts';
import { T0, worldPerTest, type World } from '../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

// The approval-reminders and away jobs on the scheduler, on a fixed clock moved through a week. T0 is
// Sunday 2026-11-22, 10:00 in Hangzhou (Monday–Friday working days, reminders after 24 working hours,
// escalation after 72).

const HOUR = 3_600_000;

function scheduler(owner = 'test') {
  const s = createScheduler({ deps: w.deps, jobs: [awayJob, approvalRemindersJob], owner, log: () => undefined });
  return (at: Date) => {
    w.clock.set(at);
    return s.tick(w.clock.now());
  };
}

describe('approval reminders and away on the scheduler', () => {
  it('a week of ticks (two processes): the delegate joins at the start of the period, two reminders, one escalation, the delegate leaves at the end — each once', async () => {
    const s = await w.store('Sunny Cafe');
    const o = await createOpportunity(w.deps, w.people.rep1, { storeId: s.id, name: 'Coffee machines', amount: 1_000_000, expectedCloseAt: '2026-12-31' });
    const stepId = (await approvalRecord(w.db, o.reportRequestId)).currentStepId!;
    // Han Meimei is away on Tuesday, with Wang Fang as delegate.
    await setAway(w.deps, w.people.sup1, { from: '2026-11-24', to: '2026-11-24', delegateId: w.people.mgrWest.id });

    const a = scheduler('a');
    const b = scheduler('b');
    // Every two hours through the week, both processes ticking at once.
    for (let t = new Date(T0).getTime(); t <= new Date('2026-11-28T16:00:00Z').getTime(); t += 2 * HOUR) {
      await Promise.all([a(new Date(t)), b(new Date(t))]);
    }

    const reminders = await w.db.outbox.findMany({ where: { kind: 'approval.reminder' }, orderBy: { id: 'asc' } });
    // Tuesday (Han Meimei and her delegate), Wednesday (Han Meimei alone: the period ended at midnight).
    expect(reminders.map((n) => [JSON.parse(n.payload).count, n.recipientId])).toEqual([
      [1, w.people.sup1.id],
      [1, w.people.mgrWest.id],
      [2, w.people.sup1.id],
    ]);
    expect(await w.db.auditLog.count({ where: { action: 'approval.escalate' } })).toBe(1);
    const approvers = (await approvalRecord(w.db, o.reportRequestId)).steps[0]!.approvers.map((x) => [x.name, x.via, x.active]);
    // Wang Fang joined as delegate on Tuesday, left at its end, and came back as the level above on Thursday.
    expect(approvers).toEqual([
      ['Han Meimei', 'route', true],
      ['Wang Fang', 'escalated', true],
    ]);
    expect(await w.db.auditLog.count({ where: { action: { in: ['away.start', 'away.end'] } } })).toBe(2);
    expect(await w.db.approvalStep.findUniqueOrThrow({ where: { id: stepId } })).toMatchObject({ remindCount: 3 });
    const runs = await w.db.jobRun.findMany({ where: { job: 'approval-reminders' } });
    // One row per slot, however many processes.
    expect(new Set(runs.map((r) => r.slot)).size).toBe(runs.length);
    expect(runs.every((r) => r.status === 'done' || r.status === 'skipped')).toBe(true);
  }, 120_000);
});
