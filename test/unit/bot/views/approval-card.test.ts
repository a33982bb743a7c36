import { textOf } from '../../../support/blocks.ts';
import { describe, expect, it } from 'vitest';
import { ids } from '../../../../src/bot/ids.ts';
import {
  approvalCard,
  approvalRecordModal,
  COMMENT_BLOCK,
  decisionBlockId,
  decisionCommentModal,
  parseCommentMeta,
  requesterNotice,
} from '../../../../src/bot/views/approval-card.ts';
import { approvalsMessage, parseOffsets, type BoxPage } from '../../../../src/bot/views/approvals-list.ts';
import type { ApprovalRecord, ApprovalSummary, PersonRef, StepRecord } from '../../../../src/domain/approvals/queries.ts';
import { checkBlocks, checkModal } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const utc = { locale: 'en' as const, timezone: 'UTC' };

const person = (id: number, name: string): PersonRef => ({ id, name, slackId: `U${id}` });
const wang = person(2, 'Wang Fang');
const han = person(4, 'Han Meimei');
const olivia = person(5, 'Olivia Brown');
const li = person(7, 'Li Lei');
const T0 = new Date('2026-11-22T02:00:00Z'); // 10:00 in Hangzhou
const T1 = new Date('2026-11-22T02:05:00Z');

const approver = (p: PersonRef, active = true, via = 'route') => ({ ...p, active, via });

function step(over: Partial<StepRecord> = {}): StepRecord {
  return { id: 11, round: 1, level: 1, unitId: 3, unitName: 'Team 1', status: 'pending', decidedBy: null, comment: null, createdAt: T0, decidedAt: null, approvers: [approver(han)], ...over };
}

function record(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: 7,
    flow: 'report',
    status: 'pending',
    round: 1,
    amount: 1_280_050,
    threshold: 5_000_000,
    fields: { name: 'Coffee machines', amount: 1_280_050, expectedCloseAt: '2026-12-30T16:00:00.000Z', stage: 'proposal', competitors: 'Acme', notes: null },
    changes: [],
    requester: li,
    store: { id: 3, code: 'CRM202611220002', name: 'Sunny Cafe' },
    opportunity: { id: 9, name: 'Coffee machines', stage: 'proposal', amount: 1_280_050, expectedCloseAt: new Date('2026-12-30T16:00:00.000Z'), reportStatus: 'pending' },
    transferTo: null,
    steps: [step()],
    currentStepId: 11,
    decisions: ['approve', 'return', 'reject'],
    createdAt: T0,
    closedAt: null,
    ...over,
  };
}

const decided = (status: StepRecord['status'], by: PersonRef, comment: string | null = null, over: Partial<StepRecord> = {}) =>
  step({ status, decidedBy: by, comment, decidedAt: T1, ...over });


