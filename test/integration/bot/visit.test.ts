import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { visitIds } from '../../../src/bot/views/visit-modal.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';

// Logging a visit from Slack, end to end: signed real-format requests to the real server, and what
// the stand-in Slack received. The world's clock is Sunday 2026-11-22 10:00 in Shanghai.

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

const a = visitIds.actions;

/** A submission's state.values as Slack sends them. */
function values(o: { store?: number | null; at?: string; method?: string; summary?: string; outcome?: string; stage?: string; next?: string; nextDate?: string; nextTime?: string }): Json {
  const text = (v: string | undefined) => ({ type: 'plain_text_input', value: v ?? null });
  const opt = (v: string | undefined | null) => (v ? { text: { type: 'plain_text', text: v, emoji: true }, value: v } : null);
  return {
    storeId: { [a.store]: { type: 'external_select', selected_option: opt(o.store ? String(o.store) : null) } },
    at: { [a.atText]: text(o.at) },
    at_pick: { [a.atDate]: { type: 'datepicker', selected_date: null }, [a.atTime]: { type: 'timepicker', selected_time: null } },
    method: { [a.method]: { type: 'radio_buttons', selected_option: opt(o.method ?? 'in_person') } },
    summary: { [a.summary]: text(o.summary ?? 'Met the owner, tasted the new menu') },
    outcome: { [a.outcome]: text(o.outcome) },
    stage: { [a.stage]: { type: 'static_select', selected_option: opt(o.stage) } },
    nextFollowUpAt: { [a.nextText]: text(o.next) },
    nextFollowUpAt_pick: { [a.nextDate]: { type: 'datepicker', selected_date: o.nextDate ?? null }, [a.nextTime]: { type: 'timepicker', selected_time: o.nextTime ?? null } },
  };
}

/** The modal opened for `user` after `before` views.open calls. */
async function opened(user: string, before: number): Promise<Json> {
  await s.standin.waitFor(() => s.standin.callsOf('views.open').slice(before).find((c) => String(c.args.trigger_id).split('.')[1] === user));
  return s.openView(user)!.view;
}
const opens = () => s.standin.callsOf('views.open').length;
const blockOf = (view: Json, id: string): Json => (view.blocks as Json[]).find((b) => b.block_id === id)!;
const visitsOf = async (storeName: string) => s.w.db.visit.count({ where: { store: { name: storeName } } });
const dms = (user: string) => s.standin.dmsTo(user);
async function newDm(user: string, before: number) {
  return s.standin.waitFor(() => dms(user).slice(before)[0]);
}

describe('/visit', () => {
  it('acks at once and opens the modal with the one store the text names (en), then logs the visit and DMs the card', async () => {
    const store = await s.w.store('外婆家（湖滨店）'); // Sam Carter's own store
    const before = opens();
    const r = await s.command('U0REP2', '/visit', '外婆家');
    expect(r.status).toBe(200);
    expect(r.body === null || r.body === '').toBe(true);
    expect(r.ms).toBeLessThan(3000);
    const view = await opened('U0REP2', before);
    expect(view.callback_id).toBe(ids.views.logVisit);
    expect(view.title.text).toBe('Log a visit');
    expect(blockOf(view, 'storeId').element).toMatchObject({ type: 'external_select', action_id: ids.actions.storeSelect, min_query_length: 1, initial_option: { value: String(store.id) } });

    const dmBefore = dms('U0REP2').length;
    const homesBefore = s.standin.callsOf('views.publish').length;
    const reply = await s.submit('U0REP2', view, values({ store: store.id, method: 'phone', outcome: 'Wants a tasting', stage: 'interested', next: 'tomorrow 10am' }));
    expect(reply.status).toBe(200);
    expect(reply.body === null || reply.body === '').toBe(true); // closes the modal
    expect(s.standin.views.get(view.id)!.closed).toBe(true);

    const visit = await s.w.db.visit.findFirstOrThrow({ where: { storeId: store.id }, orderBy: { id: 'desc' } });
    expect(visit).toMatchObject({ method: 'phone', outcome: 'Wants a tasting', stage: 'interested', summary: 'Met the owner, tasted the new menu', cold: false });
    expect(visit.at.toISOString()).toBe('2026-11-22T02:00:00.000Z'); // "when" left empty: now
    expect(visit.nextFollowUpAt?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    expect((await s.w.db.store.findUniqueOrThrow({ where: { id: store.id } })).stage).toBe('interested');

    const dm = await newDm('U0REP2', dmBefore);
    const text = textOf(dm.blocks);
    expect(dm.text).toContain('外婆家（湖滨店）');
    expect(text).toContain('*Visit logged:* 外婆家（湖滨店）');
    expect(text).toContain('Phone call · 2026-11-22 10:00');
    expect(text).toContain('*Next follow-up:* 2026-11-23 10:00');
    const buttons = (dm.blocks as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: Json) => e.action_id));
    expect(buttons).toContain(ids.actions.logVisit);
    expect(buttons).not.toContain(ids.actions.claim);
    // App Home is refreshed after the change (context.homeStale).
    await s.standin.waitFor(() => s.standin.callsOf('views.publish').slice(homesBefore).find((c) => c.args.user_id === 'U0REP2'));
  });

  it('in Chinese: “昨天下午3点” and “下周二” are read in Shanghai time; on Sunday 下周二 is the 24th at 09:00', async () => {
    const store = await s.w.store('Sunny Cafe'); // Li Lei's store
    const before = opens();
    await s.command('U0REP1', '/visit', 'sunny');
    const view = await opened('U0REP1', before);
    expect(view.title.text).toBe('记录拜访');
    expect(blockOf(view, 'storeId').element.initial_option.value).toBe(String(store.id));
    const dmBefore = dms('U0REP1').length;
    const reply = await s.submit('U0REP1', view, values({ store: store.id, at: '昨天下午3点', summary: '和老板聊了新品', next: '下周二' }));
    expect(reply.body === null || reply.body === '').toBe(true);
    const visit = await s.w.db.visit.findFirstOrThrow({ where: { storeId: store.id }, orderBy: { id: 'desc' } });
    expect(visit.at.toISOString()).toBe('2026-11-21T07:00:00.000Z');
    expect(visit.nextFollowUpAt?.toISOString()).toBe('2026-11-24T01:00:00.000Z');
    const followUp = await s.w.db.followUp.findFirstOrThrow({ where: { visitId: visit.id } });
    expect(followUp.dueAt.toISOString()).toBe('2026-11-24T01:00:00.000Z');
    const dm = await newDm('U0REP1', dmBefore);
    expect(textOf(dm.blocks)).toContain('*拜访已记录：* Sunny Cafe');
    expect(textOf(dm.blocks)).toContain('*下次跟进：* 2026-11-24 09:00');
  });

  it('opens without a store, and says so, when the text names none or several; admins are told at once', async () => {
    const before = opens();
    await s.command('U0REP2', '/visit', 'no such place');
    const view = await opened('U0REP2', before);
    expect(blockOf(view, 'storeId').element.initial_option).toBeUndefined();
    expect(textOf(view.blocks)).toContain('No store you can see matches “no such place”');
    const admin = await s.command('U0ADM1', '/visit', '');
    expect(admin.body).toMatchObject({ response_type: 'ephemeral', text: 'Admins do not log visits.' });
    expect(opens()).toBe(before + 1);
  });
});

