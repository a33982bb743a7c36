import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { requestUi } from '../../../src/bot/views/request-modals.ts';
import { decide, voidRequest } from '../../../src/domain/approvals/engine.ts';
import { createOpportunity } from '../../../src/domain/opportunities/opportunities.ts';
import { claimStore } from '../../../src/domain/pools/pools.ts';
import { outboxKeyOf } from '../../../src/slack-standin/standin.ts';
import { T0 } from '../../support/world.ts';
import { slackWorld, type Json, type SlackWorld } from '../../support/slack.ts';
import { helpers } from './store-helpers.ts';

// The requester's side of approvals, through signed real-format payloads: my opportunity list, the
// sign / terminate / transfer / extend forms, and withdraw, void and resubmit of my own requests.
// Approvers decide through the domain (their cards are another listener's).

let s: SlackWorld;
let h: ReturnType<typeof helpers>;
beforeAll(async () => {
  s = await slackWorld();
  h = helpers(s);
});
afterAll(async () => s.close());
beforeEach(() => {
  s.w.clock.set(T0);
  for (const user of [REP1, REP2]) for (const v of s.standin.openViews(user)) v.closed = true;
});

const REP1 = 'U0REP1'; // Li Lei, zh-CN, team 1, owns Sunny Cafe
const REP2 = 'U0REP2'; // Sam Carter, en, team 1, owns 外婆家（湖滨店）
const WAIPO = '外婆家（湖滨店）';
const ZHIWEI = '知味小笼';

const store = (name: string) => s.w.store(name);
const requests = () => s.w.db.approvalRequest.count();
const requestOf = (id: number) => s.w.db.approvalRequest.findUniqueOrThrow({ where: { id } });
const fieldsOf = async (id: number) => JSON.parse((await requestOf(id)).fields) as Json;
/** The requester's notice of a request's event, once the dispatcher sent it as a DM. */
async function noticeOf(user: string, requestId: number, event: string) {
  s.running.bot!.dispatcher.kick();
  return s.standin.waitFor(() => s.standin.dmsTo(user).find((m) => new RegExp(`^approval\\.update:${requestId}:\\d+:${event}$`).test(outboxKeyOf(m) ?? '')), 8000);
}

/** An opportunity of Sam's on his own store; its report approved by his supervisor when asked. */
async function opportunity(name: string, o: { approve?: boolean; amount?: number; user?: 'rep1' | 'rep2' } = {}) {
  const owner = await s.w.actor(o.user ?? 'rep2');
  const storeId = (await store(o.user === 'rep1' ? 'Sunny Cafe' : WAIPO)).id;
  const created = await createOpportunity(s.w.deps, owner, { storeId, name, amount: o.amount ?? 1_000_000, expectedCloseAt: '2026-12-31', stage: 'proposal' });
  if (o.approve) await decideCurrent(created.reportRequestId, 'approve');
  return created;
}

async function decideCurrent(requestId: number, decision: 'approve' | 'return', comment?: string) {
  const r = await requestOf(requestId);
  await decide(s.w.deps, s.w.people.sup1, r.currentStepId!, { decision, ...(comment ? { comment } : {}) });
}

/** `/opp list` as the user sees it: its blocks and the response_url its buttons answer through. */
async function myList(user: string, text = 'list') {
  const c = await h.command(user, '/opp', text);
  const answer = await c.answer();
  return { blocks: answer.blocks as Json[], answer, url: c.url };
}

const rowOf = (blocks: Json[], id: number): Json => blocks.find((b) => b.block_id === `opp_list:${id}`)!;

/** A button of my list, pressed from the (ephemeral) list message: the form it opens. */
async function fromList(user: string, list: { blocks: Json[] }, actionId: string, oppId: number, callbackId: string) {
  const pressed = { ...h.pressed(h.button(list.blocks, actionId, String(oppId))), block_id: `opp_list_actions:${oppId}` };
  const click = await h.click(user, pressed, { blocks: list.blocks });
  const v = await h.modal(user, callbackId);
  return { view: v.view as Json, click };
}

