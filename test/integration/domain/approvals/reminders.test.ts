import { describe, expect, it } from 'vitest';
import { decide, reassignStep } from '../../../../src/domain/approvals/engine.ts';
import { approvalRecord } from '../../../../src/domain/approvals/queries.ts';
import { remindApprovers, runApprovalReminders } from '../../../../src/domain/approvals/reminders.ts';
import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

// The company's calendar: Asia/Shanghai, Monday–Friday; reminders after 24 working hours, escalation
// after 72 (the defaults). T0 = 2026-11-22T02:00:00Z is Sunday 10:00 in Hangzhou: a request made then
// starts counting on Monday at 00:00. Team 1's lead is Han Meimei (sup1); above: Wang Fang (mgrWest).

/** A local time in Hangzhou (UTC+8) as an instant. */
const local = (isoLocal: string) => new Date(`${isoLocal}+08:00`);

async function report(at: string = '2026-11-22T10:00') {
  w.clock.set(local(at));
  const s = await w.store('Sunny Cafe');
  const o = await createOpportunity(w.deps, w.people.rep1, { storeId: s.id, name: 'Coffee machines', amount: 1_000_000, expectedCloseAt: '2026-12-31' });
  const r = await approvalRecord(w.db, o.reportRequestId);
  return { requestId: r.id, stepId: r.currentStepId! };
}

const kinds = async (kind: string) => (await w.db.outbox.findMany({ where: { kind }, orderBy: { id: 'asc' } })).map((n) => ({ to: n.recipientId, key: n.dedupeKey, payload: JSON.parse(n.payload) as Record<string, unknown> }));
const runAt = (isoLocal: string) => {
  w.clock.set(local(isoLocal));
  return runApprovalReminders(w.deps);
};

