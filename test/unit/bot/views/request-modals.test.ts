import { describe, expect, it } from 'vitest';
import type { ApprovalRecord, StepRecord } from '../../../../src/domain/approvals/queries.ts';
import type { Actor } from '../../../../src/domain/org/roles.ts';
import type { TeamMember } from '../../../../src/domain/people/team.ts';
import { ids } from '../../../../src/bot/ids.ts';
import { storeCardBlocks, type StoreCardData } from '../../../../src/bot/views/store-card.ts';
import { LIST_OPEN_MAX, opportunityListMessage, type ListedOpportunity } from '../../../../src/bot/views/opportunity-list.ts';
import {
  changeStageModal,
  encodeRequestMeta,
  lastReturn,
  parseRequestMeta,
  readChangeStage,
  readRequest,
  requestExtendModal,
  requestTransferModal,
  requestUi,
  resubmitModal,
  signModal,
  terminateModal,
} from '../../../../src/bot/views/request-modals.ts';
import { checkBlocks, checkModal } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const long = (c: string) => c.repeat(500);
const now = new Date('2026-11-22T02:00:00Z');

const inputIds = (view: Json) => (view.blocks as Json[]).filter((b) => b.type === 'input').map((b) => b.block_id);
const block = (view: Json, id: string) => (view.blocks as Json[]).find((b) => b.block_id === id)!;

const opp = { name: long('机'), amount: 1_280_050, expectedCloseAt: new Date('2026-12-30T16:00:00Z'), stage: 'proposal', store: { name: long('店') } };
const store = { name: long('S'), code: 'CRM202611220004', protectedUntil: new Date('2026-12-22T02:00:00Z'), isCustomer: false };
const member = (i: number): TeamMember => ({ id: i, name: `Person ${i}`, role: 'rep', unitName: 'Team 1' });
const meta = { id: 7, r: 'https://hooks.slack.com/actions/T/1/abc' };

describe('the request forms', () => {
  it('are within Slack’s limits in both languages; inputs are named as the domain’s fields', () => {
    for (const reader of [en, zh]) {
      const forms: [Json, string, string[]][] = [
        [changeStageModal(reader, opp, meta), requestUi.views.changeStage, ['stage', 'note']],
        [signModal(reader, opp, '2026-11-22', meta), ids.views.requestSign, ['wonAmount', 'wonAt', 'contractNo', 'note']],
        [terminateModal(reader, opp, meta), ids.views.requestTerminate, ['reason']],
        [requestTransferModal(reader, store, { people: [member(2), member(3)], more: false }, meta), ids.views.requestTransfer, ['toPersonId', 'reason']],
        [requestExtendModal(reader, store, meta), ids.views.requestExtend, ['days', 'reason']],
      ];
      for (const [view, callbackId, inputs] of forms) {
        checkModal(view);
        expect(view.callback_id).toBe(callbackId);
        expect(inputIds(view)).toEqual(inputs);
        expect(parseRequestMeta(view.private_metadata)).toEqual(meta);
      }
    }
    expect((signModal(zh, opp, '2026-11-22', meta) as Json).submit.text).toBe('提交审批');
  });

  it('sign starts from the expected amount and today', () => {
    const v = signModal(en, opp, '2026-11-22', meta) as Json;
    expect(block(v, 'wonAmount').element.initial_value).toBe('12,800.50');
    expect(block(v, 'wonAt').element).toMatchObject({ type: 'datepicker', initial_date: '2026-11-22' });
    expect(block(v, 'note').optional).toBe(true);
    expect(block(v, 'contractNo').optional).toBe(false);
  });

  it('change stage offers the other open stages only', () => {
    const v = changeStageModal(en, opp, meta) as Json;
    expect(block(v, 'stage').element.options.map((o: Json) => o.value)).toEqual(['initial_contact', 'needs_analysis', 'negotiation']);
  });

  it('transfer: a static select of the team, a type-ahead beyond 100, and nothing to submit without anyone', () => {
    const few = requestTransferModal(en, store, { people: [member(2)], more: false }, meta) as Json;
    expect(block(few, 'toPersonId').element).toMatchObject({ type: 'static_select', action_id: 'toPersonId' });
    const many = requestTransferModal(en, store, { people: Array.from({ length: 100 }, (_, i) => member(i + 1)), more: true }, meta) as Json;
    checkModal(many);
    expect(block(many, 'toPersonId').element).toMatchObject({ type: 'external_select', action_id: requestUi.actions.personSearch });
    const none = requestTransferModal(en, store, { people: [], more: false }, meta) as Json;
    checkModal(none);
    expect(none.submit).toBeUndefined();
    expect(inputIds(none)).toEqual([]);
    expect(JSON.stringify(none.blocks)).toContain('nobody else in your team');
  });

  it('metadata: round trip; junk and odd response urls are refused or dropped', () => {
    expect(parseRequestMeta(encodeRequestMeta({ id: 3, f: 'sign', r: 'https://x/y', l: 1, pv: 'V1' }))).toEqual({ id: 3, f: 'sign', r: 'https://x/y', l: 1, pv: 'V1' });
    expect(parseRequestMeta(encodeRequestMeta({ id: 3, r: `https://x/${'y'.repeat(2000)}` }))).toEqual({ id: 3 });
    for (const bad of ['', 'junk', '{"id":0}', '{"id":"3"}', null]) expect(parseRequestMeta(bad)).toBeNull();
    expect(parseRequestMeta('{"id":3,"f":"nope","r":"javascript:x"}')).toEqual({ id: 3 });
  });
});

