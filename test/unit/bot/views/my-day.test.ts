import { describe, expect, it } from 'vitest';
import { home as homeBundle } from '../../../../src/bot/i18n/home.ts';
import { opp as oppBundle } from '../../../../src/bot/i18n/opp.ts';
import { ids } from '../../../../src/bot/ids.ts';
import { homeView } from '../../../../src/bot/views/home.ts';
import { poolMessage, type PoolStore } from '../../../../src/bot/views/pool.ts';
import {
  parseSnoozeMetadata,
  parseSnoozeValue,
  snoozeModal,
  snoozeTarget,
  todayMessage,
} from '../../../../src/bot/views/today.ts';
import { pickedInstant } from '../../../../src/bot/dates.ts';
import { DAY_MS } from '../../../../src/domain/clock.ts';
import type { FollowUpItem, MyDay } from '../../../../src/domain/followups/my-day.ts';
import { checkBlocks, checkModal } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const now = new Date('2026-11-22T02:00:00Z'); // Sunday 10:00 in Hangzhou
const longName = '*Bold* <@U123> & 老王面馆'.repeat(20); // 440+ characters, mrkdwn and a mention

const item = (id: number, dueAt: Date, name = `Store ${id}`): FollowUpItem => ({
  id,
  dueAt,
  note: id % 2 ? 'Bring the new menu '.repeat(30) : null,
  snoozes: id % 3,
  store: { id, code: `CRM20261122${String(id).padStart(4, '0')}`, name },
});

function day(overdue: number, dueToday: number, opts: { ending?: number; name?: string } = {}): MyDay {
  const o = Array.from({ length: Math.min(overdue, 50) }, (_, i) => item(i + 1, new Date(now.getTime() - (i + 1) * DAY_MS), opts.name));
  const d = Array.from({ length: Math.min(dueToday, 50) }, (_, i) => item(1000 + i, new Date(now.getTime() + 3_600_000), opts.name));
  const ending = Array.from({ length: Math.min(opts.ending ?? 0, 25) }, (_, i) => ({
    id: 5000 + i,
    code: `CRM2026112${i}`,
    name: opts.name ?? `Ending ${i}`,
    protectedUntil: new Date(now.getTime() + (i - 2) * 12 * 3_600_000),
  }));
  return {
    now,
    timezone: 'Asia/Shanghai',
    overdue: o,
    overdueTotal: overdue,
    dueToday: d,
    dueTodayTotal: dueToday,
    upcomingTotal: 7,
    ending,
    endingTotal: opts.ending ?? 0,
    usage: { held: 37, cap: 100, customers: 2 },
  };
}

const texts = (blocks: Json[]) => JSON.stringify(blocks);
const followUpActions = (blocks: Json[]) => blocks.filter((b) => b.type === 'actions' && String(b.block_id).startsWith('myday:followup:'));