/** A forged or stale button: the message its modal shows instead of a form. */
async function refusal(user: string, action: Json): Promise<string> {
  for (const v of s.standin.openViews(user)) v.closed = true;
  await h.click(user, action, { ephemeral: false });
  return s.standin.waitFor(() => {
    const v = s.openView(user);
    return v && v.view.callback_id === 'store_message' ? h.text(v.view.blocks) : null;
  });
}

const plain = (value: string | null) => h.plain(value);
const date = (value: string | null) => ({ type: 'datepicker', selected_date: value });
const signValues = (o: { amount?: string; at?: string; contract?: string; note?: string | null } = {}) => ({
  wonAmount: { wonAmount: plain(o.amount ?? '9,800') },
  wonAt: { wonAt: date(o.at ?? '2026-11-20') },
  contractNo: { contractNo: plain(o.contract ?? 'HT-2026-001') },
  note: { note: plain(o.note === undefined ? 'Deposit paid' : o.note) },
});
const errorsOf = (r: { body: unknown }) => (r.body as Json).errors as Record<string, string>;

/** Polls until a request reaches a state (the requester's buttons answer after their ack). */
async function untilStatus(id: number, status: string) {
  for (let i = 0; i < 100; i++) {
    if ((await requestOf(id)).status === status) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`request ${id} never became ${status}`);
}

describe('/opp list', () => {
  it('shows my open opportunities with their report state and what I can do, then the closed ones', async () => {
    const pending = await opportunity('List: pending report');
    const approved = await opportunity('List: approved report', { approve: true });
    const list = await myList(REP2);
    expect(list.answer.response_type).toBe('ephemeral');
    const text = h.text(list.blocks);
    expect(text).toContain('My opportunities');
    expect(rowOf(list.blocks, pending.id).text.text).toContain('*List: pending report* · 外婆家（湖滨店）');
    expect(rowOf(list.blocks, pending.id).text.text).toContain('Proposal · 10,000.00 · expected close 2026-12-31');
    expect(rowOf(list.blocks, pending.id).text.text).toContain('Report: ⏳ waiting for approval');
    expect(rowOf(list.blocks, approved.id).text.text).toContain('Report: ✅ approved');
    const actionsOf = (id: number) => list.blocks.find((b) => b.block_id === `opp_list_actions:${id}`)!.elements.map((e: Json) => e.text.text);
    expect(actionsOf(pending.id)).toEqual(['Change stage']);
    expect(actionsOf(approved.id)).toEqual(['Change stage', 'Won…', 'Lost…']);
    expect(s.openView(REP2)).toBeUndefined(); // a list, not the create modal
  });

  it('speaks Chinese with /opp 列表, and /opp with a store still opens the create modal', async () => {
    await opportunity('咖啡机', { user: 'rep1' });
    const list = await myList(REP1, '列表');
    expect(h.text(list.blocks)).toContain('我的商机');
    expect(h.text(list.blocks)).toContain('报备：⏳ 待审批');
    await s.command(REP1, '/opp', 'Sunny Cafe');
    const v = await h.modal(REP1, ids.views.opportunity);
    expect(v.view.title.text).toBe('新建商机');
  });

  it('Change stage: a note is required; the stage moves and the list is redrawn with the outcome', async () => {
    const o = await opportunity('Stage mover');
    const list = await myList(REP2);
    const { view, click } = await fromList(REP2, list, requestUi.actions.openChangeStage, o.id, requestUi.views.changeStage);
    const stage = { stage: { stage: h.choice('negotiation', 'Negotiation') } };
    const blank = await s.submit(REP2, view, { ...stage, note: { note: plain('  ') } });
    expect(errorsOf(blank)).toEqual({ note: 'is required' });
    const ok = await s.submit(REP2, view, { ...stage, note: { note: plain('Met the owner, talking price') } });
    expect(ok.body).toBeNull();
    expect((await s.w.db.opportunity.findUniqueOrThrow({ where: { id: o.id } })).stage).toBe('negotiation');
    const redrawn = await s.standin.waitFor(() => h.responses(click.url).find((r) => r.replace_original === true));
    expect(redrawn.text).toBe('✅ *Stage mover* moved to Negotiation.');
    expect(rowOf(redrawn.blocks, o.id).text.text).toContain('Negotiation · 10,000.00');
  });
});

