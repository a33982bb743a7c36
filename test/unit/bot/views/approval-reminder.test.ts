import { describe, expect, it } from 'vitest';
import { ids } from '../../../../src/bot/ids.ts';
import { approvalCard } from '../../../../src/bot/views/approval-card.ts';
import { approvalReminder, delegateNotice, escalatedNotice } from '../../../../src/bot/views/approval-reminder.ts';
import { awayModal, parseAwayText, readAway } from '../../../../src/bot/views/away-modal.ts';
import type { ApprovalRecord, PersonRef, StepRecord } from '../../../../src/domain/approvals/queries.ts';
import { textOf } from '../../../support/blocks.ts';
import { checkBlocks, checkModal } from './limits.ts';

// Delegates and escalation on the cards, reminders, and the away modal: pure Block Kit, both languages.

type Json = Record<string, any>;
const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const person = (id: number, name: string): PersonRef => ({ id, name, slackId: `U${id}` });
const wang = person(2, 'Wang Fang');
const han = person(4, 'Han Meimei');
const li = person(7, 'Li Lei');
const T0 = new Date('2026-11-22T02:00:00Z');
const T1 = new Date('2026-11-26T01:00:00Z');

const approver = (p: PersonRef, via = 'route', active = true, onBehalfOf: PersonRef | null = null) => ({ ...p, active, via, onBehalfOf });
const step = (over: Partial<StepRecord> = {}): StepRecord => ({ id: 11, round: 1, level: 1, unitId: 3, unitName: 'Team 1', status: 'pending', decidedBy: null, comment: null, createdAt: T0, decidedAt: null, approvers: [approver(han)], ...over });
const record = (s: StepRecord, over: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
  id: 7,
  flow: 'report',
  status: 'pending',
  round: 1,
  amount: 1_000_000,
  threshold: 5_000_000,
  fields: {},
  changes: [],
  requester: li,
  store: { id: 3, code: 'CRM202611220002', name: 'Sunny Cafe' },
  opportunity: null,
  transferTo: null,
  steps: [s],
  currentStepId: 11,
  decisions: s.status === 'pending' ? ['approve', 'return', 'reject'] : [],
  createdAt: T0,
  closedAt: null,
  ...over,
});
const buttons = (blocks: unknown[]) => (blocks as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Json[]);

describe('cards with delegates and escalation', () => {
  it('a delegate’s card says for whom; an escalated approver’s says since when', () => {
    const s = step({ approvers: [approver(han), approver(wang, 'delegate', true, han)] });
    expect(textOf(approvalCard(en, record(s), 11, wang.id).blocks)).toContain('🤝 You decide this on behalf of *Han Meimei*, who is away.');
    expect(textOf(approvalCard(zh, record(s), 11, wang.id).blocks)).toContain('🤝 *Han Meimei* 外出中，由您代为审批。');
    expect(textOf(approvalCard(en, record(s), 11, han.id).blocks)).not.toContain('🤝');
    const up = step({ approvers: [approver(han), approver(wang, 'escalated')] });
    expect(textOf(approvalCard(en, record(up), 11, wang.id).blocks)).toContain('⏫ Escalated to you: it has waited since 2026-11-22 10:00.');
  });

  it('above the threshold, the escalated approver approves where the first level sends up', () => {
    const up = step({ approvers: [approver(han), approver(wang, 'escalated')] });
    const r = record(up, { decisions: ['send_up', 'return', 'reject'] });
    expect(buttons(approvalCard(en, r, 11, wang.id).blocks).map((b) => [b.text.text, b.action_id])).toEqual([
      ['Approve', ids.actions.approve],
      ['Return', ids.actions.returnRequest],
      ['Reject', ids.actions.rejectRequest],
    ]);
    expect(textOf(approvalCard(en, r, 11, wang.id).blocks)).not.toContain('approval threshold');
    expect(buttons(approvalCard(en, r, 11, han.id).blocks).map((b) => b.text.text)).toEqual(['Approve & send up', 'Return', 'Reject']);
  });

  it('a decision by a delegate reads “on behalf of” on every card', () => {
    const s = step({ status: 'approved', decidedBy: wang, decidedAt: T1, onBehalfOf: han, approvers: [approver(han), approver(wang, 'delegate', true, han)] });
    expect(textOf(approvalCard(en, record(s, { status: 'approved' }), 11, han.id).blocks)).toContain('✅ Approved by Wang Fang on behalf of Han Meimei at 2026-11-26 09:00');
    expect(textOf(approvalCard(zh, record(s, { status: 'approved' }), 11, wang.id).blocks)).toContain('Wang Fang（代 Han Meimei）');
  });

  it('a delegate whose period ended is told the absent approver has the step back, with no buttons', () => {
    const s = step({ approvers: [approver(han), approver(wang, 'delegate', false, han)] });
    const m = approvalCard(en, record(s), 11, wang.id);
    expect(textOf(m.blocks)).toContain('↩ Han Meimei is back: this request is theirs again.');
    expect(buttons(m.blocks)).toEqual([]);
  });
});

