import { describe, expect, it } from 'vitest';
import type { TeamMember } from '../../../../src/domain/people/team.ts';
import type { StoreHistory } from '../../../../src/domain/stores/history.ts';
import type { StoreHit } from '../../../../src/domain/stores/search.ts';
import type { DuplicateCandidate } from '../../../../src/domain/stores/stores.ts';
import type { Actor } from '../../../../src/domain/org/roles.ts';
import { ids } from '../../../../src/bot/ids.ts';
import { createStoreModal, duplicatesModal, parseCreateMeta } from '../../../../src/bot/views/create-store.ts';
import { noStoreBlocks, storePickBlocks } from '../../../../src/bot/views/store-search.ts';
import {
  addContactModal,
  encodeFormMeta,
  extendModal,
  historyModal,
  loadingModal,
  parseFormMeta,
  releaseModal,
  setStatusModal,
  storeCardModal,
  storeUi,
  transferModal,
} from '../../../../src/bot/views/store-forms.ts';
import type { StoreCardData } from '../../../../src/bot/views/store-card.ts';
import { checkBlocks, checkModal } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const long = (c: string) => c.repeat(500);
const now = new Date('2026-11-22T02:00:00Z');

const hit = (i: number, over: Partial<StoreHit> = {}): StoreHit => ({
  id: i,
  code: `CRM2026112200${String(i).padStart(2, '0')}`,
  name: `Store ${i}`,
  nameKey: `store${i}`,
  phone: '13800000000',
  address: 'Road 1',
  status: 'active',
  stage: 'lead',
  grade: 'D',
  ownerId: null,
  protectedUntil: null,
  lastVisitAt: null,
  regionId: 1,
  owner: null,
  rank: 5,
  why: null,
  ...over,
});

const inputIds = (view: Json) => (view.blocks as Json[]).filter((b) => b.type === 'input').map((b) => b.block_id);

describe('/store answers', () => {
  it('a pick list of 100+ matches stays within 50 blocks and says there are more', () => {
    const hits = Array.from({ length: 120 }, (_, i) => hit(i + 1, { name: `${long('名')}${i}`, address: long('路'), owner: { id: 9, name: long('O') } }));
    const blocks = storePickBlocks(en, long('q'), hits, true) as Json[];
    checkBlocks(blocks, 50);
    const rows = blocks.filter((b) => String(b.block_id ?? '').startsWith('store_pick:'));
    expect(rows).toHaveLength(20);
    expect(rows[0]!.accessory).toMatchObject({ action_id: ids.actions.openStore, value: '1', text: { text: 'Open' } });
    expect(JSON.stringify(blocks)).toContain('More stores match');
  });

  it('none: says so and offers to create, carrying the text', () => {
    const blocks = noStoreBlocks(zh, long('新')) as Json[];
    checkBlocks(blocks, 50);
    const btn = blocks.find((b) => b.type === 'actions')!.elements[0];
    expect(btn).toMatchObject({ action_id: ids.actions.createStore, text: { text: '新建门店' } });
    expect(Array.from(btn.value as string).length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(blocks)).toContain('没有您可见的门店匹配');
  });
});

