import { describe, expect, it } from 'vitest';
import { decide, reassignStep, voidRequest, withdrawRequest } from '../../../../src/domain/approvals/engine.ts';
import { approvalRecord, getApproval, listApprovals } from '../../../../src/domain/approvals/queries.ts';
import { resubmitRequest, submitRequest } from '../../../../src/domain/approvals/requests.ts';
import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { deactivateWithHandover } from '../../../../src/domain/people/handover.ts';
import { worldPerTest, rejection, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

// Team 1 (lead Han Meimei, sup1) is in the West Lake area (lead Wang Fang, mgrWest), under Hangzhou
// (no lead: the admins decide there). The default threshold is 50,000.00 (5,000,000 fen).
const SMALL = 1_000_000; // 10,000.00
const BIG = 8_000_000; // 80,000.00

async function report(amount = SMALL, who = w.people.rep1) {
  const s = await w.store(who === w.people.rep1 ? 'Sunny Cafe' : '外婆家（湖滨店）');
  const o = await createOpportunity(w.deps, who, { storeId: s.id, name: 'Coffee machines', amount, expectedCloseAt: '2026-12-31' });
  return { opportunity: o, requestId: o.reportRequestId, store: s };
}

const current = async (requestId: number) => (await approvalRecord(w.db, requestId)).currentStepId!;
const outbox = (kind: string) => w.db.outbox.findMany({ where: { kind }, orderBy: { id: 'asc' } });
const writes = async () => ({
  requests: await w.db.approvalRequest.count(),
  steps: await w.db.approvalStep.count(),
  outbox: await w.db.outbox.count(),
  audit: await w.db.auditLog.count(),
});

describe('report: one level', () => {
  it('goes to the team lead, who approves it; the requester hears of each move, the approver gets a card', async () => {
    const { requestId, opportunity } = await report();
    const r = await approvalRecord(w.db, requestId);
    expect(r).toMatchObject({ flow: 'report', status: 'pending', amount: SMALL, decisions: ['approve', 'return', 'reject'] });
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]!.approvers.map((a) => a.id)).toEqual([w.people.sup1.id]);
    expect((await w.db.opportunity.findUniqueOrThrow({ where: { id: opportunity.id } })).reportStatus).toBe('pending');
    expect((await outbox('approval.card')).map((n) => n.recipientId)).toEqual([w.people.sup1.id]);

    w.clock.advance(60_000);
    const result = await decide(w.deps, w.people.sup1, r.currentStepId!, { decision: 'approve' });
    expect(result).toMatchObject({ status: 'approved', nextStepId: null });
    const after = await approvalRecord(w.db, requestId);
    expect(after.status).toBe('approved');
    expect(after.steps[0]).toMatchObject({ status: 'approved', decidedBy: { id: w.people.sup1.id }, decidedAt: new Date('2026-11-22T02:01:00Z') });
    expect(after.decisions).toEqual([]);
    expect((await w.db.opportunity.findUniqueOrThrow({ where: { id: opportunity.id } })).reportStatus).toBe('approved');
    expect((await outbox('approval.update')).map((n) => JSON.parse(n.payload).event)).toEqual(['submitted', 'approved']);
    expect((await outbox('approval.card.refresh')).map((n) => n.recipientId)).toEqual([w.people.sup1.id]);
  });

  it('never lets the requester or someone outside the step decide, and a decided step stays decided', async () => {
    const { requestId } = await report();
    const step = await current(requestId);
    expect((await rejection(decide(w.deps, w.people.rep1, step, { decision: 'approve' }))).key).toBe('approval.own_request');
    expect((await rejection(decide(w.deps, w.people.sup2, step, { decision: 'approve' }))).key).toBe('approval.not_your_step');
    expect((await rejection(decide(w.deps, w.people.mgrWest, step, { decision: 'approve' }))).key).toBe('approval.not_your_step');
    await decide(w.deps, w.people.sup1, step, { decision: 'approve' });
    const late = await rejection(decide(w.deps, w.people.sup1, step, { decision: 'reject', comment: 'no' }));
    expect(late.key).toBe('approval.already_approved');
    expect(late.params).toMatchObject({ by: 'Han Meimei' });
    expect((await approvalRecord(w.db, requestId)).status).toBe('approved');
  });

  it('a supervisor’s own request skips itself and goes to the level above', async () => {
    const s = await w.store('Sunny Cafe');
    const o = await createOpportunity(w.deps, w.people.sup1, { storeId: s.id, name: 'Lead deal', amount: SMALL, expectedCloseAt: '2026-12-31' });
    const r = await approvalRecord(w.db, o.reportRequestId);
    expect(r.steps[0]!.approvers.map((a) => a.id)).toEqual([w.people.mgrWest.id]);
  });
});

