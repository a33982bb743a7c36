import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { createStore } from '../../../src/domain/stores/stores.ts';
import { slackWorld, type Json, type SlackWorld } from '../../support/slack.ts';
import { helpers } from './store-helpers.ts';

let s: SlackWorld;
let h: ReturnType<typeof helpers>;
beforeAll(async () => {
  s = await slackWorld();
  h = helpers(s);
});
afterAll(async () => s.close());

const REP1 = 'U0REP1'; // Li Lei, zh-CN, team 1, owns Sunny Cafe
const REP2 = 'U0REP2'; // Sam Carter, en, team 1, owns 外婆家（湖滨店）
const SUP1 = 'U0SUP1'; // Han Meimei, lead of team 1

const store = (name: string) => s.w.db.store.findFirstOrThrow({ where: { name } });

/** /store that shows one card; returns the card's blocks and its response_url. */
async function card(user: string, text: string) {
  const c = await h.command(user, '/store', text);
  const answer = await c.answer();
  return { blocks: answer.blocks as Json[], url: c.url, answer };
}

describe('/store', () => {
  it('answers at once, with usage when there is no text, in the person’s language', async () => {
    const en = await s.command(REP2, '/store', '');
    expect(en.body).toMatchObject({ response_type: 'ephemeral' });
    expect((en.body as Json).text).toContain('Usage: `/store <name, code or phone>`');
    const zh = await s.command(REP1, '/store', '   ');
    expect((zh.body as Json).text).toContain('用法');
    const long = await s.command(REP2, '/store', 'x'.repeat(101));
    expect((long.body as Json).text).toContain('at most 100 characters');
  });

  it('one match shows the card with its facts and the owner’s buttons (zh)', async () => {
    const c = await h.command(REP1, '/store', 'Sunny');
    expect(c.reply.body).toBeNull(); // acked empty at once; the card follows
    expect(c.reply.ms).toBeLessThan(3000);
    const answer = await c.answer();
    expect(answer.response_type).toBe('ephemeral');
    const text = h.text(answer.blocks);
    const sunny = await store('Sunny Cafe');
    expect(text).toContain('Sunny Cafe');
    expect(text).toContain(sunny.code);
    expect(text).toContain('*负责人*\nLi Lei');
    expect(text).toContain('剩余 30 天（至 2026-12-22）');
    const actionsIds = h.buttons(answer.blocks).map((b) => b.action_id);
    expect(actionsIds).toEqual([ids.actions.logVisit, ids.actions.newOpportunity, ids.actions.addContact, ids.actions.release, ids.actions.history, ids.actions.openRequestTransfer, ids.actions.openRequestExtend]);
    expect(h.buttons(answer.blocks).map((b) => b.text.text)).toEqual(['记录拜访', '新建商机', '添加联系人', '释放', '历史', '申请转移', '申请延期']);
  });

  it('shows supervisors Transfer, Extend and Set status; finds by exact code (en)', async () => {
    const sunny = await store('Sunny Cafe');
    s.standin.addUser({ id: SUP1, name: 'Han Meimei', locale: 'en-US' });
    const { blocks } = await card(SUP1, sunny.code.toLowerCase());
    const actionIds = h.buttons(blocks).map((b) => b.action_id);
    expect(actionIds).toEqual(expect.arrayContaining([ids.actions.transfer, ids.actions.extend, ids.actions.setStatus, ids.actions.history]));
    expect(actionIds).not.toContain(ids.actions.release); // not the owner
    const rep = await card(REP2, '外婆家');
    expect(h.buttons(rep.blocks).map((b) => b.action_id)).not.toContain(ids.actions.transfer);
  });

  it('a rep does not see another rep’s private store, by name or by code', async () => {
    const sunny = await store('Sunny Cafe');
    for (const text of ['Sunny Cafe', sunny.code, '13800000002']) {
      const { answer } = await card(REP2, text);
      expect(answer.text).toBe(`No store you can see matches “${text}”.`);
      expect(h.text(answer.blocks)).not.toContain('Li Lei');
    }
    // And a forged Open on its id says "not found".
    const open = await h.click(REP2, { action_id: ids.actions.openStore, value: String(sunny.id) });
    expect((await open.answer()).text).toBe('Store not found, or not one you can see.');
  });

  it('several matches: a short list; Open replaces it with the card', async () => {
    for (const name of ['Noodle House', 'Noodle Bar', 'Noodle King']) {
      const r = await createStore(s.w.deps, s.w.people.sup1, { name, lng: 120.12, lat: 30.24, ownerId: null });
      expect('created' in r).toBe(true);
    }
    const { answer } = await card(REP2, 'noodle');
    expect(answer.text).toBe('Stores matching “noodle”');
    const opens = h.buttons(answer.blocks).filter((b) => b.action_id === ids.actions.openStore);
    expect(opens).toHaveLength(3);
    const open = await h.click(REP2, h.pressed(opens[0]!));
    const shown = await open.answer();
    expect(shown.replace_original).toBe(true);
    expect(h.text(shown.blocks)).toMatch(/Noodle (Bar|King|House)/);
    // A public store of my region: the card offers Claim.
    expect(h.buttons(shown.blocks).map((b) => b.action_id)).toContain(ids.actions.claim);
  });
});