const actionsOf = (blocks: Json[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements as Json[]);

describe('the approval card', () => {
  it('shows the facts and the decision buttons to an approver of the current step (en)', () => {
    const m = approvalCard(en, record(), 11, han.id);
    checkBlocks(m.blocks as Json[], 50);
    const text = textOf(m.blocks);
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Opportunity report · #7' } });
    for (const s of ['Sunny Cafe · CRM202611220002', 'Coffee machines', 'Proposal', '12,800.50', '2026-12-31', 'Li Lei', 'Acme', 'Requested by *Li Lei* · 2026-11-22 10:00']) expect(text).toContain(s);
    expect(text).toContain('⏳ Level 1 · Team 1: waiting for Han Meimei (since 2026-11-22 10:00)');
    const buttons = actionsOf(m.blocks as Json[]);
    expect(buttons.map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject']);
    expect(buttons.map((b) => b.action_id)).toEqual([ids.actions.approve, ids.actions.returnRequest, ids.actions.rejectRequest]);
    expect(buttons.every((b) => b.value === '11')).toBe(true);
    expect(buttons[2]!.confirm.title.text).toBe('Reject this request?');
    expect(buttons[0]!.confirm).toBeUndefined();
    expect((m.blocks as Json[]).find((b) => b.type === 'actions')!.block_id).toBe(decisionBlockId(11));
    expect(m.text).toBe('Approval needed: opportunity report for Sunny Cafe, from Li Lei');
  });

  it('labels the buttons in Chinese, and offers only "send up" above the threshold', () => {
    const zhButtons = actionsOf(approvalCard(zh, record(), 11, han.id).blocks as Json[]).map((b) => b.text.text);
    expect(zhButtons).toEqual(['同意', '退回', '驳回']);
    const big = record({ amount: 6_000_000, decisions: ['send_up', 'return', 'reject'] });
    const m = approvalCard(en, big, 11, han.id);
    expect(actionsOf(m.blocks as Json[]).map((b) => [b.text.text, b.action_id])).toEqual([
      ['Approve & send up', ids.actions.approveSendUp],
      ['Return', ids.actions.returnRequest],
      ['Reject', ids.actions.rejectRequest],
    ]);
    expect(textOf(m.blocks)).toContain('reaches the approval threshold (50,000.00)');
    expect(actionsOf(approvalCard(zh, big, 11, han.id).blocks as Json[])[0]!.text.text).toBe('同意并提交上级');
  });

  it('has no buttons for someone who is not an active approver of the current step', () => {
    expect(actionsOf(approvalCard(en, record(), 11, olivia.id).blocks as Json[])).toEqual([]);
    expect(textOf(approvalCard(en, record(), 11, olivia.id).blocks)).toContain('⏳ Waiting for Han Meimei');
  });

  it('shows how the step ended, who decided and when, in the reader’s time zone', () => {
    const approved = record({ status: 'approved', steps: [decided('approved', han)], decisions: [] });
    const m = approvalCard(en, approved, 11, han.id);
    expect(actionsOf(m.blocks as Json[])).toEqual([]);
    expect(textOf(m.blocks)).toContain('✅ Approved by Han Meimei at 2026-11-22 10:05');
    expect(m.text).toBe('✅ Approved by Han Meimei at 2026-11-22 10:05');
    expect(textOf(approvalCard(utc, approved, 11, han.id).blocks)).toContain('✅ Approved by Han Meimei at 2026-11-22 02:05');
    expect(textOf(approvalCard(zh, approved, 11, han.id).blocks)).toContain('✅ Han Meimei 已于 2026-11-22 10:05 同意');
  });

  it('says where a sent-up step went, and the record lists both levels', () => {
    const r = record({
      amount: 6_000_000,
      steps: [decided('sent_up', han), step({ id: 12, level: 2, unitName: 'West Lake area', approvers: [approver(wang)], createdAt: T1 })],
      currentStepId: 12,
      decisions: ['approve', 'return', 'reject'],
    });
    const first = approvalCard(en, r, 11, han.id);
    expect(actionsOf(first.blocks as Json[])).toEqual([]);
    expect(textOf(first.blocks)).toContain('⤴ Sent up to Wang Fang by Han Meimei at 2026-11-22 10:05');
    const second = approvalCard(en, r, 12, wang.id);
    expect(actionsOf(second.blocks as Json[]).map((b) => b.value)).toEqual(['12', '12', '12']);
    expect(textOf(second.blocks)).toContain('⤴ Level 1 · Team 1: approved and sent up by Han Meimei · 2026-11-22 10:05');
    expect(textOf(second.blocks)).toContain('⏳ Level 2 · West Lake area: waiting for Wang Fang');
  });

  it('returned, rejected, withdrawn: the comment is on the card', () => {
    const returned = approvalCard(en, record({ status: 'returned', steps: [decided('returned', han, 'Amount *too* <low>')], decisions: [] }), 11, han.id);
    expect(textOf(returned.blocks)).toContain('↩ Returned by Han Meimei at 2026-11-22 10:05: Amount *too* &lt;low&gt;');
    expect(textOf(returned.blocks)).toContain('“Amount *too* &lt;low&gt;”');
    const rejected = approvalCard(en, record({ status: 'rejected', steps: [decided('rejected', olivia, 'No budget')], decisions: [] }), 11, han.id);
    expect(textOf(rejected.blocks)).toContain('⛔ Rejected by Olivia Brown at 2026-11-22 10:05: No budget');
    const withdrawn = approvalCard(en, record({ status: 'withdrawn', steps: [step({ status: 'withdrawn', decidedAt: T1 })], decisions: [] }), 11, han.id);
    expect(textOf(withdrawn.blocks)).toContain('↶ Withdrawn by the requester at 2026-11-22 10:05');
  });

  it('tells an approver whose step was moved where it went', () => {
    const r = record({ steps: [step({ approvers: [approver(han, false), approver(olivia, true, 'reassigned')] })] });
    const m = approvalCard(en, r, 11, han.id);
    expect(actionsOf(m.blocks as Json[])).toEqual([]);
    expect(textOf(m.blocks)).toContain('➡ Moved to Olivia Brown (reassigned)');
    expect(actionsOf(approvalCard(en, r, 11, olivia.id).blocks as Json[]).length).toBe(3);
  });

  it('shows what changed since the return on the new round’s card, and the record by round', () => {
    const r = record({
      round: 2,
      amount: 1_500_000,
      changes: [
        { field: 'amount', before: 1_280_050, after: 1_500_000 },
        { field: 'expectedCloseAt', before: '2026-12-30T16:00:00.000Z', after: '2027-01-14T16:00:00.000Z' },
        { field: 'notes', before: null, after: 'Trial first' },
      ],
      steps: [decided('returned', han, 'Check the amount'), step({ id: 13, round: 2, createdAt: T1 })],
      currentStepId: 13,
    });
    const m = approvalCard(en, r, 13, han.id);
    const text = textOf(m.blocks);
    expect(text).toContain('*Changed since it was returned*');
    expect(text).toContain('• Expected amount: ~12,800.50~ → *15,000.00*');
    expect(text).toContain('• Expected close: ~2026-12-31~ → *2027-01-15*');
    expect(text).toContain('• Notes: ~—~ → *Trial first*');
    expect(text).toContain('_Round 1_');
    expect(text).toContain('_Round 2_');
    expect(text).toContain('resubmitted (round 2)');
    // The returned round's card only shows how it ended.
    expect(textOf(approvalCard(en, r, 11, han.id).blocks)).not.toContain('Changed since');
    expect(textOf(approvalCard(zh, r, 13, han.id).blocks)).toContain('*退回后的修改*');
  });

  it('shows each flow’s own facts', () => {
    const sign = textOf(approvalCard(en, record({ flow: 'sign', fields: { wonAmount: 1_000_000, wonAt: '2026-11-19T16:00:00.000Z', contractNo: 'HT-001', note: 'Signed at the shop' } }), 11, han.id).blocks);
    for (const s of ['Sign (won)', '*Amount signed*\n10,000.00', '*Signed on*\n2026-11-20', '*Contract no.*\nHT-001', 'Signed at the shop']) expect(sign).toContain(s);
    const terminate = textOf(approvalCard(zh, record({ flow: 'terminate', fields: { reason: '客户预算取消' } }), 11, han.id).blocks);
    expect(terminate).toContain('终止审批');
    expect(terminate).toContain('*原因*\n客户预算取消');
    const transfer = textOf(approvalCard(en, record({ flow: 'transfer', opportunity: null, amount: null, fields: { toPersonId: 8, reason: 'Closer to home' }, transferTo: person(8, 'Sam Carter') }), 11, han.id).blocks);
    expect(transfer).toContain('*Transfer to*\nSam Carter');
    expect(transfer).toContain('Closer to home');
    expect(transfer).not.toContain('*Opportunity*');
    const extend = textOf(approvalCard(en, record({ flow: 'extend', opportunity: null, amount: null, fields: { days: 14, reason: 'Owner travelling' } }), 11, han.id).blocks);
    expect(extend).toContain('*Extend by*\n14 days');
  });

  it('keeps Slack’s limits with long names, comments and many steps', () => {
    const long = (c: string) => c.repeat(3000);
    const steps = Array.from({ length: 40 }, (_, i) => decided('returned', person(100 + i, long('名')), long('x'), { id: 100 + i, round: i + 1 }));
    const r = record({ store: { id: 3, code: 'CRM1', name: long('店') }, requester: person(7, long('L')), steps, currentStepId: null, decisions: [], status: 'returned', fields: { ...record().fields, competitors: long('c'), notes: long('n') } });
    checkBlocks(approvalCard(en, r, 139, han.id).blocks as Json[], 50);
    checkBlocks(requesterNotice(en, r, 139, 'returned').blocks as Json[], 50);
    checkModal(approvalRecordModal(en, r) as Json);
  });
});

describe('the requester’s notices', () => {
  it('a new opportunity: registered, waiting for whom, and Withdraw', () => {
    const m = requesterNotice(en, record(), 11, 'submitted');
    checkBlocks(m.blocks as Json[], 50);
    const text = textOf(m.blocks);
    expect(text).toContain('✅ Opportunity *Coffee machines* registered for *Sunny Cafe*.');
    expect(text).toContain('Waiting for approval by *Han Meimei*.');
    expect(m.text).toBe('Opportunity “Coffee machines” registered for Sunny Cafe. Waiting for approval by Han Meimei.');
    expect(actionsOf(m.blocks as Json[]).map((b) => [b.text.text, b.action_id, b.value])).toEqual([['Remind', ids.actions.remindApprovers, '7'], ['Withdraw', ids.actions.withdraw, '7']]);
    expect(textOf(requesterNotice(zh, record(), 11, 'submitted').blocks)).toContain('已为 *Sunny Cafe* 报备商机 *Coffee machines*');
  });

  it('returned: the comment, Edit & resubmit and Void', () => {
    const r = record({ status: 'returned', steps: [decided('returned', han, 'Check the amount')], decisions: [] });
    const m = requesterNotice(en, r, 11, 'returned');
    expect(textOf(m.blocks)).toContain('↩ *Han Meimei* returned your opportunity report for *Sunny Cafe*: Check the amount');
    expect(actionsOf(m.blocks as Json[]).map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Edit & resubmit', ids.actions.openResubmit, '7'],
      ['Void', ids.actions.voidRequest, '7'],
    ]);
    expect(actionsOf(requesterNotice(zh, r, 11, 'returned').blocks as Json[]).map((b) => b.text.text)).toEqual(['修改并重新提交', '作废']);
  });

  it('an approved report offers Won… and Lost… for the opportunity', () => {
    const r = record({ status: 'approved', steps: [decided('approved', han)], decisions: [] });
    const m = requesterNotice(en, r, 11, 'approved');
    expect(textOf(m.blocks)).toContain('✅ Your opportunity report for *Sunny Cafe* was approved by *Han Meimei*.');
    expect(actionsOf(m.blocks as Json[]).map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Won…', ids.actions.openSign, '9'],
      ['Lost…', ids.actions.openTerminate, '9'],
    ]);
    // Sent late, after the deal closed: nothing left to do.
    const closed = record({ ...r, opportunity: { ...r.opportunity!, stage: 'won' } });
    expect(actionsOf(requesterNotice(en, closed, 11, 'approved').blocks as Json[])).toEqual([]);
  });

  it('sent up, rejected, withdrawn, voided', () => {
    const up = record({ steps: [decided('sent_up', han), step({ id: 12, level: 2, approvers: [approver(wang)] })], currentStepId: 12 });
    expect(textOf(requesterNotice(en, up, 11, 'sent_up').blocks)).toContain('⤴ *Han Meimei* approved your opportunity report for *Sunny Cafe* and sent it up to *Wang Fang*.');
    const rejected = record({ status: 'rejected', steps: [decided('rejected', han, 'No')], decisions: [] });
    const m = requesterNotice(en, rejected, 11, 'rejected');
    expect(textOf(m.blocks)).toContain('⛔ *Han Meimei* rejected your opportunity report for *Sunny Cafe*: No');
    expect(actionsOf(m.blocks as Json[])).toEqual([]);
    expect(requesterNotice(en, record({ status: 'withdrawn', decisions: [] }), 11, 'withdrawn').text).toBe('↶ You withdrew your opportunity report for Sunny Cafe.');
    expect(requesterNotice(zh, record({ status: 'voided', decisions: [] }), 11, 'voided').text).toBe('🗑 您为 Sunny Cafe 提交的商机报备已作废。');
  });
});

