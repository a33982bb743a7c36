import { describe, expect, it } from 'vitest';
import { ids } from '../../../../src/bot/ids.ts';
import { createdMessage, oppActions, opportunityModal, parseAmount, readOpportunity } from '../../../../src/bot/views/opportunity-modal.ts';
import { formatMoney } from '../../../../src/i18n/money.ts';
import { checkBlocks, checkModal } from './limits.ts';

type Json = Record<string, any>;

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };

describe('the opportunity modal', () => {
  it('has inputs named after the domain fields, within limits, in both languages', () => {
    for (const reader of [en, zh]) {
      const v = opportunityModal(reader) as Json;
      checkModal(v);
      expect(v.callback_id).toBe(ids.views.opportunity);
      expect(v.blocks.map((b: Json) => b.block_id)).toEqual(['storeId', 'name', 'amount', 'expectedCloseAt', 'stage', 'competitors', 'notes']);
      expect(v.blocks[0].element).toMatchObject({ type: 'external_select', action_id: ids.actions.storeSelect });
      expect(v.blocks[4].element.options.map((o: Json) => o.value)).toEqual(['initial_contact', 'needs_analysis', 'proposal', 'negotiation']);
    }
    expect((opportunityModal(zh) as Json).title.text).toBe('新建商机');
  });

  it('preselects a store (long names cut) and shows a hint', () => {
    const name = '外婆家（湖滨店）'.repeat(20);
    const v = opportunityModal(en, { store: { id: 7, name, code: 'CRM202611220007' }, hint: 'No store matches “x”' }) as Json;
    checkModal(v);
    expect(v.blocks[0].type).toBe('context');
    const store = v.blocks[1].element;
    expect(store.initial_option.value).toBe('7');
    expect(Array.from(store.initial_option.text.text as string).length).toBeLessThanOrEqual(75);
  });
});

describe('amounts', () => {
  it('reads yuan or dollars with up to 2 decimals as minor units', () => {
    expect(parseAmount('12800')).toBe(1_280_000);
    expect(parseAmount('12,800.5')).toBe(1_280_050);
    expect(parseAmount(' ¥ 99.99 ')).toBe(9999);
    expect(parseAmount('$1,000')).toBe(100_000);
    expect(parseAmount('１２８００元')).toBe(1_280_000);
    expect(parseAmount('０．５')).toBe(50);
    expect(parseAmount('0')).toBe(0);
    expect(parseAmount('-5')).toBe(-500);
    expect(parseAmount('99999999999999999999')).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of ['abc', '1.234', '1e5', '', '12.3.4', '--5', '5-']) expect(parseAmount(bad), bad).toBeNull();
  });

  it('formats minor units', () => {
    expect(formatMoney(1_234_567, 'en')).toBe('12,345.67');
    expect(formatMoney(5, 'en')).toBe('0.05');
    expect(formatMoney(-100, 'en')).toBe('-1.00');
  });
});

describe('reading a submission', () => {
  const values = (patch: Json = {}) => ({
    storeId: { [oppActions.storeId]: { type: 'external_select', selected_option: { text: { type: 'plain_text', text: 'Sunny' }, value: '5' } } },
    name: { [oppActions.name]: { type: 'plain_text_input', value: 'Coffee' } },
    amount: { [oppActions.amount]: { type: 'plain_text_input', value: '1,200.5' } },
    expectedCloseAt: { [oppActions.expectedCloseAt]: { type: 'datepicker', selected_date: '2026-12-31' } },
    stage: { [oppActions.stage]: { type: 'static_select', selected_option: { value: 'proposal' } } },
    competitors: { [oppActions.competitors]: { type: 'plain_text_input', value: '  ' } },
    notes: { [oppActions.notes]: { type: 'plain_text_input', value: null } },
    ...patch,
  });

  it('maps inputs to the domain input', () => {
    expect(readOpportunity(values())).toEqual({
      input: { storeId: 5, name: 'Coffee', amount: 120_050, expectedCloseAt: '2026-12-31', stage: 'proposal', competitors: undefined, notes: undefined },
      amountUnreadable: false,
    });
  });

  it('flags an unreadable amount and leaves missing ones to the domain', () => {
    const bad = readOpportunity(values({ amount: { [oppActions.amount]: { type: 'plain_text_input', value: 'ten' } } }));
    expect(bad.amountUnreadable).toBe(true);
    expect(bad.input.amount).toBeNaN();
    const none = readOpportunity(values({ amount: { [oppActions.amount]: { type: 'plain_text_input', value: '' } }, storeId: {} }));
    expect(none).toMatchObject({ amountUnreadable: false, input: { amount: undefined, storeId: undefined } });
  });
});

describe('the confirmation DM', () => {
  it('says what was registered, within limits', () => {
    for (const reader of [en, zh]) {
      const m = createdMessage(reader, {
        name: 'n'.repeat(100),
        amount: 99_00,
        expectedCloseAt: new Date('2026-12-30T16:00:00Z'),
        stage: 'needs_analysis',
        competitors: 'c'.repeat(500),
        notes: 'x'.repeat(2000),
        store: { name: 'Sunny Cafe', code: 'CRM202611220002' },
      });
      checkBlocks(m.blocks as Json[], 50);
      expect(JSON.stringify(m.blocks)).toContain('2026-12-31');
      expect(JSON.stringify(m.blocks)).toContain(reader.locale === 'en' ? 'Needs analysis' : '需求分析');
      expect(m.text).toContain('Sunny Cafe');
    }
  });
});
