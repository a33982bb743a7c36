import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { decide } from '../../../src/domain/approvals/engine.ts';
import { resubmitRequest } from '../../../src/domain/approvals/requests.ts';
import { actorBySlackId } from '../../../src/domain/people/people.ts';
import { slackIds, T0 } from '../../support/world.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';
import {
  approvalWrites,
  buttonsOf,
  cardOf,
  cardSays,
  clickOn,
  commentModal,
  commentValues,
  decideOn,
  ephemeralSaying,
  noticeOf,
  reportDirect,
  reportViaSlack,
  requestOf,
  WAIT_MS,
} from './approvals-helpers.ts';

// Approval cards end to end: signed Slack payloads in, what each person sees read from the stand-in
// Slack API (cards and notices come through the real outbox dispatcher).
//
// Example company: Sam Carter (U0REP2, en) and Li Lei (U0REP1, zh-CN) are reps of Team 1, led by Han
// Meimei (U0SUP1, no language set: English); Team 1 is under Wang Fang (U0MGR1). 孙丽 (U0REP4) is in
// Team 3 under Zhao Lei (U0SUP3, zh-CN); 刘洋 (U0REP3) in Team 2 under Olivia Brown (U0SUP2, en).

const SAM = slackIds.rep2;
const HAN = slackIds.sup1;
const WANG = slackIds.mgrWest;
const OLIVIA = slackIds.sup2;

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());
beforeEach(() => s.w.clock.set(T0));

const at1005 = () => s.w.clock.set('2026-11-22T02:05:00Z');
const stepRow = (id: number) => s.w.db.approvalStep.findUniqueOrThrow({ where: { id }, include: { decidedBy: true } });

