import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { runApprovalReminders } from '../../../src/domain/approvals/reminders.ts';
import { outboxKeyOf } from '../../../src/slack-standin/standin.ts';
import { slackIds } from '../../support/world.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';
import { buttonsOf, cardOf, cardSays, clickOn, decideOn, ephemeralSaying, noticeOf, personId, reportDirect, WAIT_MS } from './approvals-helpers.ts';

// Reminders, escalation, the requester's Remind and a delegate while away, end to end: signed Slack
// payloads in, what each person sees read from the stand-in Slack (through the real outbox).
//
// Sam Carter (U0REP2, en) is a rep of Team 1, led by Han Meimei (U0SUP1, English); Team 1 is in the
// West Lake area, led by Wang Fang (U0MGR1). The company works Monday–Friday in Asia/Shanghai; a step
// is reminded after 24 working hours and escalated after 72 (the defaults).

const SAM = slackIds.rep2;
const HAN = slackIds.sup1;
const WANG = slackIds.mgrWest;
const LI = slackIds.rep1;

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

const kick = () => s.running.bot!.dispatcher.kick();
const dmWithKey = (user: string, key: string) => s.standin.waitFor(() => s.standin.dmsTo(user).find((m) => outboxKeyOf(m) === key), WAIT_MS);
const dmsStarting = (user: string, prefix: string) => s.standin.dmsTo(user).filter((m) => (outboxKeyOf(m) ?? '').startsWith(prefix));