describe('report: two levels', () => {
  it('from the threshold on, the first level can only send it up; the next unit’s lead ends it', async () => {
    const { requestId } = await report(BIG);
    const first = await current(requestId);
    expect((await approvalRecord(w.db, requestId)).decisions).toEqual(['send_up', 'return', 'reject']);
    expect((await rejection(decide(w.deps, w.people.sup1, first, { decision: 'approve' }))).key).toBe('approval.must_send_up');
    const up = await decide(w.deps, w.people.sup1, first, { decision: 'send_up', comment: 'Big one' });
    expect(up.status).toBe('pending');
    const r = await approvalRecord(w.db, requestId);
    expect(r.steps.map((s) => [s.level, s.status, s.approvers.map((a) => a.id)])).toEqual([
      [1, 'sent_up', [w.people.sup1.id]],
      [2, 'pending', [w.people.mgrWest.id]],
    ]);
    expect(r.decisions).toEqual(['approve', 'return', 'reject']);
    expect((await rejection(decide(w.deps, w.people.mgrWest, first, { decision: 'approve' }))).key).toBe('approval.already_sent_up');
    await decide(w.deps, w.people.mgrWest, up.nextStepId!, { decision: 'approve' });
    expect((await approvalRecord(w.db, requestId)).status).toBe('approved');
    expect((await outbox('approval.update')).map((n) => JSON.parse(n.payload).event)).toEqual(['submitted', 'sent_up', 'approved']);
    expect((await outbox('approval.card')).map((n) => n.recipientId)).toEqual([w.people.sup1.id, w.people.mgrWest.id]);
  });

  it('below the threshold there is nothing to send up', async () => {
    const { requestId } = await report(SMALL);
    expect((await rejection(decide(w.deps, w.people.sup1, await current(requestId), { decision: 'send_up' }))).key).toBe('approval.cannot_send_up');
  });

  it('the threshold is a setting per flow', async () => {
    await w.db.setting.create({ data: { key: 'approvalThresholds', value: JSON.stringify({ report: 100, sign: 5_000_000, terminate: 5_000_000 }) } });
    const { requestId } = await report(SMALL);
    expect((await approvalRecord(w.db, requestId)).decisions).toContain('send_up');
  });
});