describe('reminders and notices', () => {
  it('a scheduled reminder carries the card’s buttons and Open; once decided, only Open', () => {
    const m = approvalReminder(en, record(step()), 11, han.id, { count: 2, of: 3 });
    checkBlocks(m.blocks as Json[], 50);
    expect(textOf(m.blocks)).toContain('⏰ Reminder (2 of 3): the opportunity report for *Sunny Cafe* from *Li Lei* has waited for your decision since 2026-11-22 10:00.');
    expect(buttons(m.blocks).map((b) => [b.action_id, b.value])).toEqual([
      [ids.actions.approve, '11'],
      [ids.actions.returnRequest, '11'],
      [ids.actions.rejectRequest, '11'],
      [ids.actions.openApproval, '7'],
    ]);
    const done = approvalReminder(zh, record(step({ status: 'approved', decidedBy: han, decidedAt: T1 }), { status: 'approved' }), 11, han.id, 'requester');
    expect(textOf(done.blocks)).toContain('*Li Lei* 请您处理其为 *Sunny Cafe* 提交的');
    expect(buttons(done.blocks).map((b) => b.action_id)).toEqual([ids.actions.openApproval]);
  });

  it('the escalation notice names who joined; the delegate’s notice says who set it', () => {
    const s = step({ approvers: [approver(han), approver(wang, 'escalated')] });
    expect(escalatedNotice(en, record(s), 11, han.id).text).toContain('Wang Fang can now decide it too');
    const period = { id: 1, person: han, delegate: wang, startsAt: T0, endsAt: T1, from: '2026-12-10', to: '2026-12-14', started: false };
    expect(delegateNotice(en, { ...period, setBy: null }).text).toBe('🤝 Han Meimei is away from 2026-12-10 to 2026-12-14: you approve their requests in the meantime. Their cards reach you as well; the first decision counts.');
    expect(delegateNotice(zh, { ...period, setBy: { name: 'Zhou Min' } }).text).toContain('Zhou Min 指定您在 2026-12-10 至 2026-12-14 期间代 Han Meimei 审批');
  });
});

describe('the away modal', () => {
  it('has the three inputs under the domain’s field names, keeps Slack’s limits, and reads its submission', () => {
    const v = awayModal(en, { current: null, today: '2026-11-22' });
    checkModal(v as Json);
    expect((v.blocks as Json[]).filter((b) => b.type === 'input').map((b) => [b.block_id, b.element.type])).toEqual([
      ['from', 'datepicker'],
      ['to', 'datepicker'],
      ['delegateId', 'users_select'],
    ]);
    expect(readAway({ from: { away_from: { selected_date: '2026-12-10' } }, to: { away_to: { selected_date: '2026-12-14' } }, delegateId: { away_delegate: { selected_user: 'U0MGR1' } } })).toEqual({
      from: '2026-12-10',
      to: '2026-12-14',
      delegateSlackId: 'U0MGR1',
    });
    expect(readAway({})).toEqual({ from: '', to: '', delegateSlackId: null });
  });

  it('reads `/crm away FROM TO @someone`, and nothing else', () => {
    expect(parseAwayText(['2026-12-10', '2026-12-14', '<@U0MGR1|wang>'])).toEqual({ from: '2026-12-10', to: '2026-12-14', delegateSlackId: 'U0MGR1' });
    expect(parseAwayText(['2026-12-10', '2026-12-14', '<@U0MGR1>'])).toMatchObject({ delegateSlackId: 'U0MGR1' });
    expect(parseAwayText(['2026-12-10', '2026-12-14', '@wang'])).toBeNull();
    expect(parseAwayText(['tomorrow', '2026-12-14', '<@U0MGR1>'])).toBeNull();
    expect(parseAwayText(['2026-12-10', '<@U0MGR1>'])).toBeNull();
  });
});