describe('approval reminders in working hours', () => {
  it('a request made on Sunday is reminded on Tuesday and Wednesday and escalated on Thursday (the escalation stands for the third reminder)', async () => {
    const { requestId, stepId } = await report('2026-11-22T10:00');
    const sup1 = w.people.sup1.id;
    const mgr = w.people.mgrWest.id;

    // Sunday counts nothing; Monday counts whole: 23 working hours at Monday 23:00.
    expect(await runAt('2026-11-23T23:00')).toMatchObject({ reminded: 0, escalated: 0 });
    expect(await kinds('approval.reminder')).toEqual([]);

    expect(await runAt('2026-11-24T00:15')).toMatchObject({ reminded: 1, escalated: 0 });
    // Running the slot again, or twice at once: nothing more.
    await runAt('2026-11-24T00:15');
    await Promise.all([runApprovalReminders(w.deps), runApprovalReminders(w.deps)]);
    expect(await kinds('approval.reminder')).toEqual([{ to: sup1, key: `approval.reminder:${stepId}:1:${sup1}`, payload: { requestId, stepId, count: 1, of: 3 } }]);
    expect(await w.db.approvalStep.findUniqueOrThrow({ where: { id: stepId } })).toMatchObject({ remindCount: 1, lastRemindedAt: local('2026-11-24T00:15'), escalatedAt: null });

    expect(await runAt('2026-11-25T09:00')).toMatchObject({ reminded: 1 });
    expect((await kinds('approval.reminder')).map((n) => n.payload.count)).toEqual([1, 2]);

    // 72 working hours on Thursday 00:00: Wang Fang joins the step.
    expect(await runAt('2026-11-26T00:15')).toMatchObject({ escalated: 1, reminded: 0 });
    await runAt('2026-11-26T00:30');
    const r = await approvalRecord(w.db, requestId);
    expect(r.steps[0]!.approvers.map((a) => [a.id, a.via, a.active])).toEqual([
      [sup1, 'route', true],
      [mgr, 'escalated', true],
    ]);
    expect((await kinds('approval.card')).map((n) => n.to)).toEqual([sup1, mgr]);
    expect((await kinds('approval.escalated')).map((n) => n.to)).toEqual([sup1]);
    expect((await kinds('approval.update')).map((n) => n.payload.event)).toEqual(['submitted', 'escalated']);
    // The Home of the one who joined is drawn again: it lists the step now.
    expect((await kinds('home.refresh')).filter((n) => n.key.includes(':escalated:')).map((n) => n.to)).toEqual([mgr]);
    const why = await w.db.auditLog.findMany({ where: { action: 'approval.escalate' } });
    expect(why).toHaveLength(1);
    expect(JSON.parse(why[0]!.after!)).toMatchObject({ joined: [mgr], reason: 'waited_too_long', waitedWorkingHours: 72, approvalEscalateHours: 72 });

    // The escalation came with the third period: no reminder follows it, then or later.
    expect(await w.db.approvalStep.findUniqueOrThrow({ where: { id: stepId } })).toMatchObject({ remindCount: 3 });
    for (const day of ['2026-11-27', '2026-11-28', '2026-11-30', '2026-12-01', '2026-12-02']) await runAt(`${day}T12:00`);
    expect(await kinds('approval.reminder')).toHaveLength(2);
    expect(await w.db.auditLog.count({ where: { action: 'approval.escalate' } })).toBe(1);

    // The escalated approver decides; every card of the step is redrawn.
    await decide(w.deps, w.people.mgrWest, stepId, { decision: 'approve' });
    expect((await kinds('approval.card.refresh')).filter((n) => n.key.endsWith(':decided')).map((n) => n.to).sort()).toEqual([sup1, mgr].sort());
    expect((await rejection(decide(w.deps, w.people.sup1, stepId, { decision: 'approve' }))).key).toBe('approval.already_approved');
  });

  it('above the threshold, the escalated approver (the level above) approves it; the first level still can only send it up', async () => {
    w.clock.set(local('2026-11-23T10:00'));
    const s = await w.store('Sunny Cafe');
    const o = await createOpportunity(w.deps, w.people.rep1, { storeId: s.id, name: 'Big machines', amount: 8_000_000, expectedCloseAt: '2026-12-31' });
    const stepId = (await approvalRecord(w.db, o.reportRequestId)).currentStepId!;
    expect(await runAt('2026-11-26T10:15')).toMatchObject({ escalated: 1 });
    expect((await rejection(decide(w.deps, w.people.sup1, stepId, { decision: 'approve' }))).key).toBe('approval.must_send_up');
    expect((await rejection(decide(w.deps, w.people.mgrWest, stepId, { decision: 'send_up' }))).key).toBe('approval.cannot_send_up');
    expect(await decide(w.deps, w.people.mgrWest, stepId, { decision: 'approve' })).toMatchObject({ status: 'approved', nextStepId: null });
  });

  it('a request made on Friday morning waits over the weekend: reminded on Monday at the same time', async () => {
    await report('2026-11-27T10:00');
    expect(await runAt('2026-11-28T23:00')).toMatchObject({ reminded: 0 });
    expect(await runAt('2026-11-30T09:59')).toMatchObject({ reminded: 0 });
    expect(await runAt('2026-11-30T10:00')).toMatchObject({ reminded: 1 });
  });

  it('the calendar is the settings’: with every day a working day, Sunday counts', async () => {
    await w.db.setting.create({ data: { key: 'workingDays', value: JSON.stringify([1, 2, 3, 4, 5, 6, 7]) } });
    await report('2026-11-22T10:00');
    expect(await runAt('2026-11-23T10:00')).toMatchObject({ reminded: 1 });
  });

  it('a decided step is neither reminded nor escalated', async () => {
    const { stepId } = await report();
    await decide(w.deps, w.people.sup1, stepId, { decision: 'approve' });
    expect(await runAt('2026-12-04T12:00')).toEqual({ scanned: 0, reminded: 0, escalated: 0, notices: 0 });
  });

  it('a step at the top (the admins) is marked escalated once, with nobody to add, and says why', async () => {
    const { stepId } = await report('2026-11-23T10:00');
    // A step the admins decide (its unit fell through to them): nobody is above them.
    await reassignStep(w.deps, w.people.admin, stepId, { toPersonId: w.people.admin.id });
    await w.db.approvalStep.update({ where: { id: stepId }, data: { unitId: null } });
    const before = await w.db.outbox.count();
    expect(await runAt('2026-12-01T12:00')).toMatchObject({ escalated: 1 });
    await runAt('2026-12-02T12:00');
    const audits = await w.db.auditLog.findMany({ where: { action: 'approval.escalate' } });
    expect(audits.map((a) => JSON.parse(a.after!).reason)).toEqual(['no_level_above']);
    expect(await w.db.outbox.count({ where: { kind: { in: ['approval.escalated', 'approval.card'] }, id: { gt: before } } })).toBe(0);
  });
});