describe('return, resubmit, void, withdraw, reject', () => {
  it('return needs a comment; the resubmitted request starts again at step 1 and shows what changed', async () => {
    const { requestId, opportunity } = await report();
    const step = await current(requestId);
    const before = await writes();
    const empty = await rejection(decide(w.deps, w.people.sup1, step, { decision: 'return', comment: '  ' }));
    expect(empty.issues).toEqual([expect.objectContaining({ path: 'comment', key: 'approval.comment_required' })]);
    expect(await writes()).toEqual(before);

    await decide(w.deps, w.people.sup1, step, { decision: 'return', comment: 'Amount looks low' });
    expect((await approvalRecord(w.db, requestId)).status).toBe('returned');
    expect((await w.db.opportunity.findUniqueOrThrow({ where: { id: opportunity.id } })).reportStatus).toBe('returned');

    const bad = await rejection(resubmitRequest(w.deps, w.people.rep1, requestId, { name: 'Coffee machines', amount: -5, expectedCloseAt: '2026-11-01' }));
    expect(bad.issues.map((i) => i.path).sort()).toEqual(['amount', 'expectedCloseAt']);
    expect((await approvalRecord(w.db, requestId)).status).toBe('returned');

    await resubmitRequest(w.deps, w.people.rep1, requestId, { name: 'Coffee machines', amount: 2_000_000, expectedCloseAt: '2026-12-31', notes: 'with grinders' });
    const r = await approvalRecord(w.db, requestId);
    expect(r).toMatchObject({ status: 'pending', round: 2, amount: 2_000_000 });
    expect(r.steps.map((s) => [s.round, s.level, s.status])).toEqual([[1, 1, 'returned'], [2, 1, 'pending']]);
    expect(r.changes).toEqual([
      { field: 'amount', before: SMALL, after: 2_000_000 },
      { field: 'notes', before: null, after: 'with grinders' },
    ]);
    expect((await w.db.opportunity.findUniqueOrThrow({ where: { id: opportunity.id } })).amount).toBe(2_000_000);
    await decide(w.deps, w.people.sup1, r.currentStepId!, { decision: 'approve' });
    expect((await approvalRecord(w.db, requestId)).status).toBe('approved');
    expect((await outbox('approval.update')).map((n) => JSON.parse(n.payload).event)).toEqual(['submitted', 'returned', 'resubmitted', 'approved']);
  });

  it('only a returned request can be resubmitted or voided, and only by its requester', async () => {
    const { requestId } = await report();
    const again = { name: 'x', amount: 1, expectedCloseAt: '2026-12-31' };
    expect((await rejection(resubmitRequest(w.deps, w.people.rep1, requestId, again))).key).toBe('approval.not_returned');
    expect((await rejection(voidRequest(w.deps, w.people.rep1, requestId))).key).toBe('approval.not_returned');
    await decide(w.deps, w.people.sup1, await current(requestId), { decision: 'return', comment: 'fix' });
    expect((await rejection(resubmitRequest(w.deps, w.people.rep2, requestId, again))).key).toBe('approval.not_found');
    await voidRequest(w.deps, w.people.rep1, requestId);
    expect((await approvalRecord(w.db, requestId)).status).toBe('voided');
    expect((await rejection(resubmitRequest(w.deps, w.people.rep1, requestId, again))).key).toBe('approval.not_returned');
  });

  it('reject is final and needs a comment', async () => {
    const { requestId, opportunity } = await report();
    const step = await current(requestId);
    expect((await rejection(decide(w.deps, w.people.sup1, step, { decision: 'reject' }))).issues[0]?.path).toBe('comment');
    await decide(w.deps, w.people.sup1, step, { decision: 'reject', comment: 'Not our segment' });
    expect((await approvalRecord(w.db, requestId)).steps[0]).toMatchObject({ status: 'rejected', comment: 'Not our segment' });
    expect((await w.db.opportunity.findUniqueOrThrow({ where: { id: opportunity.id } })).reportStatus).toBe('rejected');
  });

  it('the requester withdraws a pending request; the approver’s card is redrawn and its buttons stop working', async () => {
    const { requestId } = await report();
    const step = await current(requestId);
    await withdrawRequest(w.deps, w.people.rep1, requestId);
    expect((await approvalRecord(w.db, requestId)).status).toBe('withdrawn');
    expect((await rejection(decide(w.deps, w.people.sup1, step, { decision: 'approve' }))).key).toBe('approval.already_withdrawn');
    expect((await outbox('approval.card.refresh')).map((n) => n.recipientId)).toEqual([w.people.sup1.id]);
    expect((await rejection(withdrawRequest(w.deps, w.people.rep1, requestId))).key).toBe('approval.not_pending');
  });
});