const step = (over: Partial<StepRecord>): StepRecord => ({
  id: 1,
  round: 1,
  level: 1,
  unitId: 1,
  unitName: 'Team 1',
  status: 'returned',
  decidedBy: { id: 4, name: 'Han Meimei', slackId: 'U0SUP1' },
  comment: 'Check the amount\nand the contract number',
  createdAt: now,
  decidedAt: now,
  approvers: [],
  ...over,
});

function record(flow: ApprovalRecord['flow'], fields: Record<string, unknown>, over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: 42,
    flow,
    status: 'returned',
    round: 1,
    amount: null,
    threshold: null,
    fields,
    changes: [],
    requester: { id: 8, name: 'Sam Carter', slackId: 'U0REP2' },
    store: { id: 4, code: 'CRM202611220004', name: 'Sunny Cafe' },
    opportunity: flow === 'report' || flow === 'sign' || flow === 'terminate' ? { id: 9, name: 'Coffee', stage: 'proposal', amount: 1_000_000, expectedCloseAt: new Date('2026-12-30T16:00:00Z'), reportStatus: 'approved' } : null,
    transferTo: null,
    steps: [step({ id: 1, comment: 'older' }), step({ id: 2, status: 'approved', comment: null }), step({ id: 3 })],
    currentStepId: 3,
    decisions: [],
    createdAt: now,
    closedAt: null,
    ...over,
  };
}

describe('resubmitting', () => {
  it('shows the latest return’s comment on top and the report’s facts filled in', () => {
    const r = record('report', { name: 'Coffee', amount: 1_000_000, expectedCloseAt: '2026-12-30T16:00:00.000Z', stage: 'proposal', competitors: 'Acme', notes: null });
    expect(lastReturn(r)?.comment).toBe('Check the amount\nand the contract number');
    const v = resubmitModal(en, r, { people: [], more: false }, { id: 42 }) as Json;
    checkModal(v);
    expect(v.callback_id).toBe(ids.views.resubmit);
    expect(v.blocks[0].block_id).toBe('returned_comment');
    expect(v.blocks[0].text.text).toBe('↩️ *Returned by Han Meimei* (2026-11-22 10:00):\n> Check the amount\n> and the contract number');
    expect(inputIds(v)).toEqual(['name', 'amount', 'expectedCloseAt', 'competitors', 'notes']);
    expect(block(v, 'name').element.initial_value).toBe('Coffee');
    expect(block(v, 'amount').element.initial_value).toBe('10,000.00');
    expect(block(v, 'expectedCloseAt').element.initial_date).toBe('2026-12-31');
    expect(block(v, 'competitors').element.initial_value).toBe('Acme');
    expect(block(v, 'notes').element.initial_value).toBeUndefined();
    expect(parseRequestMeta(v.private_metadata)).toEqual({ id: 42, f: 'report' });
  });

  it('fills in each flow’s own inputs', () => {
    const sign = resubmitModal(zh, record('sign', { wonAmount: 990_000, wonAt: '2026-11-19T16:00:00.000Z', contractNo: 'HT-1', note: 'n' }), { people: [], more: false }, { id: 42 }) as Json;
    checkModal(sign);
    expect(sign.submit.text).toBe('重新提交');
    expect(block(sign, 'wonAmount').element.initial_value).toBe('9,900.00');
    expect(block(sign, 'wonAt').element.initial_date).toBe('2026-11-20');
    expect(block(sign, 'contractNo').element.initial_value).toBe('HT-1');
    const ext = resubmitModal(en, record('extend', { days: 10, reason: 'Holiday' }), { people: [], more: false }, { id: 42 }) as Json;
    expect(block(ext, 'days').element.initial_value).toBe('10');
    expect(block(ext, 'reason').element.initial_value).toBe('Holiday');
    const term = resubmitModal(en, record('terminate', { reason: 'Budget' }), { people: [], more: false }, { id: 42 }) as Json;
    expect(inputIds(term)).toEqual(['reason']);
    const transfer = resubmitModal(en, record('transfer', { toPersonId: 3, reason: 'r' }, { transferTo: { id: 3, name: 'Person 3', slackId: 'U3' } }), { people: [member(2), member(3)], more: false }, { id: 42 }) as Json;
    expect(block(transfer, 'toPersonId').element.initial_option).toEqual(block(transfer, 'toPersonId').element.options[1]);
    // The former target left the team: nothing is preselected.
    const gone = resubmitModal(en, record('transfer', { toPersonId: 9, reason: 'r' }, { transferTo: { id: 9, name: 'Gone', slackId: 'U9' } }), { people: [member(2)], more: false }, { id: 42 }) as Json;
    expect(block(gone, 'toPersonId').element.initial_option).toBeUndefined();
  });
});

