import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { oppActions } from '../../../src/bot/views/opportunity-modal.ts';
import { T0 } from '../../support/world.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());
beforeEach(() => s.w.clock.set(T0));

const storeId = async (name: string) => (await s.w.store(name)).id;

/** The modal as the person sees it, once it is open (and, when asked, once the store is filled in). */
async function modalOf(user: string, withStore = false): Promise<Json> {
  const v = await s.standin.waitFor(() => {
    const top = s.openView(user);
    if (!top || top.view.callback_id !== ids.views.opportunity) return undefined;
    if (withStore && !top.view.blocks.some((b: Json) => b.block_id === 'storeId' && b.element.initial_option)) return undefined;
    return top;
  });
  return v.view;
}

function values(o: { store?: number | string; name?: string; amount?: string; close?: string; stage?: string; competitors?: string; notes?: string }): Json {
  return {
    storeId: { [oppActions.storeId]: { type: 'external_select', selected_option: o.store === undefined ? null : { text: { type: 'plain_text', text: 'store' }, value: String(o.store) } } },
    name: { [oppActions.name]: { type: 'plain_text_input', value: o.name ?? 'Coffee machines' } },
    amount: { [oppActions.amount]: { type: 'plain_text_input', value: o.amount ?? '12,800.50' } },
    expectedCloseAt: { [oppActions.expectedCloseAt]: { type: 'datepicker', selected_date: o.close ?? '2026-12-31' } },
    stage: { [oppActions.stage]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 's' }, value: o.stage ?? 'proposal' } } },
    competitors: { [oppActions.competitors]: { type: 'plain_text_input', value: o.competitors ?? null } },
    notes: { [oppActions.notes]: { type: 'plain_text_input', value: o.notes ?? null } },
  };
}

async function closeAll(user: string) {
  for (const v of s.standin.openViews(user)) v.closed = true;
}

const written = async () => ({
  opportunities: await s.w.db.opportunity.count(),
  stages: await s.w.db.opportunityStageChange.count(),
  audits: await s.w.db.auditLog.count({ where: { entity: 'opportunity' } }),
});