describe('my day (/crm today)', () => {
  it('lists overdue and due follow-ups with Done and Snooze, protection ending, and pool usage', () => {
    const m = todayMessage(en, day(2, 1, { ending: 2 }));
    checkBlocks(m.blocks, 50);
    const all = texts(m.blocks);
    expect(all).toContain('My pool: *37 / 100* private stores · 2 customers');
    expect(all).toContain('*Overdue follow-ups* (2)');
    expect(all).toContain('*Due today* (1)');
    expect(all).toContain('*Protection ends within 3 days* (2)');
    expect(all).toContain('7 more follow-ups in the next 14 days.');
    const rows = followUpActions(m.blocks);
    expect(rows).toHaveLength(3);
    const [done, snooze] = rows[0]!.elements as Json[];
    expect(done).toMatchObject({ type: 'button', action_id: ids.actions.followUpDone, value: '1' });
    expect(snooze).toMatchObject({ type: 'static_select', action_id: ids.actions.followUpSnooze });
    // On a Sunday, next Monday is tomorrow: offered once.
    expect(snooze!.options.map((o: Json) => o.value)).toEqual(['1:tomorrow', '1:in3days', '1:pick']);
    expect(m.text).toContain('2 overdue, 1 due today');
  });

  it('marks what is overdue red, with how long, in both languages: earlier days and earlier today', () => {
    const d = day(2, 0);
    d.dueToday = [item(7, new Date(now.getTime() - 4 * 3_600_000 - 60_000)), item(8, new Date(now.getTime() + 3_600_000))];
    d.dueTodayTotal = 2;
    const all = texts(todayMessage(en, d).blocks);
    expect(all).toContain('🔴 *Store 1* · overdue 1 day · was due 2026-11-21 10:00');
    expect(all).toContain('🔴 *Store 2* · overdue 2 days · was due 2026-11-20 10:00');
    expect(all).toContain('🔴 *Store 7* · overdue 4 h · was due 2026-11-22 05:59');
    expect(all).toContain('*Store 8* · due 11:00');
    expect(all).not.toContain('🔴 *Store 8*');
    const zhAll = texts(todayMessage(zh, d).blocks);
    expect(zhAll).toContain('🔴 *Store 7* · 逾期 4 小时 · 原定 2026-11-22 05:59');
    expect(zhAll).toContain('🔴 *Store 2* · 逾期 2 天 · 原定 2026-11-20 10:00');
  });

  it('stays within 50 blocks with 200 follow-ups and says how many more', () => {
    for (const reader of [en, zh]) {
      const m = todayMessage(reader, day(120, 80, { ending: 40, name: longName }));
      checkBlocks(m.blocks, 50);
      expect(m.blocks.length).toBeGreaterThan(40);
      const shown = followUpActions(m.blocks).length;
      expect(shown).toBeGreaterThan(10);
      const more = (m.blocks as Json[]).filter((b) => b.type === 'context').map((b) => b.elements[0].text);
      expect(more.some((t: string) => /(…and|还有) \d+/.test(t))).toBe(true);
      expect(texts(m.blocks)).not.toContain('<@U123>');
    }
  });

  it('speaks Chinese', () => {
    const m = todayMessage(zh, day(1, 0), '✓ 已完成：*X*');
    expect(texts(m.blocks)).toContain('*已逾期的跟进*（1）');
    expect(texts(m.blocks)).toContain('我的私海：*37 / 100* 家门店');
    expect(m.blocks[0]).toMatchObject({ type: 'context' });
    expect(texts(todayMessage(zh, day(0, 0)).blocks)).toContain('今天没有到期的跟进');
  });

  it('computes snooze times at 09:00 local and reads them back', () => {
    const tz = 'Asia/Shanghai';
    expect(snoozeTarget('tomorrow', now, tz).toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(snoozeTarget('in3days', now, tz).toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(snoozeTarget('monday', now, tz).toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(snoozeTarget('monday', new Date('2026-11-23T02:00:00Z'), tz).toISOString()).toBe('2026-11-30T01:00:00.000Z');
    expect(parseSnoozeValue('12:in3days')).toEqual({ id: 12, choice: 'in3days' });
    expect(parseSnoozeValue('x:pick')).toBeNull();
    expect(parseSnoozeValue('3:later')).toBeNull();
    expect(pickedInstant('2026-11-24', '14:30', tz)?.toISOString()).toBe('2026-11-24T06:30:00.000Z');
    expect(pickedInstant('2026-02-30', '14:30', tz)).toBeNull();
    expect(pickedInstant(null, '14:30', tz)).toBeNull();
  });

  it('builds the pick-a-time modal within limits, with its follow-up and response_url in the metadata', () => {
    const url = `https://hooks.slack.com/actions/T0/${'1'.repeat(20)}/abc`;
    for (const reader of [en, zh]) {
      const v = snoozeModal(reader, { f: 42, r: url }, now) as Json;
      checkModal(v);
      expect(parseSnoozeMetadata(v.private_metadata)).toEqual({ f: 42, r: url });
      expect(v.blocks.map((b: Json) => b.block_id)).toEqual(['dueAt', 'dueTime']);
      expect(v.blocks[0].element.initial_date).toBe('2026-11-23');
    }
    const huge = snoozeModal(en, { f: 1, r: 'x'.repeat(4000) }, now) as Json;
    expect(parseSnoozeMetadata(huge.private_metadata)).toEqual({ f: 1 });
    expect(parseSnoozeMetadata('nonsense')).toBeNull();
  });
});

describe('App Home', () => {
  const opportunities = {
    total: 9,
    items: Array.from({ length: 5 }, (_, i) => ({ id: i, name: longName, amount: 1_234_567, stage: 'proposal', expectedCloseAt: now, store: { name: longName } })),
  };

  it('has the quick buttons and stays within 100 blocks with 200 follow-ups, in both languages', () => {
    for (const reader of [en, zh]) {
      const v = homeView(reader, { name: longName, now, day: day(150, 50, { ending: 30, name: longName }), opportunities });
      expect(v.type).toBe('home');
      checkBlocks(v.blocks, 100);
      expect(v.blocks.length).toBeGreaterThan(90);
      const quick = v.blocks.find((b) => b.block_id === 'home_quick') as Json;
      expect(quick.elements.map((e: Json) => e.action_id)).toEqual([ids.actions.homeLogVisit, ids.actions.homeClaim, ids.actions.homeNewOpportunity, ids.actions.homeRefresh]);
      expect(followUpActions(v.blocks).length).toBeGreaterThan(30);
      expect(texts(v.blocks)).toContain('12,345.67');
    }
  });

  it('is short on a quiet day', () => {
    const v = homeView(en, { name: 'Sam', now, day: day(0, 0), opportunities: { total: 0, items: [] } });
    checkBlocks(v.blocks, 100);
    expect(texts(v.blocks)).toContain('No follow-ups due today.');
    expect(v.blocks.length).toBeLessThan(10);
  });
});

describe('/crm pool', () => {
  const stores = (n: number, name?: string): PoolStore[] =>
    Array.from({ length: n }, (_, i) => ({
      id: i,
      code: `CRM2026112200${i}`,
      name: name ?? `Store ${i}`,
      protectedUntil: i === 0 ? null : new Date(now.getTime() + (i - 3) * DAY_MS),
      isCustomer: i === 0,
    }));

  it('lists my stores with protection left, cut with "N more"', () => {
    for (const reader of [en, zh]) {
      const m = poolMessage(reader, stores(150, longName), 230, { held: 228, cap: 100, customers: 2 }, now);
      checkBlocks(m.blocks, 50);
      expect(texts(m.blocks)).toMatch(/(…and|还有) 80/);
    }
    const m = poolMessage(en, stores(5), 5, { held: 4, cap: 100, customers: 1 }, now);
    const all = texts(m.blocks);
    expect(all).toContain('customer: no longer returns');
    expect(all).toContain('1 day left');
    expect(all).toContain('ended 2026-11-20');
    expect(all).toContain('My pool: *4 / 100* private stores · 1 customer');
    expect(texts(poolMessage(en, [], 0, { held: 0, cap: 100, customers: 0 }, now).blocks)).toContain('You have no private stores yet');
  });
});

describe('bundles', () => {
  it('have every key in English and Chinese, with the same placeholders', () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const b of [homeBundle, oppBundle]) {
      expect(Object.keys(b['zh-CN']).sort()).toEqual(Object.keys(b.en).sort());
      for (const [k, v] of Object.entries(b.en)) expect(holes((b['zh-CN'] as Record<string, string>)[k]!), k).toEqual(holes(v));
    }
  });
});