describe('sign', () => {
  it('refuses a future date and a negative amount inline, writing nothing; then asks for approval with the right facts', async () => {
    const o = await opportunity('Sign me', { approve: true });
    const list = await myList(REP2);
    const { view, click } = await fromList(REP2, list, ids.actions.openSign, o.id, ids.views.requestSign);
    expect(view.blocks.find((b: Json) => b.block_id === 'wonAt').element.initial_date).toBe('2026-11-22');
    expect(view.blocks.find((b: Json) => b.block_id === 'wonAmount').element.initial_value).toBe('10,000.00');
    const before = await requests();

    const future = await s.submit(REP2, view, signValues({ at: '2026-11-23' }));
    expect(future.body).toEqual({ response_action: 'errors', errors: { wonAt: 'must be today (2026-11-22) or earlier' } });
    const negative = await s.submit(REP2, view, signValues({ amount: '-5' }));
    expect(errorsOf(negative)).toEqual({ wonAmount: 'must not be negative' });
    const absurd = await s.submit(REP2, view, signValues({ amount: '99999999999', contract: ' ' }));
    expect(errorsOf(absurd)).toEqual({ wonAmount: 'must be at most 10,000,000.00', contractNo: 'is required' });
    const unreadable = await s.submit(REP2, view, signValues({ amount: 'ten thousand' }));
    expect(errorsOf(unreadable).wonAmount).toMatch(/Type an amount like 12800/);
    expect(await requests()).toBe(before);
    expect(s.openView(REP2)?.id).toBe(view.id); // still open

    const ok = await s.submit(REP2, view, signValues());
    expect(ok.body).toBeNull();
    expect(await requests()).toBe(before + 1);
    const r = await s.w.db.approvalRequest.findFirstOrThrow({ where: { flow: 'sign', opportunityId: o.id } });
    expect(r).toMatchObject({ status: 'pending', amount: 980_000, requesterId: s.w.people.rep2.id });
    expect(JSON.parse(r.fields)).toEqual({ wonAmount: 980_000, wonAt: '2026-11-19T16:00:00.000Z', contractNo: 'HT-2026-001', note: 'Deposit paid' });
    const redrawn = await s.standin.waitFor(() => h.responses(click.url).find((x) => x.replace_original === true));
    expect(redrawn.text).toBe(`✅ Sign request #${r.id} for *Sign me* sent for approval.`);

    // Once approved, the list shows it closed as won, with its facts.
    await decideCurrent(r.id, 'approve');
    const after = await myList(REP2);
    expect(rowOf(after.blocks, o.id)).toBeUndefined();
    expect(h.text(after.blocks)).toContain('*Sign me* · 外婆家（湖滨店）\n🏆 Won: 9,800.00 on 2026-11-20 · contract HT-2026-001');
  });

  it('a double submit makes one request', async () => {
    const o = await opportunity('Sign twice', { approve: true });
    const { view } = await fromList(REP2, await myList(REP2), ids.actions.openSign, o.id, ids.views.requestSign);
    const replies = await Promise.all([s.submit(REP2, view, signValues()), s.submit(REP2, view, signValues())]);
    for (const r of replies) expect(r.status).toBe(200);
    expect(await s.w.db.approvalRequest.count({ where: { flow: 'sign', opportunityId: o.id } })).toBe(1);
  });

  it('is refused before its report is approved, in the rep’s language', async () => {
    const o = await opportunity('不能签约', { user: 'rep1' });
    expect(await refusal(REP1, { action_id: ids.actions.openSign, value: String(o.id) })).toContain('该商机的报备尚未通过（⏳ 待审批），不能签约。');
  });
});

