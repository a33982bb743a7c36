import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { claimRowPrefix } from '../../../src/bot/views/claim-list.ts';
import { DAY_MS } from '../../../src/domain/clock.ts';
import { releaseStore } from '../../../src/domain/pools/pools.ts';
import { writeSettings } from '../../../src/domain/settings/settings.ts';
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

const REP1 = 'U0REP1'; // Li Lei, zh-CN, team 1, holds Sunny Cafe
const REP2 = 'U0REP2'; // Sam Carter, en, team 1, holds 外婆家（湖滨店）
const SUP1 = 'U0SUP1'; // Han Meimei, lead of team 1

const store = (name: string) => s.w.db.store.findFirstOrThrow({ where: { name } });
const rows = (blocks: Json[]) => blocks.filter((b) => String(b.block_id ?? '').startsWith(claimRowPrefix));
const rowOf = (blocks: Json[], storeId: number) => blocks.find((b) => b.block_id === `${claimRowPrefix}${storeId}`);
const settings = (v: Parameters<typeof writeSettings>[1]) => s.w.db.$transaction((tx) => writeSettings(tx, v));

/** /claim [text]: its list message. */
async function list(user: string, text = '') {
  const c = await h.command(user, '/claim', text);
  expect(c.reply.body).toBeNull(); // acked at once, empty
  const answer = await c.answer();
  return { blocks: answer.blocks as Json[], answer };
}

/** Clicks Claim on a row of a list the user was shown. */
const claimOn = (user: string, blocks: Json[], storeId: number, ts?: string) => h.click(user, h.pressed({ ...rowOf(blocks, storeId)!.accessory, block_id: `${claimRowPrefix}${storeId}` }), { blocks, ...(ts ? { ts } : {}) });

describe('/claim', () => {
  it('lists the claimable stores of my regions with my pool usage (en and zh)', async () => {
    const { blocks, answer } = await list(REP2);
    expect(answer.response_type).toBe('ephemeral');
    const text = h.text(blocks);
    expect(text).toContain('Claim stores');
    expect(text).toContain('Your pool: *1 / 100*');
    expect(rows(blocks).map((r) => r.text.text.split('\n')[0])).toEqual(expect.arrayContaining([expect.stringContaining('老王面馆'), expect.stringContaining('知味小笼')]));
    expect(text).not.toContain('钱塘茶馆'); // another area's region
    expect(text).not.toContain('Sunny Cafe'); // private
    const zh = await list(REP1);
    expect(h.text(zh.blocks)).toContain('我的私海：*1 / 100*');
    expect(rows(zh.blocks)[0]!.accessory.text.text).toBe('认领');
  });

  it('filters by text, and says when nothing matches', async () => {
    const { blocks } = await list(REP2, '知味');
    expect(rows(blocks)).toHaveLength(1);
    const none = await list(REP2, 'zzz');
    expect(h.text(none.blocks)).toContain('No claimable store matches “zzz”');
    const long = await s.command(REP2, '/claim', 'x'.repeat(101));
    expect((long.body as Json).text).toContain('at most 100 characters');
  });

  it('admins own no stores and are told so', async () => {
    const c = await h.command('U0ADM1', '/claim');
    expect((await c.answer()).text).toBe('Admins do not own stores.');
  });

  it('pages 10 at a time with next and previous, updating the message in place', async () => {
    for (let i = 0; i < 23; i++) {
      await createStore(s.w.deps, s.w.people.sup1, { name: `Pool ${String(i).padStart(2, '0')}`, phone: `1390000${String(i).padStart(4, '0')}`, lng: 120.12 + i * 0.0005, lat: 30.24, ownerId: null });
    }
    const { blocks } = await list(REP2);
    expect(rows(blocks)).toHaveLength(10);
    expect(h.text(blocks)).toContain('Stores 1–10 of 25');
    const next = await h.click(REP2, h.pressed(h.button(blocks, ids.actions.claimPage)));
    const page2 = await next.answer();
    expect(page2.replace_original).toBe(true);
    expect(h.text(page2.blocks)).toContain('Stores 11–20 of 25');
    expect(h.buttons(page2.blocks).filter((b) => b.action_id === ids.actions.claimPage).map((b) => b.text.text)).toEqual(['◀ Previous', 'Next ▶']);
    const first = new Set(rows(blocks).map((r) => r.block_id));
    expect(rows(page2.blocks).some((r) => first.has(r.block_id))).toBe(false);
  });
});