describe('a report, approved', () => {
  it('the rep registers an opportunity; the supervisor’s card is updated in place after Approve; the rep is told', async () => {
    const r = await reportViaSlack(s, SAM, { store: '外婆家（湖滨店）', name: 'First deal', amount: '12,800.50' });

    // The rep's confirmation is the report's "submitted" notice: what was registered, and who approves.
    const submitted = await noticeOf(s, SAM, r.requestId, r.stepId, 'submitted');
    expect(textOf(submitted.blocks)).toContain('✅ Opportunity *First deal* registered for *外婆家（湖滨店）*.');
    expect(textOf(submitted.blocks)).toContain('Waiting for approval by *Han Meimei*.');
    expect(buttonsOf(submitted).map((b) => [b.text.text, b.action_id])).toEqual([['Remind', ids.actions.remindApprovers], ['Withdraw', ids.actions.withdraw]]);

    const card = await cardOf(s, HAN, r.stepId);
    expect(textOf(card.blocks)).toContain('Opportunity report · #');
    expect(textOf(card.blocks)).toContain('12,800.50');
    expect(buttonsOf(card).map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject']);
    expect(buttonsOf(card).every((b) => b.value === String(r.stepId))).toBe(true);

    at1005();
    const click = await decideOn(s, HAN, card, ids.actions.approve, r.stepId);
    expect(click.status).toBe(200);
    expect(click.ms).toBeLessThan(2500);

    await cardSays(s, card, '✅ Approved by Han Meimei at 2026-11-22 10:05');
    expect(buttonsOf(card)).toEqual([]);
    const update = s.standin.callsOf('chat.update').find((c) => c.args.ts === card.ts);
    expect(update?.args.channel).toBe(card.channel);
    expect(s.standin.dmsTo(HAN).filter((m) => m.ts === card.ts)).toHaveLength(1);

    const step = await stepRow(r.stepId);
    expect(step).toMatchObject({ status: 'approved', comment: null });
    expect(step.decidedBy?.slackId).toBe(HAN);
    expect((await s.w.db.opportunity.findUniqueOrThrow({ where: { id: r.opportunityId } })).reportStatus).toBe('approved');

    const told = await noticeOf(s, SAM, r.requestId, r.stepId, 'approved');
    expect(textOf(told.blocks)).toContain('✅ Your opportunity report for *外婆家（湖滨店）* was approved by *Han Meimei*.');
    expect(buttonsOf(told).map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Won…', ids.actions.openSign, String(r.opportunityId)],
      ['Lost…', ids.actions.openTerminate, String(r.opportunityId)],
    ]);

    // A late click on the decided card: who decided and when, to the clicker only; nothing changes.
    const before = await approvalWrites(s);
    s.w.clock.set('2026-11-22T03:00:00Z');
    await decideOn(s, HAN, card, ids.actions.approve, r.stepId);
    const late = await ephemeralSaying(s, HAN, 'Already approved by Han Meimei at 2026-11-22 10:05');
    expect(late.channel).toBe(card.channel);
    expect(await approvalWrites(s)).toEqual(before);
    expect((await stepRow(r.stepId)).decidedAt).toEqual(new Date('2026-11-22T02:05:00Z'));
  });

  it('cards speak the approver’s language: Chinese for Zhao Lei, English for Olivia Brown', async () => {
    const zh = await reportDirect(s, 'U0REP4', { store: 'River Side Grill', name: '茶饮设备', amount: 300_000 });
    const zhCard = await cardOf(s, 'U0SUP3', zh.stepId);
    expect(buttonsOf(zhCard).map((b) => b.text.text)).toEqual(['同意', '退回', '驳回']);
    expect(textOf(zhCard.blocks)).toContain('商机报备审批');
    const en = await reportDirect(s, 'U0REP3', { store: 'Green Leaf Bakery', name: 'Bakery ovens', amount: 300_000 });
    expect(buttonsOf(await cardOf(s, OLIVIA, en.stepId)).map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject']);
  });
});

describe('above the threshold', () => {
  it('the supervisor can only send it up; the manager approves; both cards end final; the rep hears each step', async () => {
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Big deal', amount: 6_000_000 });
    const first = await cardOf(s, HAN, r.stepId);
    expect(buttonsOf(first).map((b) => [b.text.text, b.action_id])).toEqual([
      ['Approve & send up', ids.actions.approveSendUp],
      ['Return', ids.actions.returnRequest],
      ['Reject', ids.actions.rejectRequest],
    ]);
    expect(textOf(first.blocks)).toContain('reaches the approval threshold (50,000.00)');

    // Approve alone is not the supervisor's to give here (a forged click): refused, nothing written.
    const before = await approvalWrites(s);
    await decideOn(s, HAN, first, ids.actions.approve, r.stepId);
    await ephemeralSaying(s, HAN, 'approve and send it up to the next level');
    expect(await approvalWrites(s)).toEqual(before);

    await decideOn(s, HAN, first, ids.actions.approveSendUp, r.stepId);
    await cardSays(s, first, '⤴ Sent up to Wang Fang by Han Meimei at 2026-11-22 10:00');
    const up = await requestOf(s, 'Big deal');
    expect(up.stepId).not.toBe(r.stepId);
    const sentUp = await noticeOf(s, SAM, r.requestId, r.stepId, 'sent_up');
    expect(textOf(sentUp.blocks)).toContain('*Han Meimei* approved your opportunity report for *外婆家（湖滨店）* and sent it up to *Wang Fang*.');

    const second = await cardOf(s, WANG, up.stepId);
    expect(buttonsOf(second).map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject']);
    expect(textOf(second.blocks)).toContain('approved and sent up by Han Meimei');
    at1005();
    await decideOn(s, WANG, second, ids.actions.approve, up.stepId);
    await cardSays(s, second, '✅ Approved by Wang Fang at 2026-11-22 10:05');
    expect(buttonsOf(second)).toEqual([]);
    expect(buttonsOf(first)).toEqual([]);
    expect(textOf(first.blocks)).toContain('⤴ Sent up to Wang Fang');
    await noticeOf(s, SAM, r.requestId, up.stepId, 'approved');
    expect((await s.w.db.approvalRequest.findUniqueOrThrow({ where: { id: r.requestId } })).status).toBe('approved');
  });
});

describe('return, resubmit, void, reject', () => {
  it('Return needs a comment: empty → inline error, nothing written; with one → the rep may edit & resubmit', async () => {
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Returned deal', amount: 1_000_000 });
    const card = await cardOf(s, HAN, r.stepId);
    await decideOn(s, HAN, card, ids.actions.returnRequest, r.stepId);
    const modal = await commentModal(s, HAN);
    expect(modal.title.text).toBe('Return for changes');
    expect(modal.blocks[0].block_id).toBe('comment');

    const before = await approvalWrites(s);
    for (const empty of [null, '   ']) {
      const bad = await s.submit(HAN, modal, commentValues(empty));
      expect(bad.body).toMatchObject({ response_action: 'errors', errors: { comment: expect.stringContaining('is required') } });
    }
    expect(s.openView(HAN)?.id).toBe(modal.id);
    expect(await approvalWrites(s)).toEqual(before);
    expect((await stepRow(r.stepId)).status).toBe('pending');

    const ok = await s.submit(HAN, modal, commentValues('Check the amount with the owner'));
    expect(ok.body).toBeNull();
    await cardSays(s, card, '↩ Returned by Han Meimei at 2026-11-22 10:00: Check the amount with the owner');
    const told = await noticeOf(s, SAM, r.requestId, r.stepId, 'returned');
    expect(textOf(told.blocks)).toContain('Check the amount with the owner');
    expect(buttonsOf(told).map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Edit & resubmit', ids.actions.openResubmit, String(r.requestId)],
      ['Void', ids.actions.voidRequest, String(r.requestId)],
    ]);

    // Resubmitted with a new amount: round 2 starts at step 1; the new card shows what changed.
    const sam = (await actorBySlackId(s.w.db, SAM))!;
    const again = await resubmitRequest(s.w.deps, sam, r.requestId, { name: 'Returned deal', amount: 1_500_000, expectedCloseAt: '2026-12-31' });
    s.running.bot!.dispatcher.kick();
    const round2 = await cardOf(s, HAN, again.stepId);
    expect(textOf(round2.blocks)).toContain('• Expected amount: ~10,000.00~ → *15,000.00*');
    expect(textOf(round2.blocks)).toContain('_Round 1_');
    expect(textOf(round2.blocks)).toContain('“Check the amount with the owner”');
    await noticeOf(s, SAM, r.requestId, again.stepId, 'resubmitted');

    // Returned once more, and this time the rep voids it.
    await decide(s.w.deps, (await actorBySlackId(s.w.db, HAN))!, again.stepId, { decision: 'return', comment: 'Still not right' });
    s.running.bot!.dispatcher.kick();
    const returnedAgain = await noticeOf(s, SAM, r.requestId, again.stepId, 'returned');
    await clickOn(s, SAM, returnedAgain, ids.actions.voidRequest, String(r.requestId));
    await noticeOf(s, SAM, r.requestId, again.stepId, 'voided');
    expect((await s.w.db.approvalRequest.findUniqueOrThrow({ where: { id: r.requestId } })).status).toBe('voided');
  });

  it('Reject: final, with the reason on the card and in the rep’s notice', async () => {
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Rejected deal', amount: 500_000 });
    const card = await cardOf(s, HAN, r.stepId);
    const reject = buttonsOf(card).find((b) => b.action_id === ids.actions.rejectRequest)!;
    expect(reject.confirm.title.text).toBe('Reject this request?');
    await decideOn(s, HAN, card, ids.actions.rejectRequest, r.stepId);
    const modal = await commentModal(s, HAN);
    expect(modal.title.text).toBe('Reject request');
    expect((await s.submit(HAN, modal, commentValues('No budget this year'))).body).toBeNull();
    await cardSays(s, card, '⛔ Rejected by Han Meimei at 2026-11-22 10:00: No budget this year');
    const told = await noticeOf(s, SAM, r.requestId, r.stepId, 'rejected');
    expect(textOf(told.blocks)).toContain('⛔ *Han Meimei* rejected your opportunity report for *外婆家（湖滨店）*: No budget this year');
    expect(buttonsOf(told)).toEqual([]);
    expect((await s.w.db.opportunity.findUniqueOrThrow({ where: { id: r.opportunityId } })).reportStatus).toBe('rejected');

    // The modal of a step decided meanwhile answers under the comment, naming who decided.
    await decideOn(s, HAN, card, ids.actions.returnRequest, r.stepId);
    const late = await commentModal(s, HAN);
    const answer = await s.submit(HAN, late, commentValues('Too late'));
    expect(answer.body).toEqual({ response_action: 'errors', errors: { comment: 'Already rejected by Han Meimei at 2026-11-22 10:00.' } });
  });

  it('the requester withdraws a pending request; the approver’s card says so', async () => {
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Withdrawn deal', amount: 500_000 });
    const card = await cardOf(s, HAN, r.stepId);
    const submitted = await noticeOf(s, SAM, r.requestId, r.stepId, 'submitted');
    await clickOn(s, SAM, submitted, ids.actions.withdraw, String(r.requestId));
    await cardSays(s, card, '↶ Withdrawn by the requester at 2026-11-22 10:00');
    await noticeOf(s, SAM, r.requestId, r.stepId, 'withdrawn');
  });
});

describe('who may decide', () => {
  it('a requester cannot decide its own request, nor anyone not asked', async () => {
    // Han Meimei (a supervisor) asks: her request goes up to Wang Fang.
    const r = await reportDirect(s, HAN, { store: 'Sunny Cafe', name: 'Supervisor’s own deal', amount: 200_000 });
    const card = await cardOf(s, WANG, r.stepId);
    const before = await approvalWrites(s);
    await decideOn(s, HAN, card, ids.actions.approve, r.stepId);
    await ephemeralSaying(s, HAN, 'You cannot decide your own request.');
    await decideOn(s, OLIVIA, card, ids.actions.approve, r.stepId);
    await ephemeralSaying(s, OLIVIA, 'This request is not waiting for your decision.');
    expect(await approvalWrites(s)).toEqual(before);
    expect((await stepRow(r.stepId)).status).toBe('pending');
    expect(buttonsOf(card).map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject']);
  });
});

describe('/crm approvals', () => {
  async function approvalsOf(user: string, text = 'approvals') {
    const before = s.standin.responses.length;
    const ack = await s.command(user, '/crm', text);
    expect(ack.status).toBe(200);
    const reply = await s.standin.waitFor(() => s.standin.responses.slice(before).find((r) => Array.isArray(r.body.blocks)), WAIT_MS);
    return reply.body as Json;
  }
  const box = (m: Json, name: 'todo' | 'done' | 'mine') => (m.blocks as Json[]).filter((b) => String(b.block_id ?? '').startsWith(`approvals:${name}:`));

  it('lists my to-do, what I decided, and my own requests with their state', async () => {
    await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Waiting deal', amount: 700_000 });
    const han = await approvalsOf(HAN);
    expect(han.response_type).toBe('ephemeral');
    const todo = box(han, 'todo').map((b) => b.text.text as string);
    expect(todo.find((t) => t.includes('Waiting deal'))).toContain('from Sam Carter');
    expect(todo.join()).not.toContain('First deal');
    const done = box(han, 'done').map((b) => b.text.text as string);
    expect(done.find((t) => t.includes('First deal'))).toContain('✅ Approved');
    expect(done.find((t) => t.includes('Rejected deal'))).toContain('⛔ Rejected: “No budget this year”');
    // Her own request, waiting for Wang Fang.
    expect(box(han, 'mine').map((b) => b.text.text).join()).toContain('⏳ Pending, waiting for Wang Fang');

    const sam = await approvalsOf(SAM, '审批');
    const mine = box(sam, 'mine').map((b) => b.text.text as string);
    expect(mine.find((t) => t.includes('Waiting deal'))).toContain('⏳ Pending, waiting for Han Meimei');
    expect(mine.find((t) => t.includes('Rejected deal'))).toContain('Rejected: “No budget this year”');
    expect(mine.find((t) => t.includes('Withdrawn deal'))).toContain('Withdrawn');
    expect(box(sam, 'todo')).toEqual([]);

    // Open: the whole record in a modal, for those who may see it.
    const waiting = await requestOf(s, 'Waiting deal');
    const open = box(sam, 'mine').find((b) => b.text.text.includes('Waiting deal'))!;
    expect(open.accessory).toMatchObject({ action_id: ids.actions.openApproval, value: String(waiting.requestId) });
    await s.action(SAM, { action_id: ids.actions.openApproval, value: String(waiting.requestId) });
    const view = await s.standin.waitFor(() => {
      const v = s.openView(SAM);
      return v && v.view.title.text === `Approval #${waiting.requestId}` ? v.view : undefined;
    });
    expect(textOf(view.blocks)).toContain('Now: ⏳ Waiting for Han Meimei');
    expect(textOf(view.blocks)).toContain('*Approval record*');
    await s.action(OLIVIA, { action_id: ids.actions.openApproval, value: String(waiting.requestId) });
    await ephemeralSaying(s, OLIVIA, 'Approval request not found, or not one you can see.');
  });

  it('pages ten at a time: More redraws the message in place with the next ten of that box', async () => {
    for (let i = 1; i <= 11; i++) await reportDirect(s, 'U0REP1', { store: 'Sunny Cafe', name: `Paged deal ${i}`, amount: 100_000 + i });
    const first = await approvalsOf(HAN);
    const todo = box(first, 'todo');
    expect(todo).toHaveLength(10);
    const total = await s.w.db.approvalStep.count({ where: { status: 'pending', approvers: { some: { person: { slackId: HAN } } } } });
    const more = (first.blocks as Json[]).find((b) => b.block_id === 'approvals_page:todo')!.elements[0];
    expect(more).toMatchObject({ action_id: ids.actions.approvalsPage, value: '10.0.0', text: { text: `More (${total - 10} left)` } });

    const before = s.standin.responses.length;
    await s.action(HAN, { action_id: ids.actions.approvalsPage, value: more.value, block_id: 'approvals_page:todo' });
    const page = await s.standin.waitFor(() => s.standin.responses.slice(before).find((r) => r.body.replace_original === true), WAIT_MS);
    const next = box(page.body as Json, 'todo');
    expect(next).toHaveLength(total - 10);
    expect(next.map((b) => b.block_id)).not.toContain(todo[0]!.block_id);
    expect(((page.body as Json).blocks as Json[]).find((b) => b.block_id === 'approvals_page:todo')!.elements[0].value).toBe('0.0.0');
  });

  it('is in the help', async () => {
    expect(((await s.command(SAM, '/crm', 'help')).body as Json).text).toContain('`/crm approvals`');
  });
});