describe('terminate', () => {
  it('an empty reason is an inline error; a reason asks for approval', async () => {
    const o = await opportunity('Lose me', { approve: true });
    const { view } = await fromList(REP2, await myList(REP2), ids.actions.openTerminate, o.id, ids.views.requestTerminate);
    const before = await requests();
    const blank = await s.submit(REP2, view, { reason: { reason: plain('   ') } });
    expect(blank.body).toEqual({ response_action: 'errors', errors: { reason: 'is required' } });
    expect(await requests()).toBe(before);
    expect((await s.submit(REP2, view, { reason: { reason: plain('Chose a competitor') } })).body).toBeNull();
    const r = await s.w.db.approvalRequest.findFirstOrThrow({ where: { flow: 'terminate', opportunityId: o.id } });
    expect(r.status).toBe('pending');
    expect(JSON.parse(r.fields)).toEqual({ reason: 'Chose a competitor' });
  });
});

describe('a rep’s own store: request transfer and extension', () => {
  // Sam's other store becomes a customer once a sign is approved above: these ask about one he claims.
  beforeAll(async () => {
    await claimStore(s.w.deps, s.w.people.rep2, (await store(ZHIWEI)).id);
  });

  async function card(user: string, text: string) {
    const c = await h.command(user, '/store', text);
    return (await c.answer()).blocks as Json[];
  }

  it('transfer: to a colleague of the team, with a reason', async () => {
    const blocks = await card(REP2, ZHIWEI);
    const click = await h.click(REP2, h.pressed(h.button(blocks, ids.actions.openRequestTransfer)), { blocks });
    const v = (await h.modal(REP2, ids.views.requestTransfer)).view as Json;
    const select = v.blocks.find((b: Json) => b.block_id === 'toPersonId').element;
    expect(select.options.map((o: Json) => o.text.text)).toEqual(['Han Meimei', 'Li Lei']);
    const before = await requests();
    const to = { toPersonId: { toPersonId: h.choice(String(s.w.people.rep1.id), 'Li Lei') } };
    expect(errorsOf(await s.submit(REP2, v, { ...to, reason: { reason: plain('') } }))).toEqual({ reason: 'is required' });
    expect(errorsOf(await s.submit(REP2, v, { toPersonId: { toPersonId: h.choice(String(s.w.people.rep2.id), 'Sam') }, reason: { reason: plain('x') } }))).toEqual({ toPersonId: 'choose someone other than yourself' });
    expect(await requests()).toBe(before);

    expect((await s.submit(REP2, v, { ...to, reason: { reason: plain('Li Lei lives next door') } })).body).toBeNull();
    const zhiwei = await store(ZHIWEI);
    const r = await s.w.db.approvalRequest.findFirstOrThrow({ where: { flow: 'transfer', storeId: zhiwei.id } });
    expect(r.status).toBe('pending');
    expect(JSON.parse(r.fields)).toEqual({ toPersonId: s.w.people.rep1.id, reason: 'Li Lei lives next door' });
    // One confirmation: the request's notice in the DMs (whom it waits for, Withdraw), no line beside the card as well.
    const notice = await noticeOf(REP2, r.id, 'submitted');
    expect(notice.text).toContain('知味小笼');
    expect(h.responses(click.url)).toEqual([]);
    expect((await store(ZHIWEI)).ownerId).toBe(s.w.people.rep2.id); // nothing moves before the approval
  });

  it('extension: a number of days and a reason', async () => {
    const blocks = await card(REP2, ZHIWEI);
    await h.click(REP2, h.pressed(h.button(blocks, ids.actions.openRequestExtend)), { blocks });
    const v = (await h.modal(REP2, ids.views.requestExtend)).view as Json;
    const reason = { reason: { reason: plain('Owner is on holiday until January') } };
    expect(errorsOf(await s.submit(REP2, v, { days: { days: { type: 'number_input', value: 'ten' } }, ...reason }))).toEqual({ days: 'must be a number' });
    expect(errorsOf(await s.submit(REP2, v, { days: { days: { type: 'number_input', value: '400' } }, ...reason }))).toEqual({ days: 'must be at most 365' });
    expect((await s.submit(REP2, v, { days: { days: { type: 'number_input', value: '20' } }, ...reason })).body).toBeNull();
    const r = await s.w.db.approvalRequest.findFirstOrThrow({ where: { flow: 'extend', storeId: (await store(ZHIWEI)).id } });
    expect(r.status).toBe('pending');
    expect(JSON.parse(r.fields)).toEqual({ days: 20, reason: 'Owner is on holiday until January' });
  });

  it('a rep who does not own the store sees no request buttons; forged clicks and submissions are refused', async () => {
    const publicBlocks = await card(REP2, '老王面馆');
    const actionIds = h.buttons(publicBlocks).map((b) => b.action_id);
    expect(actionIds).not.toContain(ids.actions.openRequestTransfer);
    expect(actionIds).not.toContain(ids.actions.openRequestExtend);
    const before = await requests();

    const laowang = await store('老王面馆');
    expect(await refusal(REP2, { action_id: ids.actions.openRequestTransfer, value: String(laowang.id) })).toBe(`${laowang.code} is not one of your stores.`);
    const sunny = await store('Sunny Cafe');
    expect(await refusal(REP2, { action_id: ids.actions.openRequestExtend, value: String(sunny.id) })).toContain('Store not found, or not one you can see.');

    // A submission forged with another rep's store in its metadata.
    const mine = await card(REP2, ZHIWEI);
    await h.click(REP2, h.pressed(h.button(mine, ids.actions.openRequestExtend)), { blocks: mine });
    const v = (await h.modal(REP2, ids.views.requestExtend)).view as Json;
    const forged = await s.submit(REP2, { ...v, private_metadata: JSON.stringify({ id: sunny.id }) }, { days: { days: { type: 'number_input', value: '5' } }, reason: { reason: plain('mine now') } });
    expect(forged.body).toEqual({ response_action: 'errors', errors: { days: 'Store not found, or not one you can see.' } });
    expect(await requests()).toBe(before);
  });
});

