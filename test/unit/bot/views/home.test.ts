import { describe, expect, it } from 'vitest';
import { ids } from '../../../../src/bot/ids.ts';
import { duration, overdueBy } from '../../../../src/bot/views/durations.ts';
import { homeView } from '../../../../src/bot/views/home.ts';
import type { WaitingApproval } from '../../../../src/domain/approvals/waiting.ts';
import { DAY_MS } from '../../../../src/domain/clock.ts';
import type { MyDay } from '../../../../src/domain/followups/my-day.ts';
import { nextSweepAt, type TeamDay } from '../../../../src/domain/team/today.ts';
import { checkBlocks } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const now = new Date('2026-11-22T02:00:00Z'); // Sunday 10:00 in Hangzhou
const HOUR = 3_600_000;
const longName = '*Bold* <@U123> & 老王面馆'.repeat(20);

const quietDay: MyDay = {
  now,
  timezone: 'Asia/Shanghai',
  overdue: [],
  overdueTotal: 0,
  dueToday: [],
  dueTodayTotal: 0,
  upcomingTotal: 0,
  ending: [],
  endingTotal: 0,
  usage: { held: 3, cap: 100, customers: 0 },
};
const noOpportunities = { total: 0, items: [] };

const waiting = (i: number, o: Partial<WaitingApproval> = {}): WaitingApproval => ({
  requestId: 100 + i,
  stepId: 200 + i,
  flow: 'report',
  store: { id: i, code: `CRM2026112200${i}`, name: `Store ${i}` },
  opportunityName: `Deal ${i}`,
  amount: 1_280_000,
  requester: { id: 9, name: 'Sam Carter' },
  since: new Date(now.getTime() - 4 * HOUR - 5 * 60_000),
  decision: 'approve',
  ...o,
});

function team(o: Partial<TeamDay> = {}): TeamDay {
  return {
    now,
    timezone: 'Asia/Shanghai',
    reps: [
      { id: 1, name: 'Sam Carter', visits: 3 },
      { id: 2, name: 'Li Lei', visits: 1 },
      { id: 3, name: '刘洋', visits: 0 },
    ],
    visitsToday: 4,
    overdue: [
      { id: 1, dueAt: new Date(now.getTime() - 4 * HOUR), store: { id: 1, code: 'CRM1', name: '老王面馆' }, person: { id: 2, name: 'Li Lei' } },
      { id: 2, dueAt: new Date(now.getTime() - 3 * DAY_MS), store: { id: 2, code: 'CRM2', name: 'Sunny Cafe' }, person: { id: 1, name: 'Sam Carter' } },
    ],
    overdueTotal: 2,
    sweepAt: new Date('2026-11-22T18:00:00Z'), // 02:00 on the 23rd in Hangzhou
    returning: [{ id: 5, code: 'CRM5', name: 'Green Leaf Bakery', protectedUntil: new Date(now.getTime() + HOUR), owner: { id: 3, name: '刘洋' } }],
    returningTotal: 1,
    pipeline: [
      { stage: 'initial_contact', count: 1, amount: 500_000 },
      { stage: 'needs_analysis', count: 0, amount: 0 },
      { stage: 'proposal', count: 2, amount: 1_280_000 },
      { stage: 'negotiation', count: 0, amount: 0 },
    ],
    ...o,
  };
}

const texts = (blocks: Json[]) => JSON.stringify(blocks);
const sectionTexts = (blocks: Json[]) => blocks.filter((b) => b.type === 'section').map((b) => b.text.text as string).join('\n');