describe('sign, terminate, transfer, extend', () => {
  async function approvedReport(amount = SMALL) {
    const r = await report(amount);
    await decide(w.deps, w.people.sup1, await current(r.requestId), { decision: 'approve' });
    return r;
  }

  it('sign: approved, the opportunity is won and its store becomes the rep’s customer', async () => {
    const { opportunity, store } = await approvedReport();
    const { requestId } = await submitRequest(w.deps, w.people.rep1, { flow: 'sign', opportunityId: opportunity.id, wonAmount: 1_200_000, wonAt: '2026-11-21', contractNo: 'HT-2026-001' });
    await decide(w.deps, w.people.sup1, await current(requestId), { decision: 'approve' });
    const o = await w.db.opportunity.findUniqueOrThrow({ where: { id: opportunity.id } });
    expect(o).toMatchObject({ stage: 'won', wonAmount: 1_200_000, contractNo: 'HT-2026-001', wonAt: new Date('2026-11-20T16:00:00Z') });
    expect((await w.db.store.findUniqueOrThrow({ where: { id: store.id } })).isCustomer).toBe(true);
    const stages = await w.db.opportunityStageChange.findMany({ where: { opportunityId: opportunity.id }, orderBy: { id: 'asc' } });
    expect(stages.at(-1)).toMatchObject({ toStage: 'won', byId: w.people.sup1.id, note: 'HT-2026-001' });
  });

  it('sign is refused before the report is approved, and with a future date or a bad amount; nothing is written', async () => {
    const { opportunity } = await report();
    const early = await rejection(submitRequest(w.deps, w.people.rep1, { flow: 'sign', opportunityId: opportunity.id, wonAmount: 1, wonAt: '2026-11-22', contractNo: 'A' }));
    expect(early.key).toBe('approval.report_not_approved');
    await decide(w.deps, w.people.sup1, await current(opportunity.reportRequestId), { decision: 'approve' });
    const before = await writes();
    const bad = await rejection(submitRequest(w.deps, w.people.rep1, { flow: 'sign', opportunityId: opportunity.id, wonAmount: -1, wonAt: '2026-11-23', contractNo: ' ' }));
    expect(bad.issues.map((i) => [i.path, i.key])).toEqual(expect.arrayContaining([
      ['wonAmount', 'opportunity.amount_negative'],
      ['wonAt', 'approval.won_in_future'],
      ['contractNo', expect.any(String)],
    ]));
    expect(await writes()).toEqual(before);
    const other = await rejection(submitRequest(w.deps, w.people.rep2, { flow: 'sign', opportunityId: opportunity.id, wonAmount: 1, wonAt: '2026-11-22', contractNo: 'A' }));
    expect(other.key).toBe('approval.not_your_opportunity');
  });

  it('one open close request per opportunity; terminate closes it as lost with the reason', async () => {
    const { opportunity } = await approvedReport();
    const { requestId } = await submitRequest(w.deps, w.people.rep1, { flow: 'terminate', opportunityId: opportunity.id, reason: 'Chose a competitor' });
    const twice = await rejection(submitRequest(w.deps, w.people.rep1, { flow: 'sign', opportunityId: opportunity.id, wonAmount: 1, wonAt: '2026-11-22', contractNo: 'A' }));
    expect(twice.key).toBe('approval.already_open');
    await decide(w.deps, w.people.sup1, await current(requestId), { decision: 'approve' });
    expect(await w.db.opportunity.findUniqueOrThrow({ where: { id: opportunity.id } })).toMatchObject({ stage: 'lost', lostReason: 'Chose a competitor' });
    const closed = await rejection(submitRequest(w.deps, w.people.rep1, { flow: 'terminate', opportunityId: opportunity.id, reason: 'again' }));
    expect(closed.key).toBe('opportunity.closed');
  });

  it('two simultaneous submissions about one subject: one request', async () => {
    const { opportunity } = await approvedReport();
    const tries = await Promise.allSettled([1, 2, 3].map((n) =>
      submitRequest(w.deps, w.people.rep1, { flow: 'terminate', opportunityId: opportunity.id, reason: `try ${n}` })));
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
    expect(await w.db.approvalRequest.count({ where: { flow: 'terminate' } })).toBe(1);
  });

  it('transfer: a rep asks, its lead approves, the store moves; a store the rep does not hold is refused', async () => {
    const s = await w.store('Sunny Cafe');
    const before = await writes();
    const empty = await rejection(submitRequest(w.deps, w.people.rep1, { flow: 'transfer', storeId: s.id, toPersonId: w.people.rep2.id, reason: '' }));
    expect(empty.issues.map((i) => i.path)).toEqual(['reason']);
    const self = await rejection(submitRequest(w.deps, w.people.rep1, { flow: 'transfer', storeId: s.id, toPersonId: w.people.rep1.id, reason: 'x' }));
    expect(self.issues).toEqual([{ path: 'toPersonId', key: 'approval.transfer_to_self' }]);
    const notMine = await rejection(submitRequest(w.deps, w.people.sup1, { flow: 'transfer', storeId: s.id, toPersonId: w.people.rep2.id, reason: 'x' }));
    expect(notMine.key).toBe('approval.not_your_store');
    // Another rep's private store is not even visible.
    const hidden = await rejection(submitRequest(w.deps, w.people.rep2, { flow: 'transfer', storeId: s.id, toPersonId: w.people.rep2.id, reason: 'x' }));
    expect(hidden.key).toBe('store.not_found');
    const unseen = await rejection(submitRequest(w.deps, w.people.rep1, { flow: 'extend', storeId: (await w.store('River Side Grill')).id, days: 5, reason: 'x' }));
    expect(unseen.key).toBe('store.not_found');
    expect(await writes()).toEqual(before);

    const { requestId } = await submitRequest(w.deps, w.people.rep1, { flow: 'transfer', storeId: s.id, toPersonId: w.people.rep2.id, reason: 'Moving to the east side' });
    expect((await approvalRecord(w.db, requestId)).decisions).toEqual(['approve', 'return', 'reject']);
    await decide(w.deps, w.people.sup1, await current(requestId), { decision: 'approve' });
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).ownerId).toBe(w.people.rep2.id);
    const history = await w.db.claimHistory.findFirst({ where: { storeId: s.id, action: 'transfer' } });
    expect(history).toMatchObject({ fromOwnerId: w.people.rep1.id, toOwnerId: w.people.rep2.id, actorId: w.people.sup1.id });
  });

  it('extend: approved, the protection is longer; a store that changed hands meanwhile cannot be approved', async () => {
    const s = await w.store('Sunny Cafe');
    const until = (await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).protectedUntil!;
    const { requestId } = await submitRequest(w.deps, w.people.rep1, { flow: 'extend', storeId: s.id, days: 10, reason: 'Deal closing' });
    await decide(w.deps, w.people.sup1, await current(requestId), { decision: 'approve' });
    const after = (await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).protectedUntil!;
    expect(after.getTime() - until.getTime()).toBe(10 * 86_400_000);

    const second = await submitRequest(w.deps, w.people.rep1, { flow: 'extend', storeId: s.id, days: 3, reason: 'More' });
    await w.db.store.update({ where: { id: s.id }, data: { ownerId: w.people.rep2.id } });
    const stale = await rejection(decide(w.deps, w.people.sup1, await current(second.requestId), { decision: 'approve' }));
    expect(stale.key).toBe('approval.store_changed');
    expect((await approvalRecord(w.db, second.requestId)).status).toBe('pending');
  });
});