describe('the card’s forms', () => {
  it('release opens at once, needs a reason, takes effect once and redraws the card', async () => {
    const sunny = await store('Sunny Cafe');
    const { blocks } = await card(REP1, 'Sunny Cafe');
    const calls = s.standin.calls.length;
    const click = await h.click(REP1, h.pressed(h.button(blocks, ids.actions.release)));
    expect(click.reply.ms).toBeLessThan(3000);
    const v = await h.modal(REP1, ids.views.release);
    const opened = s.standin.calls.slice(calls).map((c) => c.method).filter((m) => m.startsWith('views.'));
    expect(opened.slice(0, 2)).toEqual(['views.open', 'views.update']); // the trigger id first, the form after
    expect(h.text(v.view.blocks)).toContain('Sunny Cafe');
    expect(v.view.title.text).toBe('释放门店');

    const blank = await s.submit(REP1, v.view, { reason: { reason: h.plain('   ') } });
    expect(blank.body).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
    expect((await store('Sunny Cafe')).ownerId).toBe(s.w.people.rep1.id);

    // Slack delivers the same submission twice: one release.
    const values = { reason: { reason: h.plain('店铺已关闭') } };
    const [a, b] = await Promise.all([s.submit(REP1, v.view, values), s.submit(REP1, v.view, values)]);
    expect([a.body, b.body]).toEqual([null, null]);
    expect((await store('Sunny Cafe')).ownerId).toBeNull();
    expect(await s.w.db.claimHistory.count({ where: { storeId: sunny.id, action: 'release' } })).toBe(1);
    const redrawn = await s.standin.waitFor(() => h.responses(click.url).find((r) => r.replace_original === true));
    expect(h.text(redrawn.blocks)).toContain('已将 *Sunny Cafe* 释放回公海');
    expect(h.text(redrawn.blocks)).toContain('*负责人*\n公海');
  });

  it('release by someone who is not the owner says why in the modal', async () => {
    const { blocks } = await card(REP2, '外婆家');
    // Li Lei forges a click on Sam's card.
    const release = h.button(blocks, ids.actions.release);
    await h.click(REP1, h.pressed(release));
    const v = await s.standin.waitFor(() => {
      const x = s.openView(REP1);
      return x && x.view.callback_id === 'store_message' ? x : null;
    });
    expect(h.text(v.view.blocks)).toContain('找不到该门店，或您无权查看。');
  });

  it('transfer lists the lead’s team and refuses someone outside it', async () => {
    const bakery = await store('外婆家（湖滨店）'); // Sam Carter's
    const { blocks } = await card(SUP1, '外婆家');
    await h.click(SUP1, h.pressed(h.button(blocks, ids.actions.transfer)));
    const v = await h.modal(SUP1, ids.views.transfer);
    const select = (v.view.blocks as Json[]).find((b) => b.block_id === 'toPersonId')!.element;
    expect(select.options.map((o: Json) => o.text.text)).toEqual(['Han Meimei', 'Li Lei']); // the owner left out
    const outsider = s.w.people.rep3; // 刘洋, team 2
    const refused = await s.submit(SUP1, v.view, { toPersonId: { toPersonId: h.choice(String(outsider.id), '刘洋') }, reason: { reason: h.plain('rebalance') } });
    expect(refused.body).toMatchObject({ response_action: 'errors', errors: { toPersonId: '刘洋 is not in your team.' } });
    expect((await store('外婆家（湖滨店）')).ownerId).toBe(s.w.people.rep2.id);
    const ok = await s.submit(SUP1, v.view, { toPersonId: { toPersonId: h.choice(String(s.w.people.rep1.id), 'Li Lei') }, reason: { reason: h.plain('rebalance') } });
    expect(ok.body).toBeNull();
    expect((await store('外婆家（湖滨店）')).ownerId).toBe(s.w.people.rep1.id);
    expect(await s.w.db.claimHistory.count({ where: { storeId: bakery.id, action: 'transfer' } })).toBe(1);
  });

  it('a rep cannot open Transfer (forged click): the modal says so', async () => {
    const { blocks } = await card(SUP1, '外婆家');
    await h.click(REP2, h.pressed(h.button(blocks, ids.actions.transfer)));
    const v = await s.standin.waitFor(() => {
      const x = s.openView(REP2);
      return x && x.view.title.text === 'Transfer store' && x.view.callback_id === 'store_message' ? x : null;
    });
    expect(h.text(v.view.blocks)).toContain('Only a supervisor, manager or admin can do this.');
  });

  it('extend: days must be a number; then protection grows by them', async () => {
    const s1 = await store('外婆家（湖滨店）');
    const before = s1.protectedUntil!;
    const { blocks } = await card(SUP1, '外婆家');
    await h.click(SUP1, h.pressed(h.button(blocks, ids.actions.extend)));
    const v = await h.modal(SUP1, ids.views.extend);
    const bad = await s.submit(SUP1, v.view, { days: { days: { type: 'number_input', value: 'ten' } }, reason: { reason: h.plain('big order coming') } });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { days: 'must be a number' } });
    const zero = await s.submit(SUP1, v.view, { days: { days: { type: 'number_input', value: '0' } }, reason: { reason: h.plain('big order coming') } });
    expect(zero.body).toMatchObject({ response_action: 'errors', errors: { days: 'must be at least 1' } });
    const ok = await s.submit(SUP1, v.view, { days: { days: { type: 'number_input', value: '10' } }, reason: { reason: h.plain('big order coming') } });
    expect(ok.body).toBeNull();
    expect((await store('外婆家（湖滨店）')).protectedUntil!.getTime() - before.getTime()).toBe(10 * 86_400_000);
  });

  it('set status with a reason, by a supervisor', async () => {
    const { blocks } = await card(SUP1, '知味小笼');
    await h.click(SUP1, h.pressed(h.button(blocks, ids.actions.setStatus)));
    const v = await h.modal(SUP1, ids.views.setStatus);
    const ok = await s.submit(SUP1, v.view, { status: { status: h.choice('disabled') }, reason: { reason: h.plain('moved away') } });
    expect(ok.body).toBeNull();
    expect((await store('知味小笼')).status).toBe('disabled');
    await s.w.db.store.updateMany({ where: { name: '知味小笼' }, data: { status: 'active' } });
  });

  it('add contact: inline errors under the field, then one primary contact', async () => {
    const { blocks } = await card(REP2, '老王面馆');
    await h.click(REP2, h.pressed(h.button(blocks, ids.actions.addContact)));
    const v = await h.modal(REP2, ids.views.addContact);
    // A public store: anyone may see it, but only a lead or its owner may change it.
    const refused = await s.submit(REP2, v.view, { name: { name: h.plain('Wang') }, title: { title: h.plain(null) }, phone: { phone: h.plain(null) }, email: { email: h.plain(null) }, isPrimary: { isPrimary: { type: 'checkboxes', selected_options: [] } } });
    expect(refused.body).toMatchObject({ response_action: 'errors', errors: { name: 'You cannot change this store.' } });

    const own = await card(REP1, '外婆家'); // transferred to Li Lei above
    const addClick = await h.click(REP1, h.pressed(h.button(own.blocks, ids.actions.addContact)));
    const mine = await h.modal(REP1, ids.views.addContact);
    const bad = await s.submit(REP1, mine.view, { name: { name: h.plain('王老板') }, email: { email: h.plain('not-an-email') }, phone: { phone: h.plain('12') } });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { email: expect.any(String), phone: expect.any(String) } });
    const ok = await s.submit(REP1, mine.view, { name: { name: h.plain('王老板') }, email: { email: h.plain('wang@example.com') }, isPrimary: { isPrimary: { type: 'checkboxes', selected_options: [{ value: 'yes' }] } } });
    expect(ok.body).toBeNull();
    const contacts = await s.w.db.contact.findMany({ where: { store: { name: '外婆家（湖滨店）' } } });
    expect(contacts.map((c) => [c.name, c.isPrimary])).toEqual([['王老板', true]]);
    const redrawn = await s.standin.waitFor(() => h.responses(addClick.url).find((r) => r.replace_original === true));
    expect(h.text(redrawn.blocks)).toContain('*主要联系人*：王老板');

    // From a card inside another message (the visit confirmation, a DM): that message stays; the card comes beside it.
    const dm = await h.click(REP1, h.pressed(h.button(own.blocks, ids.actions.addContact)), { blocks: own.blocks, ephemeral: false });
    const second = await h.modal(REP1, ids.views.addContact);
    expect((await s.submit(REP1, second.view, { name: { name: h.plain('李会计') }, title: { title: h.plain('会计') } })).body).toBeNull();
    const beside = await dm.answer();
    expect(beside).toMatchObject({ replace_original: false, response_type: 'ephemeral' });
    expect(h.text(beside.blocks)).toContain('已添加联系人 *李会计*');
  });

  it('history shows the pool history the person may see', async () => {
    const { blocks } = await card(SUP1, '外婆家');
    await h.click(SUP1, h.pressed(h.button(blocks, ids.actions.history)));
    const v = await h.modal(SUP1, ids.views.history);
    const text = h.text(v.view.blocks);
    expect(text).toContain('*transferred*');
    expect(text).toContain('from Sam Carter');
    expect(text).toContain('“rebalance”');
    expect(text).toContain('protection extended');
  });
});

