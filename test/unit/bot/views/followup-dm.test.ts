import { describe, expect, it } from 'vitest';
import { scheduled } from '../../../../src/bot/i18n/scheduled.ts';
import { ids } from '../../../../src/bot/ids.ts';
import { digestMessage, dmFollowUpOf, markFollowUp, reminderMessage } from '../../../../src/bot/views/followup-dm.ts';
import { parseSnoozeValue, snoozeTarget } from '../../../../src/bot/views/today.ts';
import type { DigestFollowUp, DigestPayload } from '../../../../src/domain/followups/digest.ts';
import { textOf } from '../../../support/blocks.ts';
import { checkBlocks } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'America/New_York' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const longName = '*Bold* <@U123> & 老王面馆'.repeat(20);

const item = (id: number, dueAt: string, name = `Store ${id}`): DigestFollowUp => ({ id, dueAt, note: id % 2 ? 'Bring the menu '.repeat(40) : null, snoozes: id % 3, store: { id, code: `CRM${id}`, name } });

function digest(over: Partial<DigestPayload> = {}): DigestPayload {
  return {
    localDate: '2026-11-23',
    timezone: 'America/New_York',
    at: '2026-11-23T13:30:00.000Z',
    overdue: [],
    overdueTotal: 0,
    dueToday: [],
    dueTodayTotal: 0,
    ending: [],
    endingTotal: 0,
    approvals: [],
    approvalsTotal: 0,
    yesterday: { visits: 0, claims: 0 },
    ...over,
  };
}

const elements = (blocks: Json[]) => blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));

describe('a follow-up reminder', () => {
  it('says which store and when, in the reader’s time zone, with Done, Snooze 1 h and Tomorrow', () => {
    const m = reminderMessage(en, { id: 7, dueAt: new Date('2026-11-23T19:00:00Z'), note: 'Bring samples', store: { code: 'CRM7', name: 'Sunny Cafe' } });
    expect(textOf(m.blocks)).toContain('Follow-up due 2026-11-23 14:00: *Sunny Cafe* `CRM7`');
    expect(textOf(m.blocks)).toContain('Bring samples');
    expect(m.text).toBe('Follow-up due: Sunny Cafe');
    const buttons = elements(m.blocks as Json[]);
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      [ids.actions.followUpDone, '7'],
      [ids.actions.followUpSnooze, '7:hour'],
      [ids.actions.followUpSnoozeTomorrow, '7:tomorrow'],
    ]);
    expect(buttons.map((b) => parseSnoozeValue(b.value)?.choice ?? null)).toEqual([null, 'hour', 'tomorrow']);
    checkBlocks(m.blocks as Json[], 50);
  });

  it('in Chinese, and with a hostile store name escaped', () => {
    const m = reminderMessage(zh, { id: 8, dueAt: new Date('2026-11-23T07:00:00Z'), note: null, store: { code: 'CRM8', name: longName } });
    expect(textOf(m.blocks)).toContain('跟进到期 2026-11-23 15:00');
    expect(textOf(m.blocks)).not.toContain('<@U123>');
    expect(elements(m.blocks as Json[]).map((b) => b.text.text)).toEqual(['完成', '推迟 1 小时', '明天 09:00']);
  });

  it('Snooze 1 h lands on the next whole minute an hour on, so that a double click snoozes once', () => {
    const a = snoozeTarget('hour', new Date('2026-11-23T19:00:10Z'), 'UTC');
    const b = snoozeTarget('hour', new Date('2026-11-23T19:00:50Z'), 'UTC');
    expect(a.toISOString()).toBe('2026-11-23T20:01:00.000Z');
    expect(b).toEqual(a);
  });
});