describe('reassign and leavers', () => {
  it('an admin reassigns a pending step: the old approver’s card says so, the new one gets a card and decides', async () => {
    const { requestId } = await report();
    const step = await current(requestId);
    expect((await rejection(reassignStep(w.deps, w.people.mgrWest, step, { toPersonId: w.people.sup2.id }))).key).toBe('approval.reassign_admin_only');
    expect((await rejection(reassignStep(w.deps, w.people.admin, step, { toPersonId: w.people.rep1.id }))).key).toBe('approval.requester_cannot_approve');
    await reassignStep(w.deps, w.people.admin, step, { toPersonId: w.people.sup2.id });
    const r = await approvalRecord(w.db, requestId);
    expect(r.steps[0]!.approvers.map((a) => [a.id, a.active, a.via])).toEqual([[w.people.sup1.id, false, 'route'], [w.people.sup2.id, true, 'reassigned']]);
    expect((await rejection(decide(w.deps, w.people.sup1, step, { decision: 'approve' }))).key).toBe('approval.not_your_step');
    expect((await outbox('approval.card')).map((n) => n.recipientId)).toEqual([w.people.sup1.id, w.people.sup2.id]);
    expect((await outbox('approval.card.refresh')).map((n) => n.recipientId)).toEqual([w.people.sup1.id]);
    await decide(w.deps, w.people.sup2, step, { decision: 'approve' });
    expect((await approvalRecord(w.db, requestId)).status).toBe('approved');
  });

  it('a deactivated approver’s steps move to the lead of the unit above; a leaver’s own requests end', async () => {
    const { requestId } = await report();
    const mine = await report(SMALL, w.people.rep2);
    w.clock.advance(60_000);
    await deactivateWithHandover(w.deps, w.people.admin, { personId: w.people.sup1.id, toPersonId: null });
    const r = await approvalRecord(w.db, requestId);
    expect(r.steps[0]!.approvers.map((a) => [a.id, a.active, a.via])).toEqual([[w.people.sup1.id, false, 'route'], [w.people.mgrWest.id, true, 'handover']]);
    await decide(w.deps, w.people.mgrWest, r.currentStepId!, { decision: 'approve' });
    expect((await approvalRecord(w.db, requestId)).status).toBe('approved');
    expect((await approvalRecord(w.db, mine.requestId)).steps[0]!.approvers.at(-1)!.id).toBe(w.people.mgrWest.id);

    await deactivateWithHandover(w.deps, w.people.admin, { personId: w.people.rep2.id, toPersonId: null });
    expect((await approvalRecord(w.db, mine.requestId)).status).toBe('voided');
  });
});