describe('Claim', () => {
  it('claims from the list and redraws it in place with the outcome and the new usage', async () => {
    const target = await store('Pool 00');
    const { blocks } = await list(REP2, 'Pool');
    const click = await claimOn(REP2, blocks, target.id);
    expect(click.reply.ms).toBeLessThan(3000);
    const after = await click.answer();
    expect(after.replace_original).toBe(true);
    const text = h.text(after.blocks);
    expect(text).toContain(`✅ *Pool 00* (${target.code}) is yours, protected until 2026-12-22. Your pool: 2 / 100.`);
    expect(text).toContain('Your pool: *2 / 100*');
    expect(rowOf(after.blocks, target.id)).toBeUndefined();
    expect((await store('Pool 00')).ownerId).toBe(s.w.people.rep2.id);
  });

  it('a double click claims once and answers once', async () => {
    const target = await store('Pool 01');
    const { blocks } = await list(REP2, 'Pool');
    const [a, b] = await Promise.all([claimOn(REP2, blocks, target.id, '1800000000.000001'), claimOn(REP2, blocks, target.id, '1800000000.000001')]);
    await s.standin.waitFor(() => h.responses(a.url).length + h.responses(b.url).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.responses(a.url).length + h.responses(b.url).length).toBe(1);
    expect(await s.w.db.claimHistory.count({ where: { storeId: target.id, action: 'claim' } })).toBe(1);
  });

  it('two reps at once: one wins, the other is told it is taken (without a name it may not see)', async () => {
    const target = await store('Pool 02');
    const l1 = await list(REP1, 'Pool');
    const l2 = await list(REP2, 'Pool');
    const [c1, c2] = await Promise.all([claimOn(REP1, l1.blocks, target.id), claimOn(REP2, l2.blocks, target.id)]);
    const [r1, r2] = await Promise.all([c1.answer(), c2.answer()]);
    expect(await s.w.db.claimHistory.count({ where: { storeId: target.id, action: 'claim' } })).toBe(1);
    const winner = (await store('Pool 02')).ownerId;
    const [loser, won] = winner === s.w.people.rep1.id ? [r2, r1] : [r1, r2];
    expect(h.text(won.blocks)).toContain('✅');
    const lost = h.text(loser.blocks);
    expect(lost).toMatch(/⚠️ \*Pool 02\*(: |：)/);
    expect(lost).toMatch(/Someone else already owns this store \(protected until 2026-12-22 10:00\)|该门店已被他人认领（保护期至 2026-12-22 10:00）/);
    expect(lost).not.toContain('Li Lei');
    expect(lost).not.toContain('Sam Carter');
  });

  it('a late click: a supervisor is told who has it, a rep only that someone has', async () => {
    const target = await store('Pool 00'); // Sam Carter's since the first claim
    s.standin.addUser({ id: SUP1, name: 'Han Meimei', locale: 'en-US' });
    const click = await h.click(SUP1, { action_id: ids.actions.claim, value: String(target.id), block_id: `store_card:${target.id}` });
    const answer = await click.answer();
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer.text).toBe('⚠️ Sam Carter already owns this store (protected until 2026-12-22 10:00).');
    // A rep may not see another rep's stores: it is told that someone has it, and until when.
    const rep = await h.click(REP1, { action_id: ids.actions.claim, value: String(target.id), block_id: `store_card:${target.id}` });
    expect((await rep.answer()).text).toBe('⚠️ 该门店已被他人认领（保护期至 2026-12-22 10:00）。');
  });

  it('from the store card: answers ephemerally, leaving the card', async () => {
    const target = await store('Pool 03');
    const card = await h.command(REP2, '/store', 'Pool 03');
    const blocks = (await card.answer()).blocks as Json[];
    const click = await h.click(REP2, h.pressed(h.button(blocks, ids.actions.claim)), { blocks });
    const answer = await click.answer();
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer.text).toContain('✅ *Pool 03*');
    expect((await store('Pool 03')).ownerId).toBe(s.w.people.rep2.id);
    expect(target.ownerId).toBeNull();
  });

  it('the cap says so and when the next store leaves the pool', async () => {
    await settings({ poolCap: 4 }); // Sam holds 外婆家, Pool 00, Pool 03 and maybe Pool 02
    const held = await s.w.db.store.count({ where: { ownerId: s.w.people.rep2.id } });
    await settings({ poolCap: held });
    const target = await store('Pool 04');
    const { blocks } = await list(REP2, 'Pool');
    expect(h.text(blocks)).toContain('Your pool is full');
    const answer = await (await claimOn(REP2, blocks, target.id)).answer();
    expect(h.text(answer.blocks)).toContain(`Your pool is full (${held} / ${held}). Release a store before you claim another. The protection of your next store ends on 2026-12-22.`);
    expect((await store('Pool 04')).ownerId).toBeNull();
    await settings({ poolCap: 100 });
  });

  it('the cool-down says until when, in the list and on Claim', async () => {
    const sunny = await store('Sunny Cafe');
    await releaseStore(s.w.deps, s.w.people.rep1, sunny.id, '不感兴趣');
    s.w.clock.advance(2 * DAY_MS);
    try {
      const { blocks } = await list(REP1, 'Sunny');
      expect(rowOf(blocks, sunny.id)!.text.text).toContain('2026-11-29 10:00 起可再次认领');
      const answer = await (await claimOn(REP1, blocks, sunny.id)).answer();
      expect(h.text(answer.blocks)).toContain('2026-11-29 10:00');
      expect(h.text(answer.blocks)).toContain('您最近释放过该门店');
      expect((await store('Sunny Cafe')).ownerId).toBeNull();
      // Others may claim it meanwhile.
      const other = await list(REP2, 'Sunny');
      expect(rowOf(other.blocks, sunny.id)!.text.text).not.toContain('⏳');
    } finally {
      s.w.clock.advance(-2 * DAY_MS);
    }
  });

  it('App Home’s Claim stores sends the list as a DM', async () => {
    const before = s.standin.dmsTo(REP2).length;
    const r = await s.action(REP2, { action_id: ids.actions.homeClaim }, { view: { id: 'VHOME', type: 'home' } });
    expect(r.status).toBe(200);
    const dm = await s.standin.waitFor(() => s.standin.dmsTo(REP2)[before]);
    expect(dm.text).toContain('Claimable stores — your pool:');
    expect(h.text(dm.blocks)).toContain('Claim stores');
    expect(rows(dm.blocks as Json[]).length).toBeGreaterThan(0);
  });
});