describe('/opp', () => {
  it('acks at once and opens the modal with the trigger id; saving closes it, writes once, and the report notice confirms it (en)', async () => {
    const before = await written();
    const r = await s.command('U0REP2', '/opp', '');
    expect(r.status).toBe(200);
    expect(r.body).toBeNull();
    expect(r.ms).toBeLessThan(2500);
    const view = await modalOf('U0REP2');
    expect(view.title.text).toBe('New opportunity');
    expect(view.blocks.map((b: Json) => b.block_id)).toEqual(['storeId', 'name', 'amount', 'expectedCloseAt', 'stage', 'competitors', 'notes']);
    const open = s.standin.callsOf('views.open').at(-1)!;
    expect(open.args.trigger_id).toMatch(/\.U0REP2\.trigger$/);

    const store = await storeId('外婆家（湖滨店）'); // Sam's own store
    const ok = await s.submit('U0REP2', view, values({ store, competitors: 'Acme', notes: 'Wants a trial' }));
    expect(ok.status).toBe(200);
    expect(ok.body).toBeNull(); // closes the modal
    expect(s.openView('U0REP2')).toBeUndefined();
    const o = await s.w.db.opportunity.findFirstOrThrow({ where: { name: 'Coffee machines', ownerId: (await s.w.actor('rep2')).id } });
    expect(o).toMatchObject({ amount: 1_280_050, stage: 'proposal', storeId: store, competitors: 'Acme', notes: 'Wants a trial' });
    expect(await written()).toEqual({ opportunities: before.opportunities + 1, stages: before.stages + 1, audits: before.audits + 1 });
    const dm = await s.standin.waitFor(() => s.standin.dmsTo('U0REP2').find((m) => textOf(m.blocks).includes('Coffee machines')));
    expect(textOf(dm.blocks)).toContain('12,800.50');
    expect(textOf(dm.blocks)).toContain('2026-12-31');
    expect(textOf(dm.blocks)).toContain('Proposal');
    // The confirmation is the report's "submitted" notice: it says whose approval it waits for.
    expect(textOf(dm.blocks)).toContain('Waiting for approval by *Han Meimei*.');
  });

  it('preselects the store typed after /opp, and speaks Chinese to a Chinese rep', async () => {
    await s.command('U0REP1', '/opp', 'Sunny Cafe');
    const view = await modalOf('U0REP1', true);
    expect(view.title.text).toBe('新建商机');
    const store = view.blocks.find((b: Json) => b.block_id === 'storeId');
    expect(store.element.initial_option.value).toBe(String(await storeId('Sunny Cafe')));
    // Slack sends the preselected option back as the state.
    const r = await s.submit('U0REP1', view, values({ store: await storeId('Sunny Cafe'), name: '咖啡机', amount: '￥８８００', stage: 'initial_contact' }));
    expect(r.body).toBeNull();
    expect(await s.w.db.opportunity.findFirst({ where: { name: '咖啡机' } })).toMatchObject({ amount: 880_000, stage: 'initial_contact' });
    const dm = await s.standin.waitFor(() => s.standin.dmsTo('U0REP1').find((m) => textOf(m.blocks).includes('咖啡机')));
    expect(textOf(dm.blocks)).toContain('已为 *Sunny Cafe* 报备商机');
    expect(textOf(dm.blocks)).toContain('初步接洽');
    expect(textOf(dm.blocks)).toContain('等待 *Han Meimei* 审批。');
  });

  it('says when the typed store matches nothing', async () => {
    await closeAll('U0REP2');
    await s.command('U0REP2', '/opp', 'zzz-nothing');
    const view = await s.standin.waitFor(() => {
      const v = s.openView('U0REP2');
      return v && v.view.blocks[0]?.type === 'context' ? v.view : undefined;
    });
    expect(textOf(view.blocks)).toContain('No store matches “zzz-nothing”');
  });

  it('tells an admin at once that admins do not register opportunities', async () => {
    const r = await s.command('U0ADM1', '/opp', '');
    expect((r.body as Json).text).toBe('Admins do not register opportunities.');
  });
});

describe('bad input in the modal', () => {
  async function openFor(user: string) {
    await closeAll(user);
    await s.command(user, '/opp', '');
    return modalOf(user);
  }

  it('a negative, unreadable or absurd amount: inline error under amount, nothing written', async () => {
    const view = await openFor('U0REP2');
    const store = await storeId('外婆家（湖滨店）');
    const before = await written();
    const cases: [string, RegExp][] = [
      ['-5', /must not be negative/],
      ['ten yuan', /Type an amount like 12800/],
      ['1.234', /Type an amount like 12800/],
      ['99999999999', /must be at most 10,000,000.00/],
    ];
    for (const [amount, message] of cases) {
      const r = await s.submit('U0REP2', view, values({ store, amount }));
      expect(r.body, amount).toMatchObject({ response_action: 'errors' });
      expect(Object.keys((r.body as Json).errors)).toEqual(['amount']);
      expect((r.body as Json).errors.amount).toMatch(message);
    }
    expect(s.openView('U0REP2')?.id).toBe(view.id); // still open
    expect(await written()).toEqual(before);
  });

  it('a close date before today: inline error, in the person’s language', async () => {
    const view = await openFor('U0REP1');
    const before = await written();
    const r = await s.submit('U0REP1', view, values({ store: await storeId('Sunny Cafe'), close: '2026-11-21' }));
    expect(r.body).toEqual({ response_action: 'errors', errors: { expectedCloseAt: '不能早于今天（2026-11-22）' } });
    expect(await written()).toEqual(before);
  });

  it('an unknown store or one the rep cannot see: inline error under the store', async () => {
    const view = await openFor('U0REP2');
    const before = await written();
    for (const store of [999_999, await storeId('River Side Grill'), await storeId('Green Leaf Bakery')]) {
      const r = await s.submit('U0REP2', view, values({ store }));
      expect(r.body).toEqual({ response_action: 'errors', errors: { storeId: 'Store not found, or not one you can see.' } });
    }
    expect(await written()).toEqual(before);
  });

  it('every bad field at once', async () => {
    const view = await openFor('U0REP2');
    const r = await s.submit('U0REP2', view, values({ store: 999_999, name: ' ', amount: 'abc', close: '2020-01-01' }));
    expect(Object.keys((r.body as Json).errors).sort()).toEqual(['amount', 'expectedCloseAt', 'name', 'storeId']);
  });

  it('after an error the corrected submission saves', async () => {
    const view = await openFor('U0REP2');
    const store = await storeId('外婆家（湖滨店）');
    expect((await s.submit('U0REP2', view, values({ store, name: 'Fixed later', amount: '-1' }))).body).toMatchObject({ response_action: 'errors' });
    expect((await s.submit('U0REP2', view, values({ store, name: 'Fixed later', amount: '1' }))).body).toBeNull();
    expect(await s.w.db.opportunity.count({ where: { name: 'Fixed later' } })).toBe(1);
  });
});