describe('exactly once', () => {
  it('two approvers and a double click at the same moment: one decision', async () => {
    // A second supervisor in team 1: both decide step 1.
    await w.db.person.update({ where: { id: w.people.sup2.id }, data: { unitId: w.people.sup1.unitId } });
    const { requestId } = await report();
    const step = await current(requestId);
    expect((await approvalRecord(w.db, requestId)).steps[0]!.approvers.map((a) => a.id).sort()).toEqual([w.people.sup1.id, w.people.sup2.id].sort());
    const sup2 = await w.actor('sup2');
    const results = await Promise.allSettled([
      decide(w.deps, w.people.sup1, step, { decision: 'approve' }),
      decide(w.deps, sup2, step, { decision: 'reject', comment: 'No' }),
      decide(w.deps, w.people.sup1, step, { decision: 'approve' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason.key)).toMatch(/^approval\.already_(approved|rejected)$/);
    const stepRow = await w.db.approvalStep.findUniqueOrThrow({ where: { id: step } });
    expect(stepRow.decidedById).not.toBeNull();
    expect(await w.db.auditLog.count({ where: { entity: 'approval', action: { in: ['approval.approve', 'approval.reject'] } } })).toBe(1);
    expect((await outbox('approval.update')).map((n) => JSON.parse(n.payload).event)).toHaveLength(2);
  });
});

describe('the record and the lists', () => {
  it('to-do, done and mine; only those involved see a request', async () => {
    const a = await report();
    const b = await report(SMALL, w.people.rep2);
    await decide(w.deps, w.people.sup1, await current(a.requestId), { decision: 'approve' });
    const todo = await listApprovals(w.deps, w.people.sup1, { box: 'todo' });
    expect(todo.items.map((i) => i.requestId)).toEqual([b.requestId]);
    const done = await listApprovals(w.deps, w.people.sup1, { box: 'done' });
    expect(done.items.map((i) => [i.requestId, i.stepStatus])).toEqual([[a.requestId, 'approved']]);
    const mine = await listApprovals(w.deps, w.people.rep2, { box: 'mine' });
    expect(mine.items.map((i) => [i.requestId, i.status, i.waitingFor.map((p) => p.id)])).toEqual([[b.requestId, 'pending', [w.people.sup1.id]]]);

    expect((await getApproval(w.deps, w.people.mgrWest, a.requestId)).id).toBe(a.requestId);
    expect((await rejection(getApproval(w.deps, w.people.rep2, a.requestId))).key).toBe('approval.not_found');
    expect((await rejection(getApproval(w.deps, w.people.mgrEast, a.requestId))).key).toBe('approval.not_found');
  });
});