describe('escalation', () => {
  it('a request that waited 72 working hours reaches Wang Fang too; his approval shows on every card; Sam and Han are told', async () => {
    s.w.clock.set('2026-11-22T02:00:00Z'); // Sunday 10:00
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Escalated deal', amount: 300_000 });
    const hanCard = await cardOf(s, HAN, r.stepId);

    // Thursday 08:00: Monday, Tuesday and Wednesday counted whole, and 8 hours of Thursday.
    s.w.clock.set('2026-11-26T00:00:00Z');
    expect(await runApprovalReminders(s.w.deps)).toMatchObject({ escalated: 1 });
    kick();
    const wangCard = await cardOf(s, WANG, r.stepId);
    expect(textOf(wangCard.blocks)).toContain('⏫ Escalated to you: it has waited since 2026-11-22 10:00. The first decision counts.');
    expect(buttonsOf(wangCard).map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject']);

    const told = await dmWithKey(HAN, `approval.escalated:${r.stepId}:${await personId(s, HAN)}`);
    expect(textOf(told.blocks)).toContain('*Wang Fang* can now decide it too. The first decision counts.');
    expect(buttonsOf(told).map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject', 'Open']);
    const samTold = await noticeOf(s, SAM, r.requestId, r.stepId, 'escalated');
    expect(textOf(samTold.blocks)).toContain('⏫ Your opportunity report for *外婆家（湖滨店）* has waited since 2026-11-22 10:00; it now goes to *Wang Fang* as well.');

    // Running again sends nothing more.
    const dms = s.standin.dmsTo(WANG).length + s.standin.dmsTo(HAN).length;
    await runApprovalReminders(s.w.deps);
    kick();
    await new Promise((ok) => setTimeout(ok, 300));
    expect(s.standin.dmsTo(WANG).length + s.standin.dmsTo(HAN).length).toBe(dms);

    s.w.clock.set('2026-11-26T01:00:00Z');
    await decideOn(s, WANG, wangCard, ids.actions.approve, r.stepId);
    await cardSays(s, wangCard, '✅ Approved by Wang Fang at 2026-11-26 09:00');
    await cardSays(s, hanCard, '✅ Approved by Wang Fang at 2026-11-26 09:00');
    expect(buttonsOf(hanCard)).toEqual([]);
    const approved = await noticeOf(s, SAM, r.requestId, r.stepId, 'approved');
    expect(textOf(approved.blocks)).toContain('was approved by *Wang Fang*');
    // A late click on Han's card is told who decided.
    await decideOn(s, HAN, hanCard, ids.actions.approve, r.stepId);
    await ephemeralSaying(s, HAN, 'Already approved by Wang Fang at 2026-11-26 09:00');
  });
});

describe('the requester’s Remind', () => {
  it('two clicks at once remind Han once; the second is told when Sam can remind again; Han approves from the reminder', async () => {
    s.w.clock.set('2026-11-30T02:00:00Z'); // Monday 10:00
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Remind deal', amount: 300_000 });
    const hanCard = await cardOf(s, HAN, r.stepId);
    const submitted = await noticeOf(s, SAM, r.requestId, r.stepId, 'submitted');
    const remind = buttonsOf(submitted).find((b) => b.action_id === ids.actions.remindApprovers)!;
    expect(remind).toMatchObject({ text: { text: 'Remind' }, value: String(r.requestId) });

    s.w.clock.set('2026-11-30T03:00:00Z');
    const clicks = await Promise.all([clickOn(s, SAM, submitted, remind.action_id, remind.value), clickOn(s, SAM, submitted, remind.action_id, remind.value)]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await ephemeralSaying(s, SAM, '⏰ Reminded *Han Meimei*. You can remind them again after 2026-11-30 15:00.');
    await ephemeralSaying(s, SAM, 'You reminded the approvers at 2026-11-30 11:00; you can remind them again after 2026-11-30 15:00.');
    const reminder = await s.standin.waitFor(() => dmsStarting(HAN, `approval.nudge:${r.stepId}:`)[0], WAIT_MS);
    expect(textOf(reminder.blocks)).toContain('⏰ *Sam Carter* asks you to look at their opportunity report for *外婆家（湖滨店）*, waiting for your decision since 2026-11-30 10:00.');
    await new Promise((ok) => setTimeout(ok, 300));
    expect(dmsStarting(HAN, 'approval.nudge:')).toHaveLength(1);

    // Approve right from the reminder: the card shows it.
    await decideOn(s, HAN, reminder, ids.actions.approve, r.stepId);
    await cardSays(s, hanCard, '✅ Approved by Han Meimei at 2026-11-30 11:00');
  });
});

describe('away with a delegate', () => {
  const openModal = async (user: string) => {
    for (const v of s.standin.openViews(user)) v.closed = true;
    return s.standin.waitFor(() => {
      const top = s.openView(user);
      return top && top.view.callback_id === ids.views.away ? top.view : undefined;
    });
  };
  const values = (from: string | null, to: string | null, delegate: string | null): Json => ({
    from: { away_from: { type: 'datepicker', selected_date: from } },
    to: { away_to: { type: 'datepicker', selected_date: to } },
    delegateId: { away_delegate: { type: 'users_select', selected_user: delegate } },
  });

  it('the /crm away modal shows each refusal under its input and writes nothing', async () => {
    s.w.clock.set('2026-12-07T02:00:00Z'); // Monday 10:00
    const opened = openModal(HAN);
    await s.command(HAN, '/crm', 'away');
    const view = await opened;
    expect(((view.blocks as Json[]).map((b) => b.block_id))).toEqual(expect.arrayContaining(['from', 'to', 'delegateId']));

    const dates = await s.submit(HAN, view, values('2026-12-01', '2026-11-30', WANG));
    expect(dates.body).toEqual({ response_action: 'errors', errors: { from: 'must be today (2026-12-07) or later', to: 'must be the first day or later' } });
    const rep = await s.submit(HAN, view, values('2026-12-07', '2026-12-09', LI));
    expect(rep.body).toEqual({ response_action: 'errors', errors: { delegateId: 'Li Lei is a rep and cannot approve: choose a supervisor, a manager or an admin' } });
    s.standin.addUser({ id: 'U0OUTSIDER', name: 'Outsider', locale: 'en-US' });
    const stranger = await s.submit(HAN, view, values('2026-12-07', '2026-12-09', 'U0OUTSIDER'));
    expect(stranger.body).toEqual({ response_action: 'errors', errors: { delegateId: 'is not a Seaboard user' } });
    const olivia = await s.submit(HAN, view, values('2026-12-07', '2026-12-09', slackIds.sup2));
    expect((olivia.body as { errors: Record<string, string> }).errors.delegateId).toBe('Olivia Brown cannot see the requests Han Meimei approves: choose someone who leads Han Meimei’s team or a unit above it');
    expect(await s.w.db.absence.count()).toBe(0);
  });

  it('Han is away with Wang Fang as delegate: the request reaches both; Wang approves on her behalf and every card says so', async () => {
    s.w.clock.set('2026-12-07T02:00:00Z');
    const opened = openModal(HAN);
    await s.command(HAN, '/crm', 'away');
    const view = await opened;
    const saved = await s.submit(HAN, view, values('2026-12-07', '2026-12-09', WANG));
    expect(saved.body).toMatchObject({ response_action: 'update' });
    expect(textOf((saved.body as { view: { blocks: unknown[] } }).view.blocks)).toContain('*Han Meimei* is away from 2026-12-07 to 2026-12-09; *Wang Fang* approves in the meantime, starting now.');
    kick();
    const toWang = await s.standin.waitFor(() => dmsStarting(WANG, 'away.delegate:')[0], WAIT_MS);
    expect(textOf(toWang.blocks)).toContain('*Han Meimei* is away from 2026-12-07 to 2026-12-09: you approve their requests in the meantime.');

    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Delegated deal', amount: 300_000 });
    const hanCard = await cardOf(s, HAN, r.stepId);
    const wangCard = await cardOf(s, WANG, r.stepId);
    expect(textOf(wangCard.blocks)).toContain('🤝 You decide this on behalf of *Han Meimei*, who is away.');
    s.w.clock.set('2026-12-07T03:00:00Z');
    await decideOn(s, WANG, wangCard, ids.actions.approve, r.stepId);
    await cardSays(s, hanCard, '✅ Approved by Wang Fang on behalf of Han Meimei at 2026-12-07 11:00');
    await cardSays(s, wangCard, '✅ Approved by Wang Fang on behalf of Han Meimei at 2026-12-07 11:00');
    const told = await noticeOf(s, SAM, r.requestId, r.stepId, 'approved');
    expect(textOf(told.blocks)).toContain('was approved by *Wang Fang on behalf of Han Meimei*.');

    // Back early: /crm away off.
    const off = await s.command(HAN, '/crm', 'away off');
    expect(off.status).toBe(200);
    await s.standin.waitFor(() => s.standin.responses.find((x) => String(x.body.text ?? '').includes('Welcome back')), WAIT_MS);
    expect(await s.w.db.absence.count({ where: { endedAt: null } })).toBe(0);
  });

  it('App Home’s Away… opens the same modal, saying the period already set', async () => {
    s.w.clock.set('2026-12-07T04:00:00Z');
    await s.command(HAN, '/crm', `away 2026-12-14 2026-12-15 <@${WANG}|wang>`);
    await s.standin.waitFor(() => s.standin.responses.find((x) => String(x.body.text ?? '').includes('*Han Meimei* is away from 2026-12-14 to 2026-12-15; *Wang Fang* approves in the meantime.')), WAIT_MS);
    // Home, published again after the command, says it too.
    await s.standin.waitFor(() => textOf((s.standin.homes.get(HAN)?.view.blocks ?? []) as unknown[]).includes('🏖 Away from 2026-12-14 to 2026-12-15; *Wang Fang* will approve for you.'), WAIT_MS);
    const opened = openModal(HAN);
    await s.action(HAN, { action_id: ids.actions.homeAway, block_id: 'home_quick' }, { view: { id: 'VHOMEHAN', type: 'home', blocks: [] } });
    const view = await opened;
    expect(textOf(view.blocks as unknown[])).toContain('Away from 2026-12-14 to 2026-12-15; delegate: *Wang Fang*.');
  });
});
