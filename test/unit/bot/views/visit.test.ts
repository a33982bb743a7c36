import { afterEach, describe, expect, it } from 'vitest';
import { ids } from '../../../../src/bot/ids.ts';
import { FOLLOW_UP_DEFAULT_TIME, parseWhen, pickedWhen, readWhenField } from '../../../../src/bot/dates.ts';
import { bundles } from '../../../../src/bot/i18n/index.ts';
import type { StoreCardData } from '../../../../src/bot/views/store-card.ts';
import { visitConfirmation } from '../../../../src/bot/views/visit-confirmation.ts';
import { messageToSummary, readVisitForm, SUMMARY_MAX, visitIds, visitModal } from '../../../../src/bot/views/visit-modal.ts';
import type { Actor } from '../../../../src/domain/org/roles.ts';
import { formatDateTime, offsetMinutes } from '../../../../src/domain/time/zone.ts';
import type { Reader } from '../../../../src/i18n/index.ts';
import type { LogVisitResult } from '../../../../src/domain/visits/visits.ts';
import { checkBlocks, checkModal } from './limits.ts';

type Json = Record<string, any>;

const en: Reader = { locale: 'en', timezone: 'Asia/Shanghai' };
const zh: Reader = { locale: 'zh-CN', timezone: 'Asia/Shanghai' };
/** Sunday 2026-11-22, 10:00 in Shanghai. */
const SUNDAY = new Date('2026-11-22T02:00:00Z');
/** Monday 2026-11-23, 07:30 in Shanghai — still Sunday in UTC. */
const MONDAY_EARLY = new Date('2026-11-22T23:30:00Z');
const len = (s: unknown) => Array.from(String(s ?? '')).length;
const local = (d: Date | null | undefined, tz = 'Asia/Shanghai') => (d ? formatDateTime(d, tz) : d);

