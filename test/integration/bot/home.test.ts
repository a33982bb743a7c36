import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { oppActions } from '../../../src/bot/views/opportunity-modal.ts';
import { DAY_MS } from '../../../src/domain/clock.ts';
import { T0 } from '../../support/world.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

const t0 = new Date(T0);
let rep2: number;
let grannys: number;

beforeEach(async () => {
  s.w.clock.set(T0);
  await s.w.db.followUp.deleteMany({});
  rep2 = (await s.w.actor('rep2')).id;
  grannys = (await s.w.store('外婆家（湖滨店）')).id;
});

const homeOpened = (user: string, tab = 'home') => s.event({ type: 'app_home_opened', user, channel: `D${user}`, tab, event_ts: `${Date.now() / 1000}` });
const publishes = (user: string) => s.standin.callsOf('views.publish').filter((c) => c.args.user_id === user).length;

/** Waits until `user`'s Home says `text`, and returns it. */
const homeSaying = (user: string, text: string): Promise<Json> =>
  s.standin.waitFor(() => {
    const home = s.standin.homes.get(user)?.view;
    return home && textOf(home.blocks).includes(text) ? home : undefined;
  });

/** Waits for a Home publish for `user` after `count` earlier ones, and returns the Home. */
async function nextHome(user: string, count: number): Promise<Json> {
  await s.standin.waitFor(() => publishes(user) > count);
  return s.standin.homes.get(user)!.view;
}

