import { describe, expect, it } from 'vitest';
import { decide } from '../../../../src/domain/approvals/engine.ts';
import { approvalRecord } from '../../../../src/domain/approvals/queries.ts';
import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { applyAbsences, awayOf, endAway, setAway } from '../../../../src/domain/people/away.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

// T0 is Sunday 2026-11-22, 10:00 in Hangzhou. Han Meimei (sup1) leads Team 1 (Li Lei, rep1; Sam
// Carter, rep2) in the West Lake area, led by Wang Fang (mgrWest); Olivia Brown (sup2) leads Team 2.

const local = (isoLocal: string) => new Date(`${isoLocal}+08:00`);

async function report(who = w.people.rep1, store = 'Sunny Cafe', name = 'Coffee machines') {
  const s = await w.store(store);
  const o = await createOpportunity(w.deps, who, { storeId: s.id, name, amount: 1_000_000, expectedCloseAt: '2026-12-31' });
  const r = await approvalRecord(w.db, o.reportRequestId);
  return { requestId: r.id, stepId: r.currentStepId! };
}
/** The last step's approvers, those the route chose first. */
const approversOf = async (requestId: number) =>
  (await approvalRecord(w.db, requestId)).steps
    .at(-1)!
    .approvers.map((a) => [a.name, a.via, a.active, a.onBehalfOf?.name ?? null])
    .sort((a, b) => Number(a[1] === 'delegate') - Number(b[1] === 'delegate'));
const issueOf = async (p: Promise<unknown>) => {
  const e = await rejection(p);
  return e.issues.map((i) => [i.path, i.key, i.params ?? {}]);
};