describe('the log-visit modal', () => {
  const block = (v: Json, id: string) => (v.blocks as Json[]).find((b) => b.block_id === id)!;

  it('keeps Slack’s limits with a 500-character store name and a long summary, in both languages', () => {
    for (const reader of [en, zh]) {
      const v = visitModal(reader, { store: { id: 7, name: '店'.repeat(500), code: 'CRM202611220001' }, summary: 'x'.repeat(5000) }) as Json;
      checkModal(v);
      expect(v.callback_id).toBe(ids.views.logVisit);
      expect(len(JSON.stringify(v))).toBeLessThan(250_000);
      const store = block(v, 'storeId').element;
      expect(store).toMatchObject({ type: 'external_select', action_id: ids.actions.storeSelect, min_query_length: 1, initial_option: { value: '7' } });
      expect(len(store.initial_option.text.text)).toBe(75);
      expect(store.initial_option.text.text.endsWith('…')).toBe(true);
      const summary = block(v, 'summary').element;
      expect(summary.max_length).toBe(SUMMARY_MAX);
      expect(len(summary.initial_value)).toBe(SUMMARY_MAX);
      expect(summary.initial_value.endsWith('…')).toBe(true);
    }
  });

  it('names its inputs after logVisit’s fields, with pickers beside the two "when" fields', () => {
    const v = visitModal(en) as Json;
    expect((v.blocks as Json[]).filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(['storeId', 'at', 'method', 'summary', 'outcome', 'stage', 'nextFollowUpAt']);
    expect(block(v, 'storeId').element.initial_option).toBeUndefined();
    expect(block(v, 'summary').element.initial_value).toBeUndefined();
    expect(block(v, 'method').element.initial_option.value).toBe('in_person');
    expect(block(v, 'at').optional).toBe(true);
    expect(block(v, 'nextFollowUpAt').optional).toBe(true);
    expect(block(v, 'at_pick').elements.map((e: Json) => e.type)).toEqual(['datepicker', 'timepicker']);
    expect(block(v, 'nextFollowUpAt_pick').elements.map((e: Json) => e.action_id)).toEqual([visitIds.actions.nextDate, visitIds.actions.nextTime]);
  });

  it('says why nothing is preselected when /visit text named no single store', () => {
    const none = JSON.stringify(visitModal(en, { search: { text: `<b>${'q'.repeat(300)}`, found: 0 } }));
    expect(none).toContain('No store you can see matches “&lt;b&gt;qqq');
    expect(JSON.stringify(visitModal(zh, { search: { text: '面馆', found: 3 } }))).toContain('有多家门店与“面馆”匹配');
  });

  it('reads a submission in Slack’s state.values shape', () => {
    const form = readVisitForm({
      storeId: { [ids.actions.storeSelect]: { type: 'external_select', selected_option: { value: '12' } } },
      at: { [visitIds.actions.atText]: { type: 'plain_text_input', value: ' yesterday 3pm ' } },
      at_pick: { [visitIds.actions.atDate]: { type: 'datepicker', selected_date: null }, [visitIds.actions.atTime]: { type: 'timepicker', selected_time: null } },
      method: { [visitIds.actions.method]: { type: 'radio_buttons', selected_option: { value: 'phone' } } },
      summary: { [visitIds.actions.summary]: { type: 'plain_text_input', value: 'Talked to the owner' } },
      outcome: { [visitIds.actions.outcome]: { type: 'plain_text_input', value: null } },
      stage: { [visitIds.actions.stage]: { type: 'static_select', selected_option: null } },
      nextFollowUpAt: { [visitIds.actions.nextText]: { type: 'plain_text_input', value: null } },
      nextFollowUpAt_pick: { [visitIds.actions.nextDate]: { type: 'datepicker', selected_date: '2026-11-30' } },
    });
    expect(form).toEqual({
      storeId: 12,
      at: { text: 'yesterday 3pm', date: null, time: null },
      method: 'phone',
      summary: 'Talked to the owner',
      outcome: null,
      stage: null,
      next: { text: null, date: '2026-11-30', time: null },
    });
    expect(readVisitForm(undefined).storeId).toBeNull();
    expect(readVisitForm({ storeId: { [ids.actions.storeSelect]: { selected_option: { value: 'abc' } } } }).storeId).toBeNull();
  });

  it('turns a message’s Slack markup into plain text for the summary', () => {
    expect(messageToSummary('Met <@U0REP1|li> at <https://maps.example/x|the shop> in <#C0SALES|sales> &amp; agreed &lt;3 cases&gt; <!here>')).toBe(
      'Met @li at the shop in #sales & agreed <3 cases> @here',
    );
    expect(messageToSummary('<@U0REP1> see <https://example.com>')).toBe('@U0REP1 see https://example.com');
    expect(messageToSummary(undefined)).toBe('');
  });
});

describe('the confirmation', () => {
  const actor: Actor = { id: 3, name: 'Sam', role: 'rep', unitId: 1, active: true, locale: 'en', timezone: null };
  const card = (over: Json = {}) =>
    ({
      id: 5, code: 'CRM202611220001', name: 'S'.repeat(500), address: 'A'.repeat(500), status: 'active', stage: 'interested', grade: 'C', ownerId: null,
      owner: null, protectedUntil: null, isCustomer: false, lastVisitAt: SUNDAY, nextFollowUpAt: null, regionId: 1,
      contacts: [],
      latestVisits: [{ at: SUNDAY, method: 'in_person', summary: 'V'.repeat(2000), person: { id: 3, name: 'P'.repeat(500) } }],
      ...over,
    }) as unknown as StoreCardData;
  const result = (claimable: boolean, ownerId: number | null): LogVisitResult =>
    ({ visit: { id: 1, at: SUNDAY, method: 'in_person', cold: ownerId !== 3 }, store: { id: 5, name: 'S'.repeat(500), ownerId }, claimable, followUpId: null }) as unknown as LogVisitResult;

  it('on a public store: what was logged, the card and its Claim button, within a message’s limits', () => {
    for (const reader of [en, zh]) {
      const m = visitConfirmation(reader, {
        result: result(true, null),
        summary: 'line\n'.repeat(1500),
        outcome: 'O'.repeat(500),
        stage: 'interested',
        nextFollowUpAt: new Date('2026-11-24T01:00:00Z'),
        card: card(),
        viewer: { actor, canClaim: true },
        now: SUNDAY,
      });
      checkBlocks(m.blocks as Json[], 50);
      expect(len(m.text)).toBeLessThanOrEqual(3000);
      const buttons = (m.blocks as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: Json) => e.action_id));
      expect(buttons).toContain(ids.actions.claim);
      expect(JSON.stringify(m.blocks)).toContain('2026-11-24 09:00');
    }
    const m = visitConfirmation(en, { result: result(true, null), summary: 'Hi', card: card(), viewer: { actor, canClaim: true }, now: SUNDAY });
    expect(JSON.stringify(m.blocks)).toContain('Claim it to make it yours');
  });

  it('on my own store: no Claim button; without the card, still a confirmation', () => {
    const own = visitConfirmation(en, { result: result(false, 3), summary: 'Hi', card: card({ ownerId: 3, owner: { id: 3, name: 'Sam', unitId: 1 } }), viewer: { actor, canClaim: false }, now: SUNDAY });
    const buttons = (own.blocks as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: Json) => e.action_id));
    expect(buttons).not.toContain(ids.actions.claim);
    expect(buttons).toContain(ids.actions.logVisit);
    const bare = visitConfirmation(zh, { result: result(true, null), summary: 'Hi', card: null, viewer: { actor, canClaim: true }, now: SUNDAY });
    expect(JSON.stringify(bare.blocks)).toContain(ids.actions.claim);
    expect(bare.text).toContain('已记录对');
  });
});