describe('modals', () => {
  it('the comment modal: a required comment under block "comment"; its metadata round-trips', () => {
    for (const decision of ['return', 'reject'] as const) {
      const v = decisionCommentModal(en, { stepId: 11, decision }) as Json;
      checkModal(v);
      expect(v.callback_id).toBe(ids.views.decisionComment);
      expect(v.blocks[0]).toMatchObject({ type: 'input', block_id: COMMENT_BLOCK, optional: false });
      expect(parseCommentMeta(v.private_metadata)).toEqual({ stepId: 11, decision });
    }
    expect((decisionCommentModal(zh, { stepId: 1, decision: 'reject' }) as Json).title.text).toBe('驳回申请');
    expect(parseCommentMeta('{"s":1,"d":"approve"}')).toBeNull();
    expect(parseCommentMeta('nonsense')).toBeNull();
  });

  it('the record modal: facts, state and record, without buttons', () => {
    const v = approvalRecordModal(en, record()) as Json;
    checkModal(v);
    expect(v.title.text).toBe('Approval #7');
    expect(textOf(v.blocks)).toContain('Now: ⏳ Waiting for Han Meimei');
    expect(actionsOf(v.blocks)).toEqual([]);
    const done = approvalRecordModal(zh, record({ status: 'rejected', steps: [decided('rejected', han, 'No')], decisions: [] })) as Json;
    expect(textOf(done.blocks)).toContain('当前：已驳回');
  });
});