describe('exactly once', () => {
  it('a double submit and a retry make one opportunity and one DM', async () => {
    await closeAll('U0REP2');
    await s.command('U0REP2', '/opp', '');
    const view = await modalOf('U0REP2');
    const v = values({ store: await storeId('外婆家（湖滨店）'), name: 'Double click' });
    const replies = await Promise.all([s.submit('U0REP2', view, v), s.submit('U0REP2', view, v)]);
    const retry = await s.submit('U0REP2', view, v, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    for (const r of [...replies, retry]) expect(r.status).toBe(200);
    expect(await s.w.db.opportunity.count({ where: { name: 'Double click' } })).toBe(1);
    await s.standin.waitFor(() => s.standin.dmsTo('U0REP2').find((m) => textOf(m.blocks).includes('Double click')));
    await new Promise((r) => setTimeout(r, 200));
    expect(s.standin.dmsTo('U0REP2').filter((m) => textOf(m.blocks).includes('Double click'))).toHaveLength(1);
  });
});

describe('buttons that open the modal', () => {
  it('the store card’s New opportunity preselects the card’s store', async () => {
    await closeAll('U0REP1');
    const id = await storeId('Sunny Cafe');
    const r = await s.action('U0REP1', { action_id: ids.actions.newOpportunity, value: String(id), block_id: `store_card:${id}` });
    expect(r.status).toBe(200);
    const view = await modalOf('U0REP1', true);
    expect(view.blocks.find((b: Json) => b.block_id === 'storeId').element.initial_option.value).toBe(String(id));
  });

  it('a card of a store the rep cannot see opens the modal without it, saying so', async () => {
    await closeAll('U0REP1');
    const id = await storeId('River Side Grill');
    await s.action('U0REP1', { action_id: ids.actions.newOpportunity, value: String(id) });
    const view = await s.standin.waitFor(() => {
      const v = s.openView('U0REP1');
      return v && v.view.blocks[0]?.type === 'context' ? v.view : undefined;
    });
    expect(textOf(view.blocks)).toContain('您无权查看该门店');
    expect(view.blocks.find((b: Json) => b.block_id === 'storeId').element.initial_option).toBeUndefined();
  });

  it('App Home’s New opportunity opens an empty modal', async () => {
    await closeAll('U0REP2');
    const r = await s.action('U0REP2', { action_id: ids.actions.homeNewOpportunity }, { view: { id: 'VHOME', type: 'home', blocks: [] } });
    expect(r.status).toBe(200);
    const view = await modalOf('U0REP2');
    expect(view.blocks.find((b: Json) => b.block_id === 'storeId').element.initial_option).toBeUndefined();
  });
});