describe('dates typed in English and Chinese', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });
  const follow = (text: string, reader = en, now = SUNDAY) => local(parseWhen(text, reader, now, 'followUp'), reader.timezone);
  const visit = (text: string, reader = en, now = SUNDAY) => local(parseWhen(text, reader, now, 'visit'), reader.timezone);

  it('reads the issue’s examples in the reader’s time zone', () => {
    expect(follow('tomorrow 10am')).toBe('2026-11-23 10:00');
    expect(follow('明天上午10点', zh)).toBe('2026-11-23 10:00');
    expect(follow('in 3 days')).toBe('2026-11-25 09:00');
    expect(follow('3天后', zh)).toBe('2026-11-25 09:00');
    expect(follow('三天后', zh)).toBe('2026-11-25 09:00');
    expect(follow('next tue')).toBe('2026-11-24 09:00');
    expect(follow('下周二', zh)).toBe('2026-11-24 09:00');
    expect(parseWhen('tomorrow 10am', en, SUNDAY)?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
  });

  it('gives a follow-up on a day without a time 09:00, in both languages alike', () => {
    expect(FOLLOW_UP_DEFAULT_TIME).toEqual({ hour: 9, minute: 0 });
    const pairs = [
      ['tomorrow', '明天'],
      ['in 3 days', '3天后'],
      ['next tue', '下周二'],
      ['friday', '周五'],
      ['next week', '下周'],
      ['Dec 1', '12月1日'],
      ['tomorrow 3pm', '明天下午3点'],
      ['tomorrow morning', '明天上午'],
      ['in 2 hours', '2小时后'],
    ] as const;
    for (const [e, c] of pairs) {
      // Each text means the same in either reader's language (the other language is the fallback).
      expect(follow(c, zh), c).toBe(follow(e, en));
      expect(follow(c, en), c).toBe(follow(e, zh));
    }
    expect(follow('tomorrow')).toBe('2026-11-23 09:00');
    expect(follow('12月1日', zh)).toBe('2026-12-01 09:00');
    expect(follow('明天上午', zh)).toBe('2026-11-23 09:00');
    expect(follow('2小时后', zh)).toBe('2026-11-22 12:00');
  });

  it('counts weeks Monday to Sunday: on Sunday 2026-11-22, next Tuesday and 下周二 are the 24th', () => {
    expect(follow('next tuesday')).toBe('2026-11-24 09:00');
    expect(follow('下星期二', zh)).toBe('2026-11-24 09:00');
    expect(follow('下个礼拜二下午3点', zh)).toBe('2026-11-24 15:00');
    expect(follow('next tue 3pm')).toBe('2026-11-24 15:00');
    expect(follow('tuesday')).toBe('2026-11-24 09:00');
    expect(follow('周二', zh)).toBe('2026-11-24 09:00');
    expect(follow('next sunday')).toBe('2026-11-29 09:00');
    expect(follow('下周日', zh)).toBe('2026-11-29 09:00');
    expect(follow('下下周一', zh)).toBe('2026-11-30 09:00');
    expect(follow('下周一', zh)).toBe('2026-11-23 09:00');
    // This week's Tuesday is behind us on a Sunday; last week's is the one before.
    expect(visit('这周二', zh)).toBe('2026-11-17 12:00');
    expect(visit('上周二', zh)).toBe('2026-11-10 12:00');
    // "last Tuesday" in English is the latest Tuesday.
    expect(visit('last tue')).toBe('2026-11-17 12:00');
    // On Monday, next Tuesday is a week and a day away, as 下周二 is.
    expect(follow('next tue', en, MONDAY_EARLY)).toBe('2026-12-01 09:00');
    expect(follow('下周二', zh, MONDAY_EARLY)).toBe('2026-12-01 09:00');
    expect(follow('tuesday', en, MONDAY_EARLY)).toBe('2026-11-24 09:00');
  });

  it('leans to the past for a visit: a bare weekday is the latest one; a day without a time is midday or now', () => {
    expect(visit('yesterday 3pm')).toBe('2026-11-21 15:00');
    expect(visit('昨天下午3点', zh)).toBe('2026-11-21 15:00');
    expect(visit('yesterday')).toBe('2026-11-21 12:00');
    expect(visit('today')).toBe('2026-11-22 10:00');
    expect(visit('今天', zh)).toBe('2026-11-22 10:00');
    expect(visit('this morning')).toBe('2026-11-22 09:00');
    expect(visit('tuesday')).toBe('2026-11-17 12:00');
    expect(visit('周日', zh)).toBe('2026-11-22 10:00');
    expect(visit('1 hour ago')).toBe('2026-11-22 09:00');
    expect(visit('半小时前', zh)).toBe('2026-11-22 09:30');
    expect(visit('刚才', zh)).toBe('2026-11-22 10:00');
  });

  it('uses the reader’s day, whatever the process’s time zone', () => {
    for (const processTz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      process.env.TZ = processTz;
      expect(follow('明天', zh, MONDAY_EARLY), processTz).toBe('2026-11-24 09:00');
      expect(follow('tomorrow', en, MONDAY_EARLY), processTz).toBe('2026-11-24 09:00');
      expect(follow('3天后', zh, MONDAY_EARLY), processTz).toBe('2026-11-26 09:00');
      expect(follow('下午3点', zh, MONDAY_EARLY), processTz).toBe('2026-11-23 15:00');
      expect(visit('今天', zh, MONDAY_EARLY), processTz).toBe('2026-11-23 07:30');
    }
  });

  it('works in another time zone, and with a zone in the text', () => {
    const ny: Reader = { locale: 'en', timezone: 'America/New_York' };
    expect(offsetMinutes(SUNDAY, 'Asia/Shanghai')).toBe(480);
    expect(offsetMinutes(SUNDAY, 'America/New_York')).toBe(-300);
    // 2026-11-21 21:00 in New York
    expect(follow('tomorrow 10am', ny)).toBe('2026-11-22 10:00');
    expect(parseWhen('tomorrow 10am', ny, SUNDAY)?.toISOString()).toBe('2026-11-22T15:00:00.000Z');
    expect(follow('明天', { ...ny, locale: 'zh-CN' })).toBe('2026-11-22 09:00');
    expect(parseWhen('10am UTC', en, SUNDAY)?.toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });

  it('refuses what is not a date, or has words left over', () => {
    for (const text of ['', '   ', 'someday maybe', 'asdf tomorrow', 'tomorrow and friday', '乱七八糟', '明天见客户', 'x'.repeat(200)]) {
      expect(parseWhen(text, en, SUNDAY), text).toBeNull();
      expect(parseWhen(text, zh, SUNDAY), text).toBeNull();
    }
    expect(follow('at 3pm, tomorrow')).toBe('2026-11-23 15:00');
    expect(follow('Tuesday, December 1')).toBe('2026-12-01 09:00');
    expect(follow('next tue blah')).toBeNull();
    expect(follow('３天后', zh)).toBe('2026-11-25 09:00');
  });

  it('reads the pickers: a date alone takes the default time, a time alone is today', () => {
    expect(local(pickedWhen('2026-11-30', null, en, SUNDAY, 'followUp'))).toBe('2026-11-30 09:00');
    expect(local(pickedWhen('2026-11-30', '14:30', en, SUNDAY, 'followUp'))).toBe('2026-11-30 14:30');
    expect(local(pickedWhen(null, '08:15', en, SUNDAY, 'visit'))).toBe('2026-11-22 08:15');
    expect(local(pickedWhen('2026-11-22', null, en, SUNDAY, 'visit'))).toBe('2026-11-22 10:00');
    expect(pickedWhen(null, null, en, SUNDAY, 'visit')).toBeUndefined();
    expect(pickedWhen('22/11/2026', null, en, SUNDAY, 'visit')).toBeNull();
    expect(readWhenField({ text: 'tomorrow', date: '2026-12-25' }, en, SUNDAY, 'followUp')).toEqual({ kind: 'ok', date: new Date('2026-11-23T01:00:00Z') });
    expect(readWhenField({ text: null, date: '2026-12-25' }, en, SUNDAY, 'followUp')).toEqual({ kind: 'ok', date: new Date('2026-12-25T01:00:00Z') });
    expect(readWhenField({ text: 'soonish' }, en, SUNDAY, 'followUp')).toEqual({ kind: 'unreadable', text: 'soonish' });
    expect(readWhenField({}, en, SUNDAY, 'visit')).toEqual({ kind: 'empty' });
  });
});

describe('the visit bundle', () => {
  it('has every key in English and Chinese with the same placeholders', () => {
    const { en: e, 'zh-CN': z } = bundles.visit!;
    expect(Object.keys(z).sort()).toEqual(Object.keys(e).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(e)) expect(holes(z[k]!), k).toEqual(holes(e[k]!));
    expect(Object.keys(e).length).toBeGreaterThan(30);
  });
});