describe('the card’s forms', () => {
  const s = { name: long('S'), code: 'CRM202611220001', protectedUntil: new Date('2026-12-22T02:00:00Z'), status: 'active', ownerName: long('O') };
  const meta = { s: 7, r: 'https://hooks.slack.com/actions/T0/1/abc', x: 1 as const, pv: 'V0001' };

  it('hold the limits, name inputs after the domain’s fields, and carry the store', () => {
    const people: TeamMember[] = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, name: long('P'), role: 'rep', unitName: long('U') }));
    const views = [
      [addContactModal(en, s, meta), ['name', 'title', 'phone', 'email', 'isPrimary'], ids.views.addContact],
      [releaseModal(en, s, 7, meta), ['reason'], ids.views.release],
      [transferModal(en, s, people, false, meta), ['toPersonId', 'reason'], ids.views.transfer],
      [extendModal(zh, s, meta), ['days', 'reason'], ids.views.extend],
      [setStatusModal(zh, s, meta), ['status', 'reason'], ids.views.setStatus],
    ] as const;
    for (const [view, inputs, callback] of views) {
      checkModal(view as Json);
      expect(inputIds(view as Json)).toEqual(inputs);
      expect((view as Json).callback_id).toBe(callback);
      expect(parseFormMeta((view as Json).private_metadata)).toEqual(meta);
    }
    checkModal(loadingModal(en, 'A title that is far too long for Slack'));
  });

  it('transfer: a static select up to 100 people, a type-ahead beyond, and no submit without anyone', () => {
    const few: TeamMember[] = [{ id: 3, name: 'Sam Carter', role: 'rep', unitName: 'Team 1' }];
    const sel = (transferModal(en, s, few, false, { s: 1 }) as Json).blocks.find((b: Json) => b.block_id === 'toPersonId').element;
    expect(sel).toMatchObject({ type: 'static_select', action_id: 'toPersonId', options: [{ value: '3', text: { text: 'Sam Carter' } }] });
    const many = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, name: `P${i}`, role: 'rep', unitName: null }));
    const ext = (transferModal(en, s, many, true, { s: 1 }) as Json).blocks.find((b: Json) => b.block_id === 'toPersonId').element;
    expect(ext).toMatchObject({ type: 'external_select', action_id: storeUi.actions.transferPersonSearch });
    const none = transferModal(en, s, [], false, { s: 1 }) as Json;
    expect(none.submit).toBeUndefined();
    expect(JSON.stringify(none)).toContain('nobody in your team');
  });

  it('set status starts at the current status', () => {
    const v = setStatusModal(en, { ...s, status: 'disabled' }, { s: 1 }) as Json;
    expect(v.blocks.find((b: Json) => b.block_id === 'status').element.initial_option.value).toBe('disabled');
  });

  it('metadata: drops odd parts, rejects junk', () => {
    expect(parseFormMeta(encodeFormMeta({ s: 1, r: 'x'.repeat(5000) }))).toEqual({ s: 1 });
    expect(parseFormMeta(JSON.stringify({ s: 1, r: 'javascript:alert(1)', x: 1 }))).toEqual({ s: 1 });
    expect(parseFormMeta(JSON.stringify({ s: 1, r: 'https://hooks.slack.com/x', x: 2 }))).toEqual({ s: 1, r: 'https://hooks.slack.com/x' });
    for (const bad of [undefined, '', '{', '{"s":0}', '{"s":"1"}']) expect(parseFormMeta(bad)).toBeNull();
  });

  it('history: long histories and texts stay within 100 blocks and 3000 characters', () => {
    const h: StoreHistory = {
      store: { id: 1, code: 'CRM202611220001', name: long('H') },
      entries: Array.from({ length: 100 }, (_, i) => ({
        at: now,
        action: ['claim', 'release', 'transfer', 'auto_return', 'extend', 'status'][i % 6]!,
        from: long('F'),
        to: null,
        by: null,
        bySystem: i % 2 === 0,
        reason: long('R'),
        protectedUntil: now,
        fromHidden: false,
        toHidden: i % 3 === 0,
        byHidden: i % 2 === 1,
      })),
      moreEntries: true,
      visits: Array.from({ length: 100 }, () => ({ at: now, who: long('W'), method: 'in_person', summary: long('V'), outcome: null })),
      moreVisits: true,
    };
    const v = historyModal(en, h) as Json;
    checkModal(v);
    const text = JSON.stringify(v);
    expect(text).toContain('Seaboard (automatic)');
    expect(text).toContain('someone else');
    expect(text).toContain('Older entries are not shown.');
    const empty = historyModal(zh, { ...h, entries: [], visits: [], moreEntries: false, moreVisits: false }) as Json;
    expect(JSON.stringify(empty)).toContain('暂无变更');
  });

  it('the card in a modal keeps the modal limits', () => {
    const actor: Actor = { id: 2, name: 'Han', role: 'supervisor', unitId: 1, active: true, locale: null, timezone: null };
    const card = {
      id: 1, code: 'CRM202611220001', name: long('C'), address: long('A'), status: 'active', stage: 'lead', grade: 'A', ownerId: 5,
      owner: { id: 5, name: long('O'), unitId: 1 }, protectedUntil: new Date('2026-12-22T02:00:00Z'), isCustomer: false,
      lastVisitAt: null, nextFollowUpAt: null, regionId: 1,
      contacts: [{ id: 1, name: long('K'), title: long('T'), phone: '1', isPrimary: true }],
      latestVisits: [{ at: now, method: 'phone', summary: long('V'), person: { id: 5, name: long('P') } }],
    } as unknown as StoreCardData;
    const v = storeCardModal(en, card, { actor, canClaim: false }, now, `✅ ${long('n')}`) as Json;
    checkModal(v);
    const buttons = (v.blocks as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: Json) => e.action_id));
    expect(buttons).toEqual(expect.arrayContaining([ids.actions.transfer, ids.actions.extend, ids.actions.setStatus, ids.actions.history]));
  });
});

