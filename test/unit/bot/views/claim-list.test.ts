import { describe, expect, it } from 'vitest';
import type { ClaimablePage, ClaimableStore } from '../../../../src/domain/pools/claimable.ts';
import { ids } from '../../../../src/bot/ids.ts';
import {
  claimListBlocks,
  claimListText,
  claimNavBlock,
  claimRowPrefix,
  encodeClaimRef,
  encodeListState,
  parseClaimRef,
  parseListState,
} from '../../../../src/bot/views/claim-list.ts';
import { checkBlocks } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };

const store = (i: number, over: Partial<ClaimableStore> = {}): ClaimableStore => ({
  id: i,
  code: `CRM20261122${String(i).padStart(4, '0')}`,
  name: `Store ${i}`,
  address: `Road ${i}`,
  grade: 'C',
  lastVisitAt: null,
  cooldownUntil: null,
  ...over,
});

const page = (over: Partial<ClaimablePage> = {}): ClaimablePage => ({
  text: '',
  page: 0,
  pageSize: 10,
  stores: Array.from({ length: 10 }, (_, i) => store(i + 1)),
  more: true,
  total: 37,
  usage: { held: 37, cap: 100, customers: 2 },
  ...over,
});

const rows = (blocks: Json[]) => blocks.filter((b) => String(b.block_id ?? '').startsWith(claimRowPrefix));
const nav = (blocks: Json[]) => blocks.find((b) => b.block_id === claimNavBlock);
const allText = (blocks: Json[]) => JSON.stringify(blocks);

describe('the claim list', () => {
  it('shows usage, 10 rows with a Claim button each, and the range', () => {
    const blocks = claimListBlocks(en, page()) as Json[];
    checkBlocks(blocks, 50);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Claim stores' } });
    expect(allText(blocks)).toContain('Your pool: *37 / 100*');
    expect(rows(blocks)).toHaveLength(10);
    const btn = rows(blocks)[0]!.accessory;
    expect(btn).toMatchObject({ action_id: ids.actions.claim, text: { text: 'Claim' } });
    expect(parseClaimRef(btn.value)).toEqual({ s: 1, q: '', p: 0 });
    expect(allText(blocks)).toContain('Stores 1–10 of 37');
    const buttons = nav(blocks)!.elements as Json[];
    expect(buttons.map((b) => b.text.text)).toEqual(['Next ▶']);
    expect(parseListState(buttons[0]!.value)).toEqual({ q: '', p: 1 });
  });

  it('pages: previous and next in the middle, previous only at the end', () => {
    const middle = claimListBlocks(en, page({ page: 1 })) as Json[];
    expect(nav(middle)!.elements.map((b: Json) => parseListState(b.value))).toEqual([{ q: '', p: 0 }, { q: '', p: 2 }]);
    expect(allText(middle)).toContain('Stores 11–20 of 37');
    const last = claimListBlocks(en, page({ page: 3, stores: [store(31), store(32)], more: false })) as Json[];
    expect(nav(last)!.elements.map((b: Json) => b.text.text)).toEqual(['◀ Previous']);
    expect(allText(last)).toContain('Stores 31–32 of 37');
    const one = claimListBlocks(en, page({ stores: [store(1)], more: false, total: 1 })) as Json[];
    expect(nav(one)).toBeUndefined();
  });

  it('keeps the search text through the buttons and says what it searched for', () => {
    const blocks = claimListBlocks(zh, page({ text: '面馆', total: null, page: 1 })) as Json[];
    expect(allText(blocks)).toContain('匹配“面馆”');
    expect(allText(blocks)).toContain('第 2 页');
    expect(parseClaimRef(rows(blocks)[0]!.accessory.value)).toEqual({ s: 1, q: '面馆', p: 1 });
    expect(rows(blocks)[0]!.accessory.text.text).toBe('认领');
  });

  it('holds Slack’s limits with 500-character names, addresses and search text', () => {
    const long = 'N'.repeat(500);
    const blocks = claimListBlocks(
      en,
      page({ text: 'q'.repeat(500), stores: Array.from({ length: 10 }, (_, i) => store(i + 1, { name: `${long}${i}`, address: 'A'.repeat(500), cooldownUntil: new Date('2026-11-29T02:00:00Z') })) }),
      { kind: 'warn', text: 'x'.repeat(5000) },
    ) as Json[];
    checkBlocks(blocks, 50);
    expect(rows(blocks)[0]!.text.text).toContain('…');
    expect(allText(blocks)).toContain('claimable again from 2026-11-29 10:00');
  });

  it('never exceeds 50 blocks, even with a page of 50 stores', () => {
    const blocks = claimListBlocks(en, page({ pageSize: 50, stores: Array.from({ length: 50 }, (_, i) => store(i + 1)), total: 120 }), { kind: 'ok', text: 'done' }) as Json[];
    checkBlocks(blocks, 50);
    expect(nav(blocks)).toBeDefined(); // paging survives the cut
    expect(allText(blocks)).toContain('more');
  });

  it('says when nothing is claimable, and when the pool is full', () => {
    const none = claimListBlocks(en, page({ stores: [], more: false, total: 0, usage: { held: 100, cap: 100, customers: 0 } })) as Json[];
    expect(allText(none)).toContain('No public store of your regions can be claimed right now.');
    expect(allText(none)).toContain('Your pool is full');
    const noMatch = claimListBlocks(en, page({ text: 'zzz', stores: [], more: false, total: null })) as Json[];
    expect(allText(noMatch)).toContain('No claimable store matches “zzz”');
    expect(claimListText(en, page())).toBe('Claimable stores — your pool: 37 / 100');
  });

  it('shows a claim’s outcome as a notice at the top', () => {
    const blocks = claimListBlocks(en, page(), { kind: 'ok', text: '*Store 1* is yours' }) as Json[];
    expect(blocks.find((b) => b.block_id === 'claim_notice')!.text.text).toBe('✅ *Store 1* is yours');
  });
});

describe('claim references', () => {
  it('round-trip, accept a bare store id, and reject junk', () => {
    expect(parseClaimRef(encodeClaimRef({ s: 5, q: 'abc', p: 2 }))).toEqual({ s: 5, q: 'abc', p: 2 });
    expect(parseClaimRef('42')).toEqual({ s: 42 });
    for (const bad of [undefined, '', '0', '-1', 'abc', '{"s":"1"}', '{"s":1.5}', '{', '9'.repeat(20)]) expect(parseClaimRef(bad)).toBeNull();
    expect(parseClaimRef('{"s":3,"p":-1,"q":5}')).toEqual({ s: 3 });
    expect(parseListState(encodeListState({ q: 'x', p: 3 }))).toEqual({ q: 'x', p: 3 });
    for (const bad of [undefined, '', '{"q":"x"}', '{"q":"x","p":1.5}', '{"q":"x","p":5000}', 'nope']) expect(parseListState(bad)).toBeNull();
  });
});