describe('App Home', () => {
  it('is published when opened: quick buttons, my day, pool usage', async () => {
    await s.w.db.followUp.create({ data: { storeId: grannys, personId: rep2, dueAt: new Date(t0.getTime() - DAY_MS), note: 'Call back' } });
    const n = publishes('U0REP2');
    const r = await homeOpened('U0REP2');
    expect(r.status).toBe(200);
    const home = await nextHome('U0REP2', n);
    expect(home.type).toBe('home');
    const quick = home.blocks.find((b: Json) => b.block_id === 'home_quick');
    expect(quick.elements.map((e: Json) => e.action_id)).toEqual([ids.actions.homeLogVisit, ids.actions.homeClaim, ids.actions.homeNewOpportunity, ids.actions.homeRefresh]);
    const text = textOf(home.blocks);
    expect(text).toContain('Seaboard · Sam Carter');
    expect(text).toContain('My pool: *1 / 100* private stores');
    expect(text).toContain('*Overdue follow-ups* (1)');
    expect(text).toContain('Call back');
  });

  it('in Chinese for a Chinese rep; nothing for the Messages tab', async () => {
    const n = publishes('U0REP1');
    await homeOpened('U0REP1', 'messages');
    await homeOpened('U0REP1');
    const home = await nextHome('U0REP1', n);
    expect(textOf(home.blocks)).toContain('我的私海');
    expect(JSON.stringify(home.blocks)).toContain('新建商机');
    await new Promise((r) => setTimeout(r, 200));
    expect(publishes('U0REP1')).toBe(n + 1);
  });

  it('keeps within 100 blocks with 200 follow-ups', async () => {
    await s.w.db.followUp.createMany({
      data: Array.from({ length: 200 }, (_, i) => ({ storeId: grannys, personId: rep2, dueAt: new Date(t0.getTime() - (i + 1) * 3_600_000), note: 'n'.repeat(400) })),
    });
    const n = publishes('U0REP2');
    await homeOpened('U0REP2');
    const home = await nextHome('U0REP2', n);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(textOf(home.blocks)).toMatch(/…and \d+ more/);
  });

  it('Refresh republishes it', async () => {
    const n = publishes('U0REP2');
    await s.action('U0REP2', { action_id: ids.actions.homeRefresh, block_id: 'home_quick' }, { view: { id: 'VHOME2', type: 'home', blocks: [] } });
    await nextHome('U0REP2', n);
  });

  it('is refreshed after a follow-up is done from it, and after a snooze', async () => {
    const f = await s.w.db.followUp.create({ data: { storeId: grannys, personId: rep2, dueAt: new Date(t0.getTime() + 3_600_000), note: 'Bring samples' } });
    let n = publishes('U0REP2');
    await homeOpened('U0REP2');
    expect(textOf((await nextHome('U0REP2', n)).blocks)).toContain('Bring samples');
    n = publishes('U0REP2');
    const home = { id: s.standin.homes.get('U0REP2')!.id, type: 'home', blocks: [] };
    await s.action('U0REP2', { action_id: ids.actions.followUpDone, value: String(f.id), block_id: `myday:followup:${f.id}` }, { view: home });
    const after = await nextHome('U0REP2', n);
    expect(textOf(after.blocks)).not.toContain('Bring samples');
    expect(textOf(after.blocks)).toContain('No follow-ups due today.');
    expect((await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).status).toBe('done');

    const g = await s.w.db.followUp.create({ data: { storeId: grannys, personId: rep2, dueAt: new Date(t0.getTime() + 3_600_000), note: 'Second' } });
    n = publishes('U0REP2');
    await s.action(
      'U0REP2',
      { type: 'static_select', action_id: ids.actions.followUpSnooze, block_id: `myday:followup:${g.id}`, selected_option: { text: { type: 'plain_text', text: 'x' }, value: `${g.id}:in3days` } },
      { view: home },
    );
    const snoozed = await nextHome('U0REP2', n);
    expect(textOf(snoozed.blocks)).not.toContain('Second');
    expect(textOf(snoozed.blocks)).toContain('1 more follow-up in the next 14 days.');
    // Nothing changed (already done): no refresh.
    n = publishes('U0REP2');
    await s.action('U0REP2', { action_id: ids.actions.followUpDone, value: String(f.id), block_id: `myday:followup:${f.id}` }, { view: home });
    await new Promise((r) => setTimeout(r, 200));
    expect(publishes('U0REP2')).toBe(n);
  });

  it('is refreshed after an opportunity is saved, and lists it', async () => {
    await s.command('U0REP2', '/opp', '');
    const view = await s.standin.waitFor(() => s.standin.openViews('U0REP2').find((v) => v.view.callback_id === ids.views.opportunity));
    const n = publishes('U0REP2');
    await s.submit('U0REP2', view.view, {
      storeId: { [oppActions.storeId]: { type: 'external_select', selected_option: { text: { type: 'plain_text', text: 's' }, value: String(grannys) } } },
      name: { [oppActions.name]: { type: 'plain_text_input', value: 'Home deal' } },
      amount: { [oppActions.amount]: { type: 'plain_text_input', value: '5000' } },
      expectedCloseAt: { [oppActions.expectedCloseAt]: { type: 'datepicker', selected_date: '2027-01-15' } },
      stage: { [oppActions.stage]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 's' }, value: 'negotiation' } } },
      competitors: { [oppActions.competitors]: { type: 'plain_text_input', value: null } },
      notes: { [oppActions.notes]: { type: 'plain_text_input', value: null } },
    });
    const home = await nextHome('U0REP2', n);
    const text = textOf(home.blocks);
    expect(text).toContain('*My open opportunities* (1)');
    expect(text).toContain('*Home deal* · 外婆家（湖滨店） · 5,000.00 · Negotiation · close 2027-01-15');
  });

  it('Claim stores: the list goes to Messages, and Home says so in a modal', async () => {
    const dms = s.standin.dmsTo('U0REP2').length;
    const modals = s.standin.openViews('U0REP2').length;
    await s.action('U0REP2', { action_id: ids.actions.homeClaim, block_id: 'home_quick' }, { view: { id: 'VHOME2', type: 'home', blocks: [] } });
    const told = await s.standin.waitFor(() => s.standin.openViews('U0REP2').length > modals && s.openView('U0REP2'));
    expect(told.view.title.text).toBe('Claim stores');
    expect(textOf(told.view.blocks)).toContain('The stores you can claim are on their way to your *Messages* with Seaboard');
    told.closed = true;
    await s.standin.waitFor(() => s.standin.dmsTo('U0REP2').slice(dms).find((m) => textOf(m.blocks).includes('老王面馆')));
  });

  it('a follow-up that can no longer be done from a stale Home is told on Home, not in Messages', async () => {
    const f = await s.w.db.followUp.create({ data: { storeId: grannys, personId: rep2, dueAt: new Date(t0.getTime() - 3_600_000), status: 'cancelled' } });
    const dms = s.standin.dmsTo('U0REP2').length;
    const modals = s.standin.openViews('U0REP2').length;
    await s.action('U0REP2', { action_id: ids.actions.followUpDone, value: String(f.id), block_id: `myday:followup:${f.id}` }, { view: { id: 'VHOME2', type: 'home', blocks: [] } });
    const told = await s.standin.waitFor(() => s.standin.openViews('U0REP2').length > modals && s.openView('U0REP2'));
    expect(told.view.title.text).toBe('Seaboard');
    expect(textOf(told.view.blocks)).toContain('cancelled');
    told.closed = true;
    await new Promise((r) => setTimeout(r, 200));
    expect(s.standin.dmsTo('U0REP2').slice(dms).filter((m) => (m.text ?? '').includes('cancelled'))).toEqual([]);
  });

  it('switches language with /crm lang', async () => {
    // The Home may also be drawn by a notice of an earlier test (the report's): wait for the words.
    await s.command('U0REP2', '/crm', 'lang zh');
    await homeSaying('U0REP2', '我的私海');
    await s.command('U0REP2', '/crm', 'lang en');
    await homeSaying('U0REP2', 'My pool');
  });
});