describe('creating a store', () => {
  it('the form: name prefilled and cut to the domain’s 100, inputs named as the domain', () => {
    const v = createStoreModal(en, { name: long('新') }) as Json;
    checkModal(v);
    expect(inputIds(v)).toEqual(['name', 'phone', 'address']);
    expect(Array.from(v.blocks.find((b: Json) => b.block_id === 'name').element.initial_value as string).length).toBe(100);
    expect(parseCreateMeta(v.private_metadata)).toEqual({ step: 'form' });
  });

  it('the candidates: "Use this one" for those I may see, "Create anyway" to submit, what was typed kept', () => {
    const c = (i: number, visible: boolean): DuplicateCandidate => ({ id: i, code: `CRM2026112200${i}`, name: long('D'), address: visible ? long('A') : null, matchedOn: i % 2 ? 'phone' : 'name', ownerName: visible ? long('O') : null, visible });
    const typed = { name: '老王面馆'.repeat(25), phone: '13800000001', address: '路'.repeat(200) };
    const v = duplicatesModal(zh, typed, [c(1, true), c(2, false), ...Array.from({ length: 120 }, (_, i) => c(i + 3, true))]) as Json;
    checkModal(v);
    expect(v.submit.text).toBe('仍然新建');
    expect(inputIds(v)).toEqual([]);
    const first = v.blocks.find((b: Json) => b.block_id === 'duplicate:1');
    expect(first.accessory).toMatchObject({ action_id: ids.actions.useDuplicate, value: '1', text: { text: '就用这家' } });
    const hidden = v.blocks.find((b: Json) => b.block_id === 'duplicate:2');
    expect(hidden.accessory).toBeUndefined();
    expect(hidden.text.text).toContain('已有其他负责人');
    expect(parseCreateMeta(v.private_metadata)).toEqual({ step: 'confirm', ...typed });
    expect(parseCreateMeta('{"step":"confirm"}')).toEqual({ step: 'form' });
    expect(parseCreateMeta('junk')).toEqual({ step: 'form' });
  });
});

describe('/store pick list: why a store matched', () => {
  it('is shown under the name when the name does not show it', () => {
    const blocks = storePickBlocks(zh, 'lwmg', [hit(1, { name: '老王面馆', why: 'lwmg → 老王面馆' }), hit(2, { name: '老王烧烤' })], false) as Json[];
    const texts = blocks.filter((b) => b.type === 'section').map((b) => b.text.text as string);
    expect(texts[0]).toContain('\n_lwmg → 老王面馆_');
    expect(texts[1]).not.toContain('_');
  });
});