describe('App Home of an approver', () => {
  it('lists each waiting request with its age, amount, requester and Approve / Reject / Open', () => {
    const v = homeView(en, { name: 'Han Meimei', now, day: quietDay, opportunities: noOpportunities, approvals: { total: 2, items: [waiting(1), waiting(2, { flow: 'transfer', amount: null, since: new Date(now.getTime() - 2 * DAY_MS - HOUR) })] } });
    checkBlocks(v.blocks, 100);
    const text = sectionTexts(v.blocks);
    expect(text).toContain('*Waiting for your approval* (2)');
    expect(text).toContain('*Opportunity report* · *Store 1* · 12,800.00\nfrom Sam Carter · waiting 4 h');
    expect(text).toContain('*Store transfer* · *Store 2*\nfrom Sam Carter · waiting 2 days');
    const rows = v.blocks.filter((b: Json) => String(b.block_id).startsWith('home_approval:')) as Json[];
    expect(rows.map((r) => r.block_id)).toEqual(['home_approval:201', 'home_approval:202']);
    const [approve, reject, open] = rows[0]!.elements as Json[];
    // The card's own action ids and values: the same handlers decide, once.
    expect(approve).toMatchObject({ action_id: ids.actions.approve, value: '201', style: 'primary', text: { text: 'Approve' } });
    expect(reject).toMatchObject({ action_id: ids.actions.rejectRequest, value: '201', style: 'danger', text: { text: 'Reject' } });
    expect(reject!.confirm).toBeDefined();
    expect(open).toMatchObject({ action_id: ids.actions.openApproval, value: '101', text: { text: 'Open' } });
    // Waiting requests come before my day.
    expect(text.indexOf('Waiting for your approval')).toBeLessThan(text.indexOf('My pool'));
  });

  it('offers Approve & send up where the amount needs the level above, says how many more, in Chinese too', () => {
    const approvals = { total: 9, items: [waiting(1, { decision: 'send_up' }), ...[2, 3, 4, 5].map((i) => waiting(i))] };
    const v = homeView(en, { name: 'Han', now, day: quietDay, opportunities: noOpportunities, approvals });
    const first = v.blocks.find((b: Json) => b.block_id === 'home_approval:201') as Json;
    expect(first.elements[0]).toMatchObject({ action_id: ids.actions.approveSendUp, value: '201', text: { text: 'Approve & send up' } });
    expect(texts(v.blocks)).toContain('…and 4 more: `/crm approvals` lists them all.');
    const z = homeView(zh, { name: 'Han', now, day: quietDay, opportunities: noOpportunities, approvals });
    const zt = texts(z.blocks);
    expect(zt).toContain('*待我审批*（9）');
    expect(zt).toContain('申请人 Sam Carter · 已等待 4 小时');
    expect(zt).toContain('"text":"同意并提交上级"');
    expect(zt).toContain('……还有 4 条');
  });

  it('escapes names and stays within 100 blocks with long texts', () => {
    const approvals = { total: 500, items: [1, 2, 3, 4, 5].map((i) => waiting(i, { store: { id: i, code: 'C', name: longName }, requester: { id: 1, name: longName } })) };
    for (const reader of [en, zh]) {
      const v = homeView(reader, { name: longName, now, team: team({ reps: Array.from({ length: 200 }, (_, i) => ({ id: i, name: longName, visits: i % 3 })) }), day: quietDay, opportunities: noOpportunities, approvals });
      checkBlocks(v.blocks, 100);
      expect(sectionTexts(v.blocks)).not.toContain('<@U123>');
    }
  });

  it('has nothing to decide: no section, no buttons', () => {
    const v = homeView(en, { name: 'Han', now, day: quietDay, opportunities: noOpportunities, approvals: { total: 0, items: [] } });
    expect(texts(v.blocks)).not.toContain('Waiting for your approval');
    expect(v.blocks.some((b: Json) => String(b.block_id).startsWith('home_approval:'))).toBe(false);
  });
});

