import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { queueDigests } from '../../../src/domain/followups/digest.ts';
import { remindDueFollowUps } from '../../../src/domain/followups/reminders.ts';
import { sweepAutoReturn } from '../../../src/domain/pools/sweep.ts';
import { warnBeforeReturn } from '../../../src/domain/pools/warnings.ts';
import { outboxKeyOf, type StoredMessage } from '../../../src/slack-standin/standin.ts';
import { T0 } from '../../support/world.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';
import { helpers } from './store-helpers.ts';

// What the scheduled jobs send, as people see it in Slack, and their buttons pressed through signed
// requests: a follow-up's reminder (Done / Snooze 1 h / Tomorrow), the morning digest (Done and Snooze
// from the DM, the Home drawn anew), a warning before a return (Log a visit / Request an extension /
// Release), and a sweep's returns to the owner and the supervisor.

let s: SlackWorld;
let h: ReturnType<typeof helpers>;
beforeAll(async () => {
  s = await slackWorld();
  h = helpers(s);
});
afterAll(async () => s.close());

const SAM = 'U0REP2'; // English
const LI = 'U0REP1'; // Chinese
const HAN = 'U0SUP1'; // their supervisor
const t0 = new Date(T0); // Sunday 2026-11-22 10:00 in Hangzhou

beforeEach(async () => {
  s.w.clock.set(T0);
  await s.w.db.followUp.deleteMany({});
});

async function followUp(user: 'rep1' | 'rep2', storeName: string, dueAt: Date) {
  return s.w.db.followUp.create({ data: { storeId: (await s.w.store(storeName)).id, personId: s.w.people[user].id, dueAt } });
}

/** The DM a notice with this key became, once the dispatcher sent it. */
async function dmWith(user: string, key: string): Promise<StoredMessage> {
  s.running.bot!.dispatcher.kick();
  return s.standin.waitFor(() => s.standin.dmsTo(user).find((m) => outboxKeyOf(m) === key), 8000);
}

const elements = (blocks: unknown): Json[] => ((blocks ?? []) as Json[]).flatMap((b) => (b.type === 'actions' ? (b.elements as Json[]).map((e): Json => ({ ...e, block_id: b.block_id })) : []));
const element = (m: StoredMessage, actionId: string, value?: string) => {
  const e = elements(m.blocks).find((x) => x.action_id === actionId && (value === undefined || x.value === value || x.options?.some((o: Json) => o.value === value)));
  expect(e, `${actionId} ${value ?? ''}`).toBeDefined();
  return e!;
};
/** Presses a button (or picks a menu option) of a DM, as Slack sends it. */
const press = (user: string, m: StoredMessage, e: Json, option?: string) =>
  s.action(
    user,
    option ? { type: 'static_select', action_id: e.action_id, block_id: e.block_id, selected_option: { value: option, text: { type: 'plain_text', text: option } } } : { action_id: e.action_id, block_id: e.block_id, value: e.value },
    { message: { channel: m.channel, ts: m.ts, blocks: m.blocks ?? [] } },
  );
/** Waits until the DM's text (redrawn in place) contains `text`. */
const redrawn = (m: StoredMessage, text: string) => s.standin.waitFor(() => textOf(m.blocks).includes(text) && m);