describe('reading a submission', () => {
  const typed = (v: string | null) => ({ x: { type: 'plain_text_input', value: v } });

  it('sign: yuan to minor units; an unreadable amount is flagged; empty fields left for the domain', () => {
    const values = { wonAmount: typed('¥ 9,800.5'), wonAt: { wonAt: { type: 'datepicker', selected_date: '2026-11-20' } }, contractNo: typed(' HT-1 '), note: typed('  ') };
    expect(readRequest('sign', values)).toEqual({ input: { wonAmount: 980_050, wonAt: '2026-11-20', contractNo: ' HT-1 ', note: undefined }, unreadable: null });
    const bad = readRequest('sign', { wonAmount: typed('ten'), wonAt: { wonAt: { type: 'datepicker', selected_date: null } } });
    expect(bad.unreadable).toBe('wonAmount');
    expect(bad.input.wonAmount).toBeNaN();
    expect(bad.input.wonAt).toBeUndefined();
    expect(readRequest('sign', { wonAmount: typed('-5') }).input.wonAmount).toBe(-500);
  });

  it('transfer, extend, terminate, report and change stage', () => {
    const pick = (value: string) => ({ x: { type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: 'p' } } } });
    expect(readRequest('transfer', { toPersonId: pick('12'), reason: typed('why') }).input).toEqual({ toPersonId: 12, reason: 'why' });
    expect(readRequest('transfer', { toPersonId: pick('x'), reason: typed(null) }).input).toEqual({ toPersonId: undefined, reason: '' });
    expect(readRequest('extend', { days: { days: { type: 'number_input', value: '14' } }, reason: typed('r') }).input).toEqual({ days: 14, reason: 'r' });
    expect(readRequest('extend', { days: { days: { type: 'number_input', value: 'abc' } } }).input.days).toBeNaN();
    expect(readRequest('terminate', { reason: typed('   ') }).input).toEqual({ reason: '' });
    const report = readRequest('report', { name: typed('C'), amount: typed('1.234'), expectedCloseAt: { x: { type: 'datepicker', selected_date: '2026-12-31' } }, competitors: typed(null), notes: typed('n') });
    expect(report).toMatchObject({ input: { name: 'C', expectedCloseAt: '2026-12-31', competitors: undefined, notes: 'n' }, unreadable: 'amount' });
    expect(readChangeStage({ stage: pick('negotiation'), note: typed('Met the owner') })).toEqual({ stage: 'negotiation', note: 'Met the owner' });
  });
});

const listed = (i: number, over: Partial<ListedOpportunity> = {}): ListedOpportunity => ({
  id: i,
  name: `${long('商')}${i}`,
  amount: 100_000 * i,
  expectedCloseAt: new Date('2026-12-30T16:00:00Z'),
  stage: 'proposal',
  reportStatus: 'approved',
  wonAmount: null,
  wonAt: null,
  contractNo: null,
  lostReason: null,
  store: { name: long('店'), code: 'CRM1' },
  ...over,
});
const buttonsOf = (blocks: Json[], id: number) => (blocks.find((b) => b.block_id === `opp_list_actions:${id}`)?.elements ?? []).map((e: Json) => e.action_id);