describe('reminders with settings of their own', () => {
  it('every 8 working hours, escalated after 72: three reminders on Monday and Tuesday, then the escalation on Thursday and nothing more', async () => {
    await w.db.setting.create({ data: { key: 'approvalReminderHours', value: '8' } });
    const { stepId } = await report('2026-11-22T10:00');
    for (const at of ['2026-11-23T08:05', '2026-11-23T16:05', '2026-11-23T16:20', '2026-11-24T00:05', '2026-11-24T12:00', '2026-11-25T12:00']) await runAt(at);
    expect((await kinds('approval.reminder')).map((n) => n.payload.count)).toEqual([1, 2, 3]);
    expect(await runAt('2026-11-26T00:05')).toMatchObject({ escalated: 1 });
    await runAt('2026-11-27T00:05');
    expect(await kinds('approval.reminder')).toHaveLength(3);
    expect(await w.db.approvalStep.findUniqueOrThrow({ where: { id: stepId } })).toMatchObject({ remindCount: 3 });
  });
});

describe('the requester’s Remind', () => {
  it('reminds the current approvers once every 4 hours; a press too soon says when', async () => {
    const { requestId, stepId } = await report('2026-11-23T10:00');
    const first = await remindApprovers(w.deps, w.people.rep1, requestId);
    expect(first.to.map((p) => p.id)).toEqual([w.people.sup1.id]);
    expect(first.nextAt).toEqual(local('2026-11-23T14:00'));
    w.clock.advance(60 * 60 * 1000);
    const soon = await rejection(remindApprovers(w.deps, w.people.rep1, requestId));
    expect(soon.key).toBe('approval.remind_too_soon');
    expect(soon.params).toMatchObject({ next: local('2026-11-23T14:00') });
    // Two presses at once after the wait: one reminder.
    w.clock.set(local('2026-11-23T14:00'));
    const both = await Promise.allSettled([remindApprovers(w.deps, w.people.rep1, requestId), remindApprovers(w.deps, w.people.rep1, requestId)]);
    expect(both.filter((b) => b.status === 'fulfilled')).toHaveLength(1);
    const sent = await kinds('approval.reminder');
    expect(sent.map((n) => [n.to, n.payload])).toEqual([
      [w.people.sup1.id, { requestId, stepId, byRequester: true }],
      [w.people.sup1.id, { requestId, stepId, byRequester: true }],
    ]);
    expect(await w.db.auditLog.count({ where: { action: 'approval.remind' } })).toBe(2);
  });

  it('only the requester, only while pending', async () => {
    const { requestId, stepId } = await report('2026-11-23T10:00');
    expect((await rejection(remindApprovers(w.deps, w.people.rep2, requestId))).key).toBe('approval.not_found');
    await decide(w.deps, w.people.sup1, stepId, { decision: 'approve' });
    expect((await rejection(remindApprovers(w.deps, w.people.rep1, requestId))).key).toBe('approval.not_pending');
  });
});