describe('creating a store', () => {
  it('none found offers Create; the duplicate check shows candidates and creates nothing until confirmed', async () => {
    const count = await s.w.db.store.count();
    const none = await card(REP2, 'Lao Wang Noodles');
    expect(none.answer.text).toBe('No store you can see matches “Lao Wang Noodles”.');
    await h.click(REP2, h.pressed(h.button(none.blocks, ids.actions.createStore)));
    const form = await h.modal(REP2, ids.views.createStore);
    expect((form.view.blocks as Json[]).find((b) => b.block_id === 'name')!.element.initial_value).toBe('Lao Wang Noodles');

    // Same phone as 老王面馆: candidates, nothing created.
    const first = await s.submit(REP2, form.view, { name: { name: h.plain('Lao Wang Noodles') }, phone: { phone: h.plain('138 0000 0001') }, address: { address: h.plain(null) } });
    expect(first.body).toMatchObject({ response_action: 'update' });
    expect(await s.w.db.store.count()).toBe(count);
    const dupes = s.openView(REP2)!;
    expect(h.text(dupes.view.blocks)).toContain('老王面馆');
    expect(h.text(dupes.view.blocks)).toContain('same phone');
    expect(dupes.view.submit.text).toBe('Create anyway');

    // "Use this one": the modal shows that store; still nothing created.
    const use = h.button(dupes.view.blocks, ids.actions.useDuplicate);
    await s.action(REP2, h.pressed(use), { view: { ...dupes.view, type: 'modal', hash: dupes.hash } });
    const shown = await s.standin.waitFor(() => {
      const x = s.openView(REP2);
      return x && x.view.callback_id === 'store_card_view' ? x : null;
    });
    expect(h.text(shown.view.blocks)).toContain('Using this store: nothing new was created.');
    expect(h.text(shown.view.blocks)).toContain('老王面馆');
    expect(await s.w.db.store.count()).toBe(count);
  });

  it('"Create anyway" creates the store once, with what was typed; a bad name is an inline error', async () => {
    const count = await s.w.db.store.count();
    await h.click(REP2, { action_id: ids.actions.createStore, value: '' });
    const form = await h.modal(REP2, ids.views.createStore);
    const bad = await s.submit(REP2, form.view, { name: { name: h.plain('   ') }, phone: { phone: h.plain('x1') } });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { name: 'is required', phone: 'is not valid' } });
    const first = await s.submit(REP2, form.view, { name: { name: h.plain('老王面馆 有限公司') }, phone: { phone: h.plain(null) }, address: { address: h.plain('文三路 2 号') } });
    expect(first.body).toMatchObject({ response_action: 'update' });
    const dupes = s.openView(REP2)!;
    expect(h.text(dupes.view.blocks)).toContain('same name');
    expect(await s.w.db.store.count()).toBe(count);
    // Slack delivers "Create anyway" twice: one store; the first delivery's answer shows its card.
    const [a, b] = await Promise.all([s.submit(REP2, dupes.view, {}), s.submit(REP2, dupes.view, {})]);
    const updates = [a.body, b.body].filter((x) => (x as Json | null)?.response_action === 'update') as Json[];
    expect(updates).toHaveLength(1);
    expect(await s.w.db.store.count()).toBe(count + 1);
    const created = await s.w.db.store.findFirstOrThrow({ where: { name: '老王面馆 有限公司' } });
    expect(created).toMatchObject({ ownerId: s.w.people.rep2.id, address: '文三路 2 号' });
    expect(h.text(updates[0]!.view.blocks)).toContain(`Created *老王面馆 有限公司* (${created.code}).`);
  });

  it('a candidate owned by another rep is listed without its details or "Use this one"', async () => {
    await h.click(REP2, { action_id: ids.actions.createStore, value: 'Green Leaf Bakery' });
    const form = await h.modal(REP2, ids.views.createStore);
    await s.submit(REP2, form.view, { name: { name: h.plain('Green Leaf Bakery') } });
    const dupes = s.openView(REP2)!;
    expect(h.text(dupes.view.blocks)).toContain('owned by someone else: ask your supervisor');
    expect(h.text(dupes.view.blocks)).not.toContain('刘洋');
    expect(h.buttons(dupes.view.blocks).filter((b) => b.action_id === ids.actions.useDuplicate)).toHaveLength(0);
  });
});