describe('my opportunity list', () => {
  it('open ones with their report state and the buttons it allows; closed ones with how they ended', () => {
    const m = opportunityListMessage(en, {
      open: [listed(1, { reportStatus: 'pending' }), listed(2), listed(3, { reportStatus: 'returned' }), listed(4, { reportStatus: 'rejected' })],
      moreOpen: 0,
      closed: [
        listed(5, { stage: 'won', wonAmount: 990_000, wonAt: new Date('2026-11-19T16:00:00Z'), contractNo: 'HT-9' }),
        listed(6, { stage: 'lost', lostReason: 'Chose a competitor' }),
      ],
    });
    const blocks = m.blocks as Json[];
    checkBlocks(blocks, 50);
    expect(m.text).toBe('Your opportunities: 4 open, 2 closed.');
    const text = JSON.stringify(blocks);
    expect(block({ blocks }, 'opp_list:1').text.text).toContain('Report: ⏳ waiting for approval');
    expect(block({ blocks }, 'opp_list:1').text.text).toContain('Proposal · 1,000.00 · expected close 2026-12-31');
    expect(buttonsOf(blocks, 1)).toEqual([requestUi.actions.openChangeStage]);
    expect(buttonsOf(blocks, 2)).toEqual([requestUi.actions.openChangeStage, ids.actions.openSign, ids.actions.openTerminate]);
    expect(buttonsOf(blocks, 3)).toEqual([requestUi.actions.openChangeStage]);
    expect(buttonsOf(blocks, 4)).toEqual([requestUi.actions.openChangeStage, ids.actions.openTerminate]);
    expect(text).toContain('🏆 Won: 9,900.00 on 2026-11-20 · contract HT-9');
    expect(text).toContain('✖️ Lost: Chose a competitor');
    expect(buttonsOf(blocks, 5)).toEqual([]);
  });

  it('a long list stays under 50 blocks and says how many more are open; a notice goes first', () => {
    const open = Array.from({ length: LIST_OPEN_MAX }, (_, i) => listed(i + 1));
    const closed = Array.from({ length: 5 }, (_, i) => listed(100 + i, { stage: 'lost', lostReason: long('r') }));
    const m = opportunityListMessage(zh, { open, moreOpen: 37, closed }, '✅ done');
    checkBlocks(m.blocks as Json[], 50);
    expect(m.blocks[0]).toMatchObject({ block_id: 'opp_list_notice' });
    expect(m.text).toBe('✅ done');
    expect(JSON.stringify(m.blocks)).toContain('还有 37 个进行中的商机');
  });

  it('an empty list says how to register one', () => {
    const m = opportunityListMessage(en, { open: [], moreOpen: 0, closed: [] });
    expect(JSON.stringify(m.blocks)).toContain('You have no opportunities yet');
  });
});

describe('the store card’s request buttons', () => {
  const actor = (role: Actor['role'], id = 5): Actor => ({ id, name: 'A', role, unitId: 1, active: true, locale: null, timezone: null });
  const card = (over: Json = {}) =>
    ({
      id: 1, code: 'CRM1', name: 'Sunny', address: null, status: 'active', stage: 'lead', grade: 'A', ownerId: 5,
      owner: { id: 5, name: 'O', unitId: 1 }, protectedUntil: new Date('2026-12-22T02:00:00Z'), isCustomer: false,
      lastVisitAt: null, nextFollowUpAt: null, regionId: 1, contacts: [], latestVisits: [], ...over,
    }) as unknown as StoreCardData;
  const actionIds = (blocks: Json[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: Json) => e.action_id));

  it('a rep who owns the store may ask to transfer or extend it; not a customer’s extension', () => {
    const mine = storeCardBlocks(en, card(), { actor: actor('rep'), canClaim: false }, now) as Json[];
    expect(actionIds(mine)).toEqual(expect.arrayContaining([ids.actions.openRequestTransfer, ids.actions.openRequestExtend]));
    const customer = storeCardBlocks(en, card({ isCustomer: true }), { actor: actor('rep'), canClaim: false }, now) as Json[];
    expect(actionIds(customer)).toContain(ids.actions.openRequestTransfer);
    expect(actionIds(customer)).not.toContain(ids.actions.openRequestExtend);
  });

  it('nobody else sees them: another rep, or a lead (who has Transfer and Extend)', () => {
    for (const viewer of [actor('rep', 6), actor('supervisor'), actor('supervisor', 6)]) {
      const ids_ = actionIds(storeCardBlocks(en, card(), { actor: viewer, canClaim: false }, now) as Json[]);
      expect(ids_).not.toContain(ids.actions.openRequestTransfer);
      expect(ids_).not.toContain(ids.actions.openRequestExtend);
    }
  });
});