describe('a follow-up’s reminder', () => {
  it('Done, Snooze 1 h and Tomorrow work from the DM, which is redrawn in place; a snooze reminds again', async () => {
    const a = await followUp('rep2', '外婆家（湖滨店）', new Date(t0.getTime() - 2 * 60_000));
    const b = await followUp('rep2', '外婆家（湖滨店）', new Date(t0.getTime() - 60_000));
    const c = await followUp('rep2', '外婆家（湖滨店）', t0);
    expect(await remindDueFollowUps(s.w.deps, { from: new Date(t0.getTime() - 10 * 60_000), to: t0 })).toEqual({ queued: 3, due: 3 });
    const [ma, mb, mc] = await Promise.all([a, b, c].map((f) => dmWith(SAM, `followup:${f.id}:${f.dueAt.toISOString()}`)));
    expect(textOf(ma!.blocks)).toContain('Follow-up due 2026-11-22 09:58: *外婆家（湖滨店）*');
    expect(elements(ma!.blocks).map((e) => e.text.text)).toEqual(['Done', 'Snooze 1 h', 'Tomorrow 09:00']);

    // Done, twice (a double click): done once, the DM says so instead of its buttons.
    const done = element(ma!, ids.actions.followUpDone);
    expect((await press(SAM, ma!, done)).status).toBe(200);
    await press(SAM, ma!, done);
    await redrawn(ma!, '✓ Done: *外婆家（湖滨店）*');
    expect(elements(ma!.blocks)).toEqual([]);
    expect(await s.w.db.followUp.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: 'done' });
    expect(await s.w.db.auditLog.count({ where: { action: 'followup.done', entityId: String(a.id) } })).toBe(1);

    // Snooze 1 h: due at 11:00, and a new reminder then.
    await press(SAM, mb!, element(mb!, ids.actions.followUpSnooze));
    await redrawn(mb!, 'snoozed to 2026-11-22 11:00');
    const later = await s.w.db.followUp.findUniqueOrThrow({ where: { id: b.id } });
    expect(later.dueAt.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    s.w.clock.set('2026-11-22T03:00:00Z');
    await remindDueFollowUps(s.w.deps, { from: t0, to: s.w.clock.now() });
    const again = await dmWith(SAM, `followup:${b.id}:2026-11-22T03:00:00.000Z`);
    expect(textOf(again.blocks)).toContain('Follow-up due 2026-11-22 11:00');
    s.w.clock.set(T0);

    // Tomorrow: 09:00 in Sam's zone.
    await press(SAM, mc!, element(mc!, ids.actions.followUpSnoozeTomorrow));
    await redrawn(mc!, 'snoozed to 2026-11-23 09:00');
    expect((await s.w.db.followUp.findUniqueOrThrow({ where: { id: c.id } })).dueAt.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    // A follow-up done before its time is not reminded.
    const gone = await followUp('rep2', '外婆家（湖滨店）', t0);
    await s.w.db.followUp.update({ where: { id: gone.id }, data: { status: 'done' } });
    expect(await remindDueFollowUps(s.w.deps, { from: new Date(t0.getTime() - 60_000), to: t0 })).toMatchObject({ queued: 0 });
  });
});

describe('the morning digest', () => {
  it('in Chinese: Done and Snooze work from the DM, and the Home shows the new day', async () => {
    const overdue = await followUp('rep1', 'Sunny Cafe', new Date('2026-11-20T06:00:00Z'));
    const today = await followUp('rep1', '老王面馆', new Date('2026-11-23T07:00:00Z'));
    s.w.clock.set('2026-11-23T00:31:00Z');
    const r = await queueDigests(s.w.deps, { at: new Date('2026-11-23T00:30:00Z'), timezone: 'Asia/Shanghai' });
    expect(r.sent).toBeGreaterThanOrEqual(1);
    const m = await dmWith(LI, `digest:${s.w.people.rep1.id}:2026-11-23`);
    const text = textOf(m.blocks);
    expect(text).toContain('早上好，Li Lei · 2026-11-23');
    expect(text).toContain('*已逾期的跟进*（1）');
    expect(text).toContain('*老王面馆* · 15:00 到期');
    const home = await s.standin.waitFor(() => {
      const v = s.standin.homes.get(LI);
      return v && textOf(v.view.blocks).includes('我的今天 · 2026-11-23') ? v : null;
    }, 8000);
    expect(textOf(home.view.blocks)).toContain('Sunny Cafe');

    await press(LI, m, element(m, ids.actions.followUpDone, String(overdue.id)));
    await redrawn(m, '✓ 已完成：*Sunny Cafe*');
    const snooze = element(m, ids.actions.followUpSnooze, `${today.id}:tomorrow`);
    await press(LI, m, snooze, `${today.id}:tomorrow`);
    await redrawn(m, '⏰ *老王面馆* 已推迟到 2026-11-24 09:00');
    expect(await s.w.db.followUp.findUniqueOrThrow({ where: { id: overdue.id } })).toMatchObject({ status: 'done' });
    expect((await s.w.db.followUp.findUniqueOrThrow({ where: { id: today.id } })).dueAt.toISOString()).toBe('2026-11-24T01:00:00.000Z');
    // Only the clicked lines changed.
    expect(textOf(m.blocks)).toContain('早上好，Li Lei');
    expect(elements(m.blocks)).toEqual([]);
  });
});

describe('a warning before a return', () => {
  it('Log a visit, Request an extension and Release open the store’s forms from the DM; Release releases', async () => {
    const cafe = await s.w.store('Sunny Cafe');
    const end = cafe.protectedUntil!;
    s.w.clock.set(new Date(end.getTime() - 3 * 86_400_000));
    await warnBeforeReturn(s.w.deps);
    const m = await dmWith(LI, `warn:${cafe.id}:${end.toISOString()}:3`);
    expect(textOf(m.blocks)).toContain(`*Sunny Cafe*（${cafe.code}）将于 2026-12-22 10:00 退回公海，还剩 3 天。`);
    expect(elements(m.blocks).map((e) => e.text.text)).toEqual(['记录拜访', '申请延期', '释放']);

    await press(LI, m, element(m, ids.actions.logVisit));
    const visit = await h.modal(LI, ids.views.logVisit);
    expect(JSON.stringify(visit.view.blocks)).toContain(`"value":"${cafe.id}"`);

    await press(LI, m, element(m, ids.actions.openRequestExtend));
    const extend = await h.modal(LI, ids.views.requestExtend);
    expect(textOf(extend.view.blocks)).toContain('Sunny Cafe');
    // Sent: one confirmation, the request's notice in the DMs — no line beside the warning as well.
    const dmsBefore = s.standin.dmsTo(LI).length;
    const ephemeralsBefore = s.standin.ephemeralsFor(LI).length;
    const responsesBefore = s.standin.responses.length;
    expect((await s.submit(LI, extend.view, { days: { days: { type: 'number_input', value: '14' } }, reason: { reason: h.plain('老板出差，下周回来') } })).body).toBeNull();
    const request = await s.w.db.approvalRequest.findFirstOrThrow({ where: { flow: 'extend', storeId: cafe.id } });
    const notice = await dmWith(LI, `approval.update:${request.id}:${request.currentStepId}:submitted`);
    expect(textOf(notice.blocks)).toContain('Sunny Cafe');
    await new Promise((r) => setTimeout(r, 300));
    expect(s.standin.dmsTo(LI).length).toBe(dmsBefore + 1);
    expect(s.standin.ephemeralsFor(LI).length).toBe(ephemeralsBefore);
    expect(s.standin.responses.length).toBe(responsesBefore);

    await press(LI, m, element(m, ids.actions.release));
    const release = await h.modal(LI, ids.views.release);
    expect((await s.submit(LI, release.view, { reason: { reason: h.plain('店铺已关闭') } })).body).toBeNull();
    expect((await s.w.store('Sunny Cafe')).ownerId).toBeNull();
    expect(await s.w.db.claimHistory.count({ where: { storeId: cafe.id, action: 'release' } })).toBe(1);
  });
});

describe('a sweep’s returns', () => {
  it('the former owner hears of its store, the supervisor of the team’s returns', async () => {
    const grannys = await s.w.store('外婆家（湖滨店）');
    const end = grannys.protectedUntil!;
    s.w.clock.set(new Date(end.getTime() + 60_000));
    const r = await sweepAutoReturn(s.w.deps);
    expect(r.returned).toBeGreaterThanOrEqual(1);
    s.running.bot!.dispatcher.kick();
    const toSam = await s.standin.waitFor(() => s.standin.dmsTo(SAM).find((x) => outboxKeyOf(x)?.startsWith(`returned:${s.w.people.rep2.id}:`)), 8000);
    expect(textOf(toSam.blocks)).toContain(`*外婆家（湖滨店）* (${grannys.code}) went back to the public pool: its protection ended on 2026-12-22 10:00.`);
    const toHan = await s.standin.waitFor(() => s.standin.dmsTo(HAN).find((x) => outboxKeyOf(x)?.startsWith(`returned-team:${s.w.people.sup1.id}:`)), 8000);
    expect(textOf(toHan.blocks)).toMatch(/stores? of your team went back to the public pool|您团队有/);
    expect(textOf(toHan.blocks)).toContain('Sam Carter');
    expect(textOf(toHan.blocks)).toContain('外婆家（湖滨店）');
  });
});