describe('away with a delegate', () => {
  it('from a future day: the job hands the held steps over at the start, new steps route to both, the delegate decides on behalf, and at the end the rest returns', async () => {
    const held = await report();
    const away = await setAway(w.deps, w.people.sup1, { from: '2026-11-24', to: '2026-11-25', delegateId: w.people.mgrWest.id });
    expect(away).toMatchObject({ startsAt: local('2026-11-24T00:00'), endsAt: local('2026-11-26T00:00'), started: false });
    expect((await w.db.outbox.findMany({ where: { kind: 'away.delegate' } })).map((n) => n.recipientId)).toEqual([w.people.mgrWest.id]);

    // Not yet: nothing moves.
    w.clock.set(local('2026-11-23T23:59'));
    expect(await applyAbsences(w.deps)).toMatchObject({ started: 0 });
    expect(await approversOf(held.requestId)).toEqual([['Han Meimei', 'route', true, null]]);

    w.clock.set(local('2026-11-24T00:01'));
    expect(await applyAbsences(w.deps)).toEqual({ started: 1, ended: 0, delegated: 1, returned: 0 });
    expect(await applyAbsences(w.deps)).toEqual({ started: 0, ended: 0, delegated: 0, returned: 0 });
    expect(await approversOf(held.requestId)).toEqual([['Han Meimei', 'route', true, null], ['Wang Fang', 'delegate', true, 'Han Meimei']]);
    const cards = await w.db.outbox.findMany({ where: { kind: 'approval.card', recipientId: w.people.mgrWest.id } });
    expect(cards.map((c) => c.dedupeKey)).toEqual([`approval.card:${held.stepId}:${w.people.mgrWest.id}`]);

    // A new request while away reaches both at once.
    const fresh = await report(w.people.rep2, '外婆家（湖滨店）', 'Tea sets');
    expect(await approversOf(fresh.requestId)).toEqual([['Han Meimei', 'route', true, null], ['Wang Fang', 'delegate', true, 'Han Meimei']]);
    expect((await w.db.auditLog.findMany({ where: { action: 'approval.delegate', entityId: String(fresh.requestId) } })).map((a) => JSON.parse(a.after!))).toEqual([
      { stepId: fresh.stepId, delegateId: w.people.mgrWest.id, onBehalfOfId: w.people.sup1.id },
    ]);

    // The delegate decides one: on behalf of the absent approver.
    await decide(w.deps, w.people.mgrWest, fresh.stepId, { decision: 'approve' });
    const decided = (await approvalRecord(w.db, fresh.requestId)).steps[0]!;
    expect(decided).toMatchObject({ status: 'approved', decidedBy: { name: 'Wang Fang' }, onBehalfOf: { name: 'Han Meimei' } });

    // The end: the delegate's part in the undecided step ends; Han Meimei has it alone; the card is redrawn.
    w.clock.set(local('2026-11-26T00:00'));
    expect(await applyAbsences(w.deps)).toEqual({ started: 0, ended: 1, delegated: 0, returned: 1 });
    expect(await applyAbsences(w.deps)).toEqual({ started: 0, ended: 0, delegated: 0, returned: 0 });
    expect(await approversOf(held.requestId)).toEqual([['Han Meimei', 'route', true, null], ['Wang Fang', 'delegate', false, 'Han Meimei']]);
    expect(await w.db.outbox.count({ where: { dedupeKey: `approval.card.refresh:${held.stepId}:${w.people.mgrWest.id}:away-end:${away.id}` } })).toBe(1);
    expect((await rejection(decide(w.deps, w.people.mgrWest, held.stepId, { decision: 'approve' }))).key).toBe('approval.not_your_step');
    expect(await awayOf(w.db, w.people.sup1.id, w.clock.now())).toBeNull();
    expect((await w.db.auditLog.findMany({ where: { action: { startsWith: 'away.' } }, orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['away.set', 'away.start', 'away.end']);
  });

  it('from today: applied at once; /crm away off ends it at once', async () => {
    const held = await report();
    const away = await setAway(w.deps, w.people.sup1, { from: '2026-11-22', to: '2026-11-30', delegateId: w.people.mgrWest.id });
    expect(away.started).toBe(true);
    expect(await approversOf(held.requestId)).toEqual([['Han Meimei', 'route', true, null], ['Wang Fang', 'delegate', true, 'Han Meimei']]);
    w.clock.advance(60_000);
    expect(await endAway(w.deps, w.people.sup1)).toEqual({ ended: 1 });
    expect(await approversOf(held.requestId)).toEqual([['Han Meimei', 'route', true, null], ['Wang Fang', 'delegate', false, 'Han Meimei']]);
    expect((await rejection(endAway(w.deps, w.people.sup1))).key).toBe('away.not_away');
    // A new request now goes to Han Meimei alone.
    const fresh = await report(w.people.rep2, '外婆家（湖滨店）', 'Tea sets');
    expect(await approversOf(fresh.requestId)).toEqual([['Han Meimei', 'route', true, null]]);
  });

  it('a period missed whole (the server was down) starts and ends at once, handing nothing over', async () => {
    const held = await report();
    await setAway(w.deps, w.people.sup1, { from: '2026-11-24', to: '2026-11-24', delegateId: w.people.mgrWest.id });
    w.clock.set(local('2026-11-27T09:00'));
    expect(await applyAbsences(w.deps)).toEqual({ started: 0, ended: 1, delegated: 0, returned: 0 });
    expect(await approversOf(held.requestId)).toEqual([['Han Meimei', 'route', true, null]]);
  });

  it('refuses, by field: dates, the person themself, a rep, a delegate who cannot see the team, one away too, a circle', async () => {
    expect(await issueOf(setAway(w.deps, w.people.sup1, { from: '2026-11-21', to: '2026-11-20', delegateId: w.people.mgrWest.id }))).toEqual([
      ['from', 'away.from_past', { today: '2026-11-22' }],
      ['to', 'away.to_before_from', {}],
    ]);
    expect(await issueOf(setAway(w.deps, w.people.sup1, { from: '2026-11-30', to: '2026-02-30', delegateId: w.people.mgrWest.id }))).toEqual([['to', 'validation.expected_date', {}]]);
    const period = { from: '2026-12-10', to: '2026-12-14' };
    expect(await issueOf(setAway(w.deps, w.people.sup1, { ...period, delegateId: w.people.sup1.id }))).toEqual([['delegateId', 'away.delegate_self', {}]]);
    expect(await issueOf(setAway(w.deps, w.people.sup1, { ...period, delegateId: w.people.rep1.id }))).toEqual([['delegateId', 'away.delegate_rep', { name: 'Li Lei' }]]);
    expect(await issueOf(setAway(w.deps, w.people.sup1, { ...period, delegateId: w.people.sup2.id }))).toEqual([['delegateId', 'away.delegate_out_of_scope', { name: 'Olivia Brown', person: 'Han Meimei' }]]);

    // Olivia Brown away 12–13 December with Wang Fang: Han Meimei cannot name Olivia for 10–14.
    await setAway(w.deps, w.people.sup2, { from: '2026-12-12', to: '2026-12-13', delegateId: w.people.mgrWest.id });
    await setAway(w.deps, w.people.sup1, { ...period, delegateId: w.people.mgrWest.id });
    // Wang Fang → Han Meimei while Han Meimei → Wang Fang: a circle.
    expect(await issueOf(setAway(w.deps, w.people.mgrWest, { from: '2026-12-11', to: '2026-12-11', delegateId: w.people.sup1.id }))).toEqual([
      ['delegateId', 'away.delegate_cycle', { chain: 'Wang Fang → Han Meimei → Wang Fang' }],
    ]);
    // A longer one: Wang Fang → Zhou Min (admin), then Zhou Min → Han Meimei → Wang Fang → Zhou Min.
    await setAway(w.deps, w.people.mgrWest, { from: '2026-12-11', to: '2026-12-11', delegateId: w.people.admin.id });
    expect(await issueOf(setAway(w.deps, w.people.admin, { from: '2026-12-11', to: '2026-12-11', delegateId: w.people.sup1.id }))).toEqual([
      ['delegateId', 'away.delegate_cycle', { chain: 'Zhou Min → Han Meimei → Wang Fang → Zhou Min' }],
    ]);
    // Outside the circle's days, a delegate away is refused as away.
    expect(await issueOf(setAway(w.deps, w.people.sup3, { from: '2026-12-13', to: '2026-12-13', delegateId: w.people.sup2.id }))).toEqual([
      ['delegateId', 'away.delegate_away', { name: 'Olivia Brown', from: '2026-12-12', to: '2026-12-13' }],
    ]);
    // A second period overlapping one's own.
    expect(await issueOf(setAway(w.deps, w.people.sup1, { from: '2026-12-14', to: '2026-12-20', delegateId: w.people.mgrWest.id }))).toEqual([
      ['from', 'away.already_away', { name: 'Han Meimei', from: '2026-12-10', to: '2026-12-14' }],
    ]);
    // Refused delegates are on the record.
    expect(await w.db.auditLog.count({ where: { action: 'away.refused' } })).toBe(6);
  });

  it('for someone else: an admin, or a manager over them; nobody else; a rep has nothing to hand over', async () => {
    const period = { from: '2026-12-10', to: '2026-12-14', delegateId: w.people.mgrWest.id };
    expect((await rejection(setAway(w.deps, w.people.rep1, { ...period, personId: w.people.sup1.id }))).key).toBe('away.not_yours');
    expect((await rejection(setAway(w.deps, w.people.mgrEast, { ...period, personId: w.people.sup1.id }))).key).toBe('away.not_yours');
    expect((await rejection(setAway(w.deps, w.people.rep1, period))).key).toBe('away.rep_has_no_approvals');
    const set = await setAway(w.deps, w.people.mgrWest, { ...period, personId: w.people.sup1.id, delegateId: w.people.admin.id });
    expect(set).toMatchObject({ person: { name: 'Han Meimei' }, delegate: { name: 'Zhou Min' } });
    expect((await rejection(endAway(w.deps, w.people.mgrEast, { personId: w.people.sup1.id }))).key).toBe('away.not_yours');
    expect(await endAway(w.deps, w.people.admin, { personId: w.people.sup1.id })).toEqual({ ended: 1 });
  });

  it('a held step whose requester the delegate cannot see is left to the absent approver (and the escalation)', async () => {
    // 孙丽 (Team 3) asks; an admin hands the step to Han Meimei, whose delegate Wang Fang does not see Team 3.
    const held = await report(w.people.rep4, 'River Side Grill', 'Tea');
    const { reassignStep } = await import('../../../../src/domain/approvals/engine.ts');
    await reassignStep(w.deps, w.people.admin, held.stepId, { toPersonId: w.people.sup1.id });
    await setAway(w.deps, w.people.sup1, { from: '2026-11-22', to: '2026-11-23', delegateId: w.people.mgrWest.id });
    expect((await approversOf(held.requestId)).filter((a) => a[2])).toEqual([['Han Meimei', 'reassigned', true, null]]);
    const skipped = await w.db.auditLog.findMany({ where: { action: 'approval.delegate_skipped' } });
    expect(skipped.map((a) => JSON.parse(a.after!).reason)).toEqual(['delegate_out_of_scope']);
  });
});