describe('my own requests: withdraw, void, resubmit', () => {
  it('withdraw: a pending request ends as withdrawn', async () => {
    const o = await opportunity('Withdraw me');
    await h.click(REP2, { action_id: ids.actions.withdraw, value: String(o.reportRequestId) }, { ephemeral: false });
    await untilStatus(o.reportRequestId, 'withdrawn');
    expect((await s.w.db.opportunity.findUniqueOrThrow({ where: { id: o.id } })).reportStatus).toBe('withdrawn');
  });

  it('return, then resubmit: the form is prefilled with the return comment on top; a changed amount goes round 2', async () => {
    const o = await opportunity('Return me');
    await decideCurrent(o.reportRequestId, 'return', 'The amount looks high: check with the owner');
    const click = await h.click(REP2, { action_id: ids.actions.openResubmit, value: String(o.reportRequestId) }, { ephemeral: false });
    const v = (await h.modal(REP2, ids.views.resubmit)).view as Json;
    expect(v.blocks[0].text.text).toContain('Returned by Han Meimei');
    expect(v.blocks[0].text.text).toContain('> The amount looks high: check with the owner');
    const initial = (id: string) => v.blocks.find((b: Json) => b.block_id === id).element;
    expect(initial('name').initial_value).toBe('Return me');
    expect(initial('amount').initial_value).toBe('10,000.00');
    expect(initial('expectedCloseAt').initial_date).toBe('2026-12-31');

    const values = {
      name: { name: plain('Return me') },
      amount: { amount: plain('-1') },
      expectedCloseAt: { expectedCloseAt: date('2026-12-31') },
      competitors: { competitors: plain(null) },
      notes: { notes: plain('Checked: 8,000 it is') },
    };
    expect(errorsOf(await s.submit(REP2, v, values))).toEqual({ amount: 'must not be negative' });
    expect((await requestOf(o.reportRequestId)).status).toBe('returned');
    expect((await s.submit(REP2, v, { ...values, amount: { amount: plain('8,000') } })).body).toBeNull();
    const r = await requestOf(o.reportRequestId);
    expect(r).toMatchObject({ status: 'pending', round: 2, amount: 800_000 });
    expect(await fieldsOf(r.id)).toMatchObject({ name: 'Return me', amount: 800_000, notes: 'Checked: 8,000 it is' });
    expect(await s.w.db.approvalStep.findUniqueOrThrow({ where: { id: r.currentStepId! } })).toMatchObject({ round: 2, level: 1, status: 'pending' });
    expect((await s.w.db.opportunity.findUniqueOrThrow({ where: { id: o.id } })).amount).toBe(800_000);
    await noticeOf(REP2, r.id, 'resubmitted');
    expect(h.responses(click.url)).toEqual([]);
  });

  it('a returned sign request is resubmitted with its own fields', async () => {
    const o = await opportunity('Sign again', { approve: true });
    const { view } = await fromList(REP2, await myList(REP2), ids.actions.openSign, o.id, ids.views.requestSign);
    await s.submit(REP2, view, signValues({ contract: 'HT-OLD' }));
    const r = await s.w.db.approvalRequest.findFirstOrThrow({ where: { flow: 'sign', opportunityId: o.id } });
    await decideCurrent(r.id, 'return', 'Wrong contract number');
    await h.click(REP2, { action_id: ids.actions.openResubmit, value: String(r.id) }, { ephemeral: false });
    const v = (await h.modal(REP2, ids.views.resubmit)).view as Json;
    expect(v.blocks.find((b: Json) => b.block_id === 'contractNo').element.initial_value).toBe('HT-OLD');
    expect(v.blocks.find((b: Json) => b.block_id === 'wonAt').element.initial_date).toBe('2026-11-20');
    expect((await s.submit(REP2, v, signValues({ contract: 'HT-NEW' }))).body).toBeNull();
    expect(await requestOf(r.id)).toMatchObject({ status: 'pending', round: 2 });
    expect((await fieldsOf(r.id)).contractNo).toBe('HT-NEW');
  });

  it('resubmitting a request that is not returned: a clear message, in the person’s language', async () => {
    const pending = await opportunity('Still pending');
    expect(await refusal(REP2, { action_id: ids.actions.openResubmit, value: String(pending.reportRequestId) })).toBe('Only a returned request can be resubmitted or voided (this one is pending).');
    const zh = await opportunity('审批中', { user: 'rep1' });
    expect(await refusal(REP1, { action_id: ids.actions.openResubmit, value: String(zh.reportRequestId) })).toBe('只有被退回的申请才能重新提交或作废（当前为审批中）。');
    // Someone else's request is not there at all.
    expect(await refusal(REP1, { action_id: ids.actions.openResubmit, value: String(pending.reportRequestId) })).toBe('找不到该审批，或您无权查看。');

    // Voided while the form was open: the submission says so and changes nothing.
    const o = await opportunity('Voided meanwhile');
    await decideCurrent(o.reportRequestId, 'return', 'Add the competitors');
    await h.click(REP2, { action_id: ids.actions.openResubmit, value: String(o.reportRequestId) }, { ephemeral: false });
    const v = (await h.modal(REP2, ids.views.resubmit)).view as Json;
    await voidRequest(s.w.deps, s.w.people.rep2, o.reportRequestId);
    const late = await s.submit(REP2, v, { name: { name: plain('Voided meanwhile') }, amount: { amount: plain('100') }, expectedCloseAt: { expectedCloseAt: date('2026-12-31') } });
    expect(late.body).toEqual({ response_action: 'errors', errors: { name: 'Only a returned request can be resubmitted or voided (this one is voided).' } });
    expect((await s.w.db.opportunity.findUniqueOrThrow({ where: { id: o.id } })).amount).toBe(1_000_000);
  });

  it('void: a returned request ends as voided', async () => {
    const o = await opportunity('Void me');
    await decideCurrent(o.reportRequestId, 'return', 'Not worth it?');
    const published = s.standin.callsOf('views.publish').length;
    await h.click(REP2, { action_id: ids.actions.voidRequest, value: String(o.reportRequestId) }, { ephemeral: false });
    await untilStatus(o.reportRequestId, 'voided');
    expect((await s.w.db.opportunity.findUniqueOrThrow({ where: { id: o.id } })).reportStatus).toBe('voided');
    // Home is redrawn after the change (and before the server stops).
    await s.standin.waitFor(() => s.standin.callsOf('views.publish').length > published);
  });
});
