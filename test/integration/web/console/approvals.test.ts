import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { consoleWorld, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let requestId: number;
let stepId: number;
beforeAll(async () => {
  cw = await consoleWorld();
  const store = await cw.w.store('Sunny Cafe');
  const o = await createOpportunity(cw.w.deps, cw.w.people.rep1, { storeId: store.id, name: '<b>Coffee</b> machines', amount: 1_000_00, expectedCloseAt: '2026-12-31' });
  requestId = o.reportRequestId;
  stepId = (await cw.w.db.approvalStep.findFirstOrThrow({ where: { requestId, status: 'pending' } })).id;
});
afterAll(async () => cw?.stop());

const approvers = async () =>
  (await cw.w.db.approvalApprover.findMany({ where: { stepId, active: true }, include: { person: true } })).map((a) => a.person.slackId);

describe('pending approvals in the console', () => {
  it('lists what waits, for whom, and lets an admin hand the step to someone else, who gets a card', async () => {
    const admin = await cw.as('admin');
    const page = await admin.get('/console/approvals');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sunny Cafe');
    expect(page.text).toContain('Opportunity report');
    expect(page.text).toContain('Han Meimei');
    expect(await approvers()).toEqual(['U0SUP1']);
    const mgr = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0MGR1' } });
    const res = await admin.post(`/console/approvals/steps/${stepId}/reassign`, { toPersonId: String(mgr.id) });
    expect(res.status).toBe(303);
    expect((await admin.get('/console/approvals')).text).toContain('The step now waits for Wang Fang.');
    expect(await approvers()).toEqual(['U0MGR1']);
    expect(await cw.w.db.outbox.count({ where: { kind: 'approval.card', recipientId: mgr.id } })).toBe(1);
  });

  it('refuses a rep or the requester with a message, and writes nothing', async () => {
    const admin = await cw.as('admin');
    const before = await approvers();
    const rep = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0REP2' } });
    await admin.post(`/console/approvals/steps/${stepId}/reassign`, { toPersonId: String(rep.id) });
    expect((await admin.get('/console/approvals')).text).toMatch(/class="flash error"[^>]*>[^<]*Sam Carter/);
    const requester = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0REP1' } });
    await admin.post(`/console/approvals/steps/${stepId}/reassign`, { toPersonId: String(requester.id) });
    expect(await approvers()).toEqual(before);
  });

  it('is for admins only, needs the CSRF token, and answers signed-out visitors with the sign-in page', async () => {
    const west = await cw.as('mgrWest');
    expect((await west.get('/console/approvals')).status).toBe(403);
    const sup = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0SUP1' } });
    expect((await west.post(`/console/approvals/steps/${stepId}/reassign`, { toPersonId: String(sup.id) })).status).toBe(403);
    const admin = await cw.as('admin');
    expect((await admin.post(`/console/approvals/steps/${stepId}/reassign`, { toPersonId: String(sup.id) }, { csrf: false })).status).toBe(403);
    expect((await cw.client().get('/console/approvals')).status).toBe(303);
    expect(await approvers()).toEqual(['U0MGR1']);
  });
});