describe('the morning digest', () => {
  it('lists overdue and due follow-ups with buttons, stores ending soon, approvals and yesterday', () => {
    const d = digest({
      overdue: [item(1, '2026-11-20T15:00:00.000Z')],
      overdueTotal: 1,
      dueToday: [item(2, '2026-11-23T20:00:00.000Z')],
      dueTodayTotal: 4,
      ending: [{ id: 9, code: 'CRM9', name: 'Green Leaf', protectedUntil: '2026-11-25T02:00:00.000Z' }],
      endingTotal: 1,
      approvals: [{ requestId: 3, flow: 'report', store: 'Sunny Cafe', requester: 'Li Lei', since: '2026-11-22T01:00:00.000Z' }],
      approvalsTotal: 2,
      yesterday: { visits: 3, claims: 1 },
    });
    const m = digestMessage(en, 'Sam Carter', d);
    const text = textOf(m.blocks);
    expect(text).toContain('Good morning, Sam Carter · 2026-11-23');
    expect(text).toContain('*Overdue follow-ups* (1)');
    expect(text).toContain('*Store 1* · was due 2026-11-20 10:00');
    expect(text).toContain('*Due today* (4)');
    expect(text).toContain('*Store 2* · due 15:00');
    expect(text).toContain('…and 3 more');
    expect(text).toContain('• *Green Leaf* `CRM9` · ends 2026-11-24 21:00');
    expect(text).toContain('*Waiting for your approval* (2)');
    expect(text).toContain('Opportunity report · *Sunny Cafe* · from Li Lei, since 2026-11-21 20:00');
    expect(text).toContain('Yesterday: 3 visits logged, 1 store claimed.');
    const done = elements(m.blocks as Json[]).filter((e) => e.action_id === ids.actions.followUpDone);
    expect(done.map((e) => e.value)).toEqual(['1', '2']);
    const snooze = elements(m.blocks as Json[]).find((e) => e.action_id === ids.actions.followUpSnooze);
    expect(snooze.options.map((o: Json) => o.value)).toEqual(['1:hour', '1:tomorrow', '1:in3days']);
    expect(m.text).toContain('1 overdue, 4 due today');
    checkBlocks(m.blocks as Json[], 50);
  });

  it('keeps within 50 blocks however much there is, in Chinese too', () => {
    const many = Array.from({ length: 8 }, (_, i) => item(i + 1, '2026-11-20T15:00:00.000Z', longName));
    const d = digest({
      timezone: 'Asia/Shanghai',
      overdue: many,
      overdueTotal: 300,
      dueToday: many.map((f) => ({ ...f, id: f.id + 100, dueAt: '2026-11-23T05:00:00.000Z' })),
      dueTodayTotal: 90,
      ending: Array.from({ length: 5 }, (_, i) => ({ id: i, code: `C${i}`, name: longName, protectedUntil: '2026-11-25T02:00:00.000Z' })),
      endingTotal: 70,
      approvals: Array.from({ length: 3 }, (_, i) => ({ requestId: i, flow: 'sign', store: longName, requester: longName, since: '2026-11-22T01:00:00.000Z' })),
      approvalsTotal: 40,
      yesterday: { visits: 9, claims: 2 },
    });
    const m = digestMessage(zh, longName, d);
    checkBlocks(m.blocks as Json[], 50);
    expect(textOf(m.blocks)).toContain('早上好');
    expect(textOf(m.blocks)).toContain('昨天：记录拜访 9 次，认领门店 2 家。');
    // The header is plain text (nothing in it is markup); everything else is escaped mrkdwn.
    expect(m.blocks[0]!.type).toBe('header');
    expect(textOf(m.blocks.slice(1))).not.toContain('<@U123>');
  });

  it('a lead’s yesterday is their team’s, and says so; a rep’s is their own', () => {
    const lead = digestMessage(en, 'Han', digest({ yesterday: { visits: 1, claims: 3, team: true } }));
    expect(textOf(lead.blocks)).toContain('Yesterday, your team: 1 visit logged, 3 stores claimed.');
    expect(textOf(digestMessage(zh, 'Han', digest({ yesterday: { visits: 4, claims: 1, team: true } })).blocks)).toContain('昨天，您的团队：记录拜访 4 次，认领门店 1 家。');
    const rep = digestMessage(en, 'Sam', digest({ yesterday: { visits: 2, claims: 1 } }));
    expect(textOf(rep.blocks)).toContain('Yesterday: 2 visits logged, 1 store claimed.');
    expect(textOf(rep.blocks)).not.toContain('your team');
  });

  it('after a click, the clicked follow-up’s buttons become the line that says what was done', () => {
    const m = digestMessage(en, 'Sam', digest({ overdue: [item(1, '2026-11-20T15:00:00.000Z'), item(2, '2026-11-21T15:00:00.000Z')], overdueTotal: 2 }));
    const marked = markFollowUp(m.blocks, 2, '✓ Done: *Store 2*') as Json[];
    expect(marked).toHaveLength(m.blocks.length);
    expect(textOf(marked)).toContain('✓ Done: *Store 2*');
    expect(elements(marked).map((e) => e.value).filter(Boolean)).toEqual(['1']);
    expect(dmFollowUpOf('dmfollowup:2')).toBe(2);
    expect(dmFollowUpOf('myday:followup:2')).toBeNull();
  });
});

describe('the scheduled notices’ words', () => {
  it('exist in both languages with the same placeholders', () => {
    expect(Object.keys(scheduled['zh-CN']).sort()).toEqual(Object.keys(scheduled.en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, text] of Object.entries(scheduled.en)) expect(holes(scheduled['zh-CN'][key as keyof typeof scheduled.en]), key).toEqual(holes(text));
  });
});