describe('/crm approvals', () => {
  const summary = (i: number, over: Partial<ApprovalSummary> = {}): ApprovalSummary => ({
    requestId: i,
    stepId: 100 + i,
    flow: 'report',
    status: 'pending',
    stepStatus: 'pending',
    store: { id: 1, code: 'CRM1', name: `Store ${i}` },
    opportunityName: `Deal ${i}`,
    amount: 100_000,
    requester: li,
    waitingFor: [han],
    comment: null,
    at: T0,
    ...over,
  });
  const page = (n: number, total = n, over: Partial<ApprovalSummary> = {}): BoxPage => ({ items: Array.from({ length: n }, (_, i) => summary(i + 1, over)), total });

  it('three boxes of ten within 50 blocks, each with Open, and More with every box’s offset', () => {
    const m = approvalsMessage(en, { todo: page(10, 23), done: page(10, 10, { stepStatus: 'returned', comment: 'Too low' }), mine: page(10, 12, { status: 'returned', comment: 'Fix it' }) }, { todo: 0, done: 0, mine: 0 });
    checkBlocks(m.blocks as Json[], 50);
    const text = textOf(m.blocks);
    expect(text).toContain('*Waiting for me* (23)');
    expect(text).toContain('*Opportunity report* · Store 1 · Deal 1 · 1,000.00\nfrom Li Lei · since 2026-11-22 10:00');
    expect(text).toContain('↩ Returned: “Too low” · 2026-11-22 10:00');
    expect(text).toContain('Returned: “Fix it”');
    const more = actionsOf(m.blocks as Json[]).filter((b) => b.action_id === ids.actions.approvalsPage);
    expect(more.map((b) => [b.text.text, b.value])).toEqual([
      ['More (13 left)', '10.0.0'],
      ['More (2 left)', '0.0.10'],
    ]);
    expect(parseOffsets('10.0.0')).toEqual({ todo: 10, done: 0, mine: 0 });
    const open = (m.blocks as Json[]).filter((b) => b.accessory?.action_id === ids.actions.openApproval);
    expect(open).toHaveLength(30);
    expect(open[0]!.accessory.value).toBe('1');
  });

  it('says when a box is empty, and a pending request waits for whom (zh)', () => {
    const m = approvalsMessage(zh, { todo: page(0), done: page(0), mine: page(1) }, { todo: 0, done: 0, mine: 0 });
    const text = textOf(m.blocks);
    expect(text).toContain('暂无待办。');
    expect(text).toContain('⏳ 审批中，等待 Han Meimei');
  });
});