describe('App Home of a supervisor or manager: the team', () => {
  it('shows visits per rep, overdue follow-ups in red with how long, tonight’s returns and the pipeline, not its own day', () => {
    const v = homeView(en, { name: 'Han Meimei', now, team: team(), opportunities: noOpportunities, approvals: { total: 0, items: [] } });
    checkBlocks(v.blocks, 100);
    const text = sectionTexts(v.blocks);
    expect(text).toContain('*My team today*');
    expect(text).toContain('*Visits today* (4)\n• Sam Carter · 3 visits\n• Li Lei · 1 visit\n• 刘洋 · no visits yet');
    expect(text).toContain('*Overdue follow-ups of the team* (2)\n🔴 *老王面馆* · Li Lei · overdue 4 h\n🔴 *Sunny Cafe* · Sam Carter · overdue 3 days');
    expect(text).toContain('*Returning to the public pool tonight* (1) · sweep at 02:00\n• *Green Leaf Bakery* `CRM5` · 刘洋');
    expect(text).toContain('• Initial contact: 1 opportunity · 5,000.00');
    expect(text).toContain('• Proposal: 2 opportunities · 12,800.00');
    expect(text).toContain('• Needs analysis: 0 opportunities · 0.00');
    expect(text).toContain('In all: 17,800.00');
    expect(text).not.toContain('My pool');
    expect(texts(v.blocks)).toContain('My team · 2026-11-22 · Updated 10:00');
    // Still the quick buttons (and Away…, an approver's).
    const quick = v.blocks.find((b: Json) => b.block_id === 'home_quick') as Json;
    expect(quick.elements.map((e: Json) => e.action_id)).toContain(ids.actions.homeAway);
  });

  it('speaks Chinese', () => {
    const text = sectionTexts(homeView(zh, { name: '赵磊', now, team: team(), opportunities: noOpportunities }).blocks);
    expect(text).toContain('*我的团队今天*');
    expect(text).toContain('• Sam Carter · 3 次拜访');
    expect(text).toContain('• 刘洋 · 今天还没有拜访');
    expect(text).toContain('🔴 *老王面馆* · Li Lei · 逾期 4 小时');
    expect(text).toContain('🔴 *Sunny Cafe* · Sam Carter · 逾期 3 天');
    expect(text).toContain('*今晚回归公海*（1）· 02:00 回收');
    expect(text).toContain('• 方案报价：2 个商机');
  });

  it('says so when the team has nothing of a kind', () => {
    const quiet = team({ reps: [], visitsToday: 0, overdue: [], overdueTotal: 0, returning: [], returningTotal: 0, pipeline: team().pipeline.map((p) => ({ ...p, count: 0, amount: 0 })) });
    const text = sectionTexts(homeView(en, { name: 'Han', now, team: quiet, opportunities: noOpportunities }).blocks);
    expect(text).toContain('No reps in your team.');
    expect(text).toContain('No overdue follow-ups in the team.');
    expect(text).toContain('No store of the team returns to the public pool tonight.');
    expect(text).toContain('No open opportunities in the team.');
  });

  it('cuts long lists with how many more', () => {
    const many = team({
      reps: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `Rep ${i}`, visits: 200 - i })),
      overdueTotal: 340,
      returningTotal: 57,
    });
    const v = homeView(en, { name: 'Wang Fang', now, team: many, opportunities: noOpportunities });
    checkBlocks(v.blocks, 100);
    const text = sectionTexts(v.blocks);
    expect(text).toContain('• Rep 0 · 200 visits');
    expect(text).toMatch(/…and 17\d more/);
    expect(text).toContain('…and 338 more');
    expect(text).toContain('…and 56 more');
  });
});

describe('durations and plurals', () => {
  it('minutes under an hour, hours under a day, then days; one day and two days in English, one form in Chinese', () => {
    expect(duration(en, 30_000)).toBe('1 min');
    expect(duration(en, 25 * 60_000)).toBe('25 min');
    expect(duration(en, 4 * HOUR + 59 * 60_000)).toBe('4 h');
    expect(duration(en, DAY_MS + HOUR)).toBe('1 day');
    expect(duration(en, 2 * DAY_MS)).toBe('2 days');
    expect(duration(zh, DAY_MS)).toBe('1 天');
    expect(duration(zh, 3 * HOUR)).toBe('3 小时');
    expect(overdueBy(en, new Date(now.getTime() - 4 * HOUR), now)).toBe('overdue 4 h');
    expect(overdueBy(zh, new Date(now.getTime() - 4 * HOUR), now)).toBe('逾期 4 小时');
  });

  it('the next sweep is tonight’s, or tomorrow night’s once it has run', () => {
    const tz = 'Asia/Shanghai';
    expect(nextSweepAt(now, '02:00', tz).toISOString()).toBe('2026-11-22T18:00:00.000Z');
    expect(nextSweepAt(new Date('2026-11-21T17:59:00Z'), '02:00', tz).toISOString()).toBe('2026-11-21T18:00:00.000Z');
    expect(nextSweepAt(new Date('2026-11-21T18:00:00Z'), '02:00', tz).toISOString()).toBe('2026-11-22T18:00:00.000Z');
    expect(nextSweepAt(now, '23:30', tz).toISOString()).toBe('2026-11-22T15:30:00.000Z');
  });
});