describe('the modal’s checks', () => {
  async function openFor(user: string): Promise<Json> {
    const before = opens();
    await s.command(user, '/visit', '');
    return opened(user, before);
  }

  it('a date it cannot read comes back inline on its field, and nothing is written', async () => {
    const store = await s.w.store('外婆家（湖滨店）');
    const view = await openFor('U0REP2');
    const count = await visitsOf('外婆家（湖滨店）');
    const reply = await s.submit('U0REP2', view, values({ store: store.id, at: 'the other day', next: 'someday maybe' }));
    expect(reply.body).toMatchObject({ response_action: 'errors' });
    const errors = (reply.body as Json).errors;
    expect(Object.keys(errors).sort()).toEqual(['at', 'nextFollowUpAt']);
    expect(errors.nextFollowUpAt).toContain('I couldn’t read “someday maybe”');
    expect(errors.at).toContain('“the other day”');
    expect(await visitsOf('外婆家（湖滨店）')).toBe(count);
    expect(s.standin.views.get(view.id)!.closed).toBe(false);

    // The date picker is the other way to say when; its changes are only acknowledged.
    const picked = await s.action('U0REP2', { type: 'datepicker', action_id: a.nextDate, block_id: 'nextFollowUpAt_pick', selected_date: '2026-11-30' }, { view });
    expect(picked.status).toBe(200);
    const ok = await s.submit('U0REP2', view, values({ store: store.id, nextDate: '2026-11-30' }));
    expect(ok.body === null || ok.body === '').toBe(true);
    const visit = await s.w.db.visit.findFirstOrThrow({ where: { storeId: store.id }, orderBy: { id: 'desc' } });
    expect(visit.nextFollowUpAt?.toISOString()).toBe('2026-11-30T01:00:00.000Z');
  });

  it('a follow-up in the past, or a visit in the future, is an inline error', async () => {
    const store = await s.w.store('Sunny Cafe');
    const view = await openFor('U0REP1');
    const count = await visitsOf('Sunny Cafe');
    const past = await s.submit('U0REP1', view, values({ store: store.id, next: '昨天' }));
    expect(past.body).toMatchObject({ response_action: 'errors', errors: { nextFollowUpAt: expect.stringContaining('已经过去了') } });
    expect((past.body as Json).errors.nextFollowUpAt).toContain('2026-11-21 09:00');
    const earlier = await s.submit('U0REP1', view, values({ store: store.id, next: '2小时前' }));
    expect(earlier.body).toMatchObject({ response_action: 'errors', errors: { nextFollowUpAt: expect.any(String) } });
    const future = await s.submit('U0REP1', view, values({ store: store.id, at: '明天' }));
    expect(future.body).toMatchObject({ response_action: 'errors', errors: { at: '拜访时间不能晚于现在。' } });
    expect(await visitsOf('Sunny Cafe')).toBe(count);
  });

  it('a store the rep may not see is refused on the store field', async () => {
    const hidden = await s.w.store('River Side Grill'); // another area's rep
    const view = await openFor('U0REP2');
    const reply = await s.submit('U0REP2', view, values({ store: hidden.id }));
    expect(reply.body).toMatchObject({ response_action: 'errors', errors: { storeId: 'Store not found, or not one you can see.' } });
    expect(await visitsOf('River Side Grill')).toBe(0);
  });

  it('a blank summary is refused under the summary', async () => {
    const store = await s.w.store('外婆家（湖滨店）');
    const view = await openFor('U0REP2');
    const reply = await s.submit('U0REP2', view, values({ store: store.id, summary: '   ' }));
    expect(reply.body).toMatchObject({ response_action: 'errors', errors: { summary: expect.any(String) } });
  });

  it('the same submission delivered twice (a double click, a retry) logs one visit and sends one DM', async () => {
    const store = await s.w.store('外婆家（湖滨店）');
    const view = await openFor('U0REP2');
    const count = await visitsOf('外婆家（湖滨店）');
    const dmBefore = dms('U0REP2').length;
    const v = values({ store: store.id, summary: 'Double click test' });
    const replies = await Promise.all([s.submit('U0REP2', view, v), s.submit('U0REP2', view, v)]);
    const retry = await s.submit('U0REP2', view, v, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    for (const r of [...replies, retry]) expect(r.status).toBe(200);
    expect(await visitsOf('外婆家（湖滨店）')).toBe(count + 1);
    await newDm('U0REP2', dmBefore);
    await new Promise((r) => setTimeout(r, 200));
    expect(dms('U0REP2').slice(dmBefore).filter((m) => String(m.text).includes('外婆家'))).toHaveLength(1);
  });
});

describe('other ways in', () => {
  it('“Log as visit” on a message: the modal with the message as the summary, cut to the input’s length', async () => {
    const before = opens();
    const message = `Visited <@U0REP1|li> at <https://maps.example/1|the shop> & agreed on a trial. ${'more '.repeat(600)}`;
    const r = await s.messageShortcut('U0REP2', ids.shortcuts.logAsVisit, { text: message });
    expect(r.status).toBe(200);
    const view = await opened('U0REP2', before);
    const summary = blockOf(view, 'summary').element;
    expect(summary.initial_value.startsWith('Visited @li at the shop & agreed on a trial.')).toBe(true);
    expect(Array.from(summary.initial_value as string)).toHaveLength(2000);
    expect(summary.initial_value.endsWith('…')).toBe(true);
    expect(blockOf(view, 'storeId').element.initial_option).toBeUndefined();

    const store = await s.w.store('外婆家（湖滨店）');
    const reply = await s.submit('U0REP2', view, values({ store: store.id, summary: summary.initial_value }));
    expect(reply.body === null || reply.body === '').toBe(true);
    const visit = await s.w.db.visit.findFirstOrThrow({ where: { storeId: store.id }, orderBy: { id: 'desc' } });
    expect(visit.summary.startsWith('Visited @li')).toBe(true);
  });

  it('the card’s “Log visit” preselects its store; on a public store the DM offers Claim', async () => {
    const store = await s.w.store('老王面馆'); // public pool, Sam's team may claim it
    const before = opens();
    const r = await s.action('U0REP2', { action_id: ids.actions.logVisit, value: String(store.id), block_id: `store_card:${store.id}`, text: { type: 'plain_text', text: 'Log visit' } });
    expect(r.status).toBe(200);
    const view = await opened('U0REP2', before);
    expect(blockOf(view, 'storeId').element.initial_option).toMatchObject({ value: String(store.id), text: { text: `老王面馆 · ${store.code}` } });

    const dmBefore = dms('U0REP2').length;
    await s.submit('U0REP2', view, values({ store: store.id, summary: 'Cold call at lunch' }));
    const visit = await s.w.db.visit.findFirstOrThrow({ where: { storeId: store.id }, orderBy: { id: 'desc' } });
    expect(visit.cold).toBe(true);
    const dm = await newDm('U0REP2', dmBefore);
    const claim = (dm.blocks as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements).find((e: Json) => e.action_id === ids.actions.claim);
    expect(claim).toMatchObject({ value: String(store.id) });
    expect(textOf(dm.blocks)).toContain('This store is in the public pool.');
  });

  it('App Home’s “Log visit” opens an empty modal; a card of a store out of sight preselects nothing', async () => {
    let before = opens();
    await s.action('U0REP2', { action_id: ids.actions.homeLogVisit, text: { type: 'plain_text', text: 'Log visit' } });
    let view = await opened('U0REP2', before);
    expect(blockOf(view, 'storeId').element.initial_option).toBeUndefined();

    const hidden = await s.w.store('River Side Grill');
    before = opens();
    await s.action('U0REP2', { action_id: ids.actions.logVisit, value: String(hidden.id) });
    view = await opened('U0REP2', before);
    expect(blockOf(view, 'storeId').element.initial_option).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('River Side Grill');
  });
});
