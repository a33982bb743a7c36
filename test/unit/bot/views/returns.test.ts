import { describe, expect, it } from 'vitest';
import { ids } from '../../../../src/bot/ids.ts';
import { returnedMessage, teamReturnedMessage, warningMessage } from '../../../../src/bot/views/returns.ts';
import { textOf } from '../../../support/blocks.ts';
import { checkBlocks } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
const until = new Date('2026-12-22T02:00:00Z');
const elements = (blocks: Json[]) => blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));

describe('a warning before a return', () => {
  it('says when, and offers Log a visit, Request an extension and Release on the store', () => {
    const m = warningMessage(en, { store: { id: 5, name: 'Sunny Cafe', code: 'CRM5' }, until, days: 3, visitExtendsDays: 14 });
    expect(textOf(m.blocks)).toContain('*Sunny Cafe* (CRM5) goes back to the public pool on 2026-12-22 10:00, in 3 days.');
    expect(textOf(m.blocks)).toContain('A visit in person keeps it for 14 more days.');
    expect(elements(m.blocks as Json[]).map((b) => [b.action_id, b.value, b.text.text])).toEqual([
      [ids.actions.logVisit, '5', 'Log visit'],
      [ids.actions.openRequestExtend, '5', 'Request an extension'],
      [ids.actions.release, '5', 'Release'],
    ]);
    checkBlocks(m.blocks as Json[], 50);
  });

  it('in Chinese', () => {
    const m = warningMessage(zh, { store: { id: 5, name: 'Sunny Cafe', code: 'CRM5' }, until, days: 1, visitExtendsDays: 0 });
    expect(textOf(m.blocks)).toContain('将于 2026-12-22 10:00 退回公海，还剩 1 天。');
    expect(elements(m.blocks as Json[]).map((b) => b.text.text)).toEqual(['记录拜访', '申请延期', '释放']);
  });
});

describe('returns told after a sweep', () => {
  const store = (i: number) => ({ name: `Store <${i}>`, code: `C${i}`, protectedUntil: until });

  it('one store: the sentence of its return, and the cool-down', () => {
    const m = returnedMessage(en, { stores: [store(1)], total: 1, cooldownDays: 7 });
    expect(textOf(m.blocks)).toContain('*Store &lt;1&gt;* (C1) went back to the public pool: its protection ended on 2026-12-22 10:00.');
    expect(textOf(m.blocks)).toContain('You can claim it again after 7 days.');
  });

  it('several: one message listing them, cut with “…and N more”', () => {
    const m = returnedMessage(zh, { stores: Array.from({ length: 50 }, (_, i) => store(i)), total: 80, cooldownDays: 0 });
    expect(textOf(m.blocks)).toContain('您有 80 家门店的保护期已结束，已退回公海。');
    expect(textOf(m.blocks)).toContain('• *Store &lt;0&gt;* `C0` · 2026-12-22 10:00 到期');
    expect(textOf(m.blocks)).toMatch(/……还有 \d+ 条/);
    checkBlocks(m.blocks as Json[], 50);
  });

  it('a supervisor’s summary: the team’s count, by owner, and the stores', () => {
    const m = teamReturnedMessage(en, { at: until, total: 3, owners: [{ name: 'Li Lei', count: 1 }, { name: 'Sam Carter', count: 2 }], stores: [store(1), store(2), store(3)] });
    const text = textOf(m.blocks);
    expect(text).toContain('3 stores of your team went back to the public pool at the auto-return of 2026-12-22 10:00.');
    expect(text.indexOf('• Sam Carter: 2')).toBeLessThan(text.indexOf('• Li Lei: 1'));
    expect(text).toContain('`C3`');
  });
});
