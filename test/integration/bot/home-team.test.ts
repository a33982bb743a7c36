import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { decide } from '../../../src/domain/approvals/engine.ts';
import { DAY_MS } from '../../../src/domain/clock.ts';
import { actorBySlackId } from '../../../src/domain/people/people.ts';
import { assignStore } from '../../../src/domain/pools/pools.ts';
import { sweepAutoReturn } from '../../../src/domain/pools/sweep.ts';
import { slackIds, T0 } from '../../support/world.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';
import { approvalWrites, cardOf, cardSays, commentModal, commentValues, decideOn, noticeOf, reportDirect, WAIT_MS } from './approvals-helpers.ts';

// App Home of those who approve and lead, end to end: signed app_home_opened events and clicks on the
// published Home, what each person sees read back from the stand-in Slack (Homes, modals, DMs).
//
// Han Meimei (U0SUP1, English) leads Team 1: Sam Carter (U0REP2) and Li Lei (U0REP1). Zhao Lei
// (U0SUP3, Chinese) leads Team 3: 孙丽 (U0REP4). Wang Fang (U0MGR1) manages both western teams.

const SAM = slackIds.rep2;
const HAN = slackIds.sup1;
const ZHAO = slackIds.sup3;
const WANG = slackIds.mgrWest;

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());
beforeEach(() => s.w.clock.set(T0));

const t0 = new Date(T0);
const homeOf = (user: string): Json | undefined => s.standin.homes.get(user)?.view;
const publishes = (user: string) => s.standin.callsOf('views.publish').filter((c) => c.args.user_id === user).length;
const opened = (user: string) => s.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: `${Date.now() / 1000}` });

/** Waits until `user`'s Home satisfies `check` (published by an opening, a click, or a notice). */
const homeWhere = (user: string, check: (text: string, home: Json) => boolean): Promise<Json> =>
  s.standin.waitFor(() => {
    const home = homeOf(user);
    return home && check(textOf(home.blocks), home) ? home : undefined;
  }, WAIT_MS);

/** The buttons of one waiting request on a Home. */
const approvalRow = (home: Json, stepId: number): Json | undefined => (home.blocks as Json[]).find((b) => b.block_id === `home_approval:${stepId}`);

/** A click on a button of the published Home, as Slack sends it (container: the Home view). */
const clickOnHome = (user: string, button: Json, blockId: string) =>
  s.action(user, { action_id: button.action_id, value: button.value, block_id: blockId }, { view: { id: s.standin.homes.get(user)!.id, type: 'home', blocks: [] } });

describe('App Home of an approver', () => {
  it('lists the waiting request with its age, amount and requester; Approve on Home decides once, and a second click says who did', async () => {
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Home deal', amount: 1_280_000 });
    s.w.clock.set(new Date(t0.getTime() + 4 * 3_600_000 + 60_000));
    await opened(HAN);
    const home = await homeWhere(HAN, (text) => text.includes('waiting 4 h'));
    const text = textOf(home.blocks);
    expect(text).toContain('*Waiting for your approval* (1)');
    expect(text).toContain('*Opportunity report* · *外婆家（湖滨店）* · 12,800.00\nfrom Sam Carter · waiting 4 h');
    const row = approvalRow(home, r.stepId)!;
    expect(row.elements.map((e: Json) => [e.text.text, e.action_id, e.value])).toEqual([
      ['Approve', ids.actions.approve, String(r.stepId)],
      ['Reject', ids.actions.rejectRequest, String(r.stepId)],
      ['Open', ids.actions.openApproval, String(r.requestId)],
    ]);

    // Open: the whole record in a modal over Home.
    await clickOnHome(HAN, row.elements[2], row.block_id);
    const record = await s.standin.waitFor(() => s.openView(HAN)?.view.title?.text === `Approval #${r.requestId}` && s.openView(HAN));
    expect(textOf(record.view.blocks)).toContain('Home deal');
    record.closed = true;

    const before = await approvalWrites(s);
    const n = publishes(HAN);
    await clickOnHome(HAN, row.elements[0], row.block_id);
    // Decided; the card in Messages says so; Home no longer lists it; the rep is told and its Home drawn again.
    const card = await cardOf(s, HAN, r.stepId);
    await cardSays(s, card, 'Approved by Han Meimei');
    await s.standin.waitFor(() => publishes(HAN) > n, WAIT_MS);
    await homeWhere(HAN, (t) => !t.includes('Waiting for your approval'));
    await noticeOf(s, SAM, r.requestId, r.stepId, 'approved');
    await homeWhere(SAM, (t) => t.includes('*Home deal*'));
    expect((await s.w.db.approvalRequest.findUniqueOrThrow({ where: { id: r.requestId } })).status).toBe('approved');

    // A double click (a second click from the Home it was drawn on): told in a modal over Home, nothing more written.
    const modalsBefore = s.standin.openViews(HAN).length;
    await clickOnHome(HAN, row.elements[0], row.block_id);
    const told = await s.standin.waitFor(() => s.standin.openViews(HAN).length > modalsBefore && s.openView(HAN), WAIT_MS);
    expect(told.view.title.text).toBe('Seaboard');
    expect(textOf(told.view.blocks)).toContain('⚠️ Already approved by Han Meimei at 2026-11-22 14:01');
    told.closed = true;
    const after = await approvalWrites(s);
    expect(after.decided).toBe(before.decided + 1);
    expect(after.audits).toBe(before.audits + 1);
    // Nothing went to Messages for it.
    expect(s.standin.dmsTo(HAN).some((m) => (m.text ?? '').includes('Already approved'))).toBe(false);
  });

  it('is drawn again when the request is decided elsewhere (the card, the console)', async () => {
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Elsewhere deal', amount: 300_000 });
    await opened(HAN);
    await homeWhere(HAN, (t) => t.includes('Elsewhere deal') || t.includes('*外婆家（湖滨店）* · 3,000.00'));
    // Decided in the console (the same engine): the Home drops it without being opened again.
    const han = (await actorBySlackId(s.w.db, HAN))!;
    await decide(s.w.deps, han, r.stepId, { decision: 'approve' });
    s.running.bot!.dispatcher.kick();
    await homeWhere(HAN, (t) => !t.includes('3,000.00'));

    // And from the card in Messages.
    const r2 = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Card deal', amount: 450_000 });
    await homeWhere(HAN, (t) => t.includes('4,500.00'));
    const card = await cardOf(s, HAN, r2.stepId);
    await decideOn(s, HAN, card, ids.actions.approve, r2.stepId);
    await cardSays(s, card, 'Approved by Han Meimei');
    await homeWhere(HAN, (t) => !t.includes('4,500.00'));
  });

  it('Reject on Home asks for the reason in a modal; the decision leaves Home', async () => {
    const r = await reportDirect(s, SAM, { store: '外婆家（湖滨店）', name: 'Rejected deal', amount: 770_000 });
    await opened(HAN);
    const home = await homeWhere(HAN, (t) => t.includes('7,700.00'));
    const row = approvalRow(home, r.stepId)!;
    await clickOnHome(HAN, row.elements[1], row.block_id);
    const modal = await commentModal(s, HAN);
    const reply = await s.submit(HAN, modal, commentValues('Not in our area'));
    expect(reply.body).toBeNull();
    await homeWhere(HAN, (t) => !t.includes('7,700.00'));
    const step = await s.w.db.approvalStep.findUniqueOrThrow({ where: { id: r.stepId } });
    expect([step.status, step.comment]).toEqual(['rejected', 'Not in our area']);
  });
});

describe('App Home of a supervisor or manager', () => {
  it('is the team’s day: visits per rep, overdue follow-ups in red, tonight’s returns, the pipeline', async () => {
    const grannys = await s.w.store('外婆家（湖滨店）');
    const sunny = await s.w.store('Sunny Cafe');
    const sam = await s.w.actor('rep2');
    const li = await s.w.actor('rep1');
    await s.w.db.visit.create({ data: { storeId: grannys.id, personId: sam.id, at: new Date(t0.getTime() - 3_600_000), method: 'in_person', summary: 'x' } });
    await s.w.db.followUp.create({ data: { storeId: sunny.id, personId: li.id, dueAt: new Date(t0.getTime() - 4 * 3_600_000), note: 'Bring samples' } });
    await s.w.db.store.update({ where: { id: sunny.id }, data: { protectedUntil: new Date(t0.getTime() + 3_600_000) } });
    await opened(HAN);
    const home = await homeWhere(HAN, (t) => t.includes('*My team today*') && t.includes('Bring') === false && t.includes('overdue 4 h'));
    const text = textOf(home.blocks);
    expect(text).toContain('• Sam Carter · 1 visit');
    expect(text).toContain('• Li Lei · no visits yet');
    expect(text).toContain('🔴 *Sunny Cafe* · Li Lei · overdue 4 h');
    expect(text).toContain('*Returning to the public pool tonight* (1) · sweep at 02:00\n• *Sunny Cafe* `');
    expect(text).toContain('*Pipeline* (open opportunities)');
    expect(text).not.toContain('My pool');

    // A rep keeps its own day, with the overdue marker.
    await opened(slackIds.rep1);
    const rep = await homeWhere(slackIds.rep1, (t) => t.includes('我的私海'));
    expect(textOf(rep.blocks)).toContain('🔴 *Sunny Cafe* · 逾期 4 小时');
    expect(textOf(rep.blocks)).not.toContain('我的团队今天');
  });

  it('in Chinese for a Chinese supervisor', async () => {
    const river = await s.w.store('River Side Grill');
    const sun = await s.w.actor('rep4');
    await s.w.db.followUp.create({ data: { storeId: river.id, personId: sun.id, dueAt: new Date(t0.getTime() - 2 * DAY_MS) } });
    await opened(ZHAO);
    const home = await homeWhere(ZHAO, (t) => t.includes('*我的团队今天*'));
    const text = textOf(home.blocks);
    expect(text).toContain('• 孙丽 · 今天还没有拜访');
    expect(text).toContain('🔴 *River Side Grill* · 孙丽 · 逾期 2 天');
    expect(text).toContain('团队没有进行中的商机。');
  });

  it('is drawn again when a notice reaches its person: a store returned by the sweep, a store assigned', async () => {
    const sunny = await s.w.store('Sunny Cafe');
    const laowang = await s.w.store('老王面馆');
    await s.w.db.store.update({ where: { id: sunny.id }, data: { protectedUntil: new Date(t0.getTime() + 3_600_000), isCustomer: false } });
    await opened(HAN);
    await homeWhere(HAN, (t) => t.includes('*Returning to the public pool tonight* (1)') && t.includes('*Sunny Cafe*'));
    await opened(slackIds.rep1);
    const held = (t: string) => /我的私海：\*(\d+) \/ 100\*/.exec(t)?.[1];
    const before = Number(held(textOf((await homeWhere(slackIds.rep1, (t) => held(t) !== undefined)).blocks)));

    // The sweep at 02:00 returns it: the former owner's and the supervisor's Homes follow without being opened.
    s.w.clock.set('2026-11-22T18:00:30Z');
    await sweepAutoReturn(s.w.deps);
    s.running.bot!.dispatcher.kick();
    await homeWhere(HAN, (t) => t.includes('No store of the team returns to the public pool tonight.'));
    await homeWhere(slackIds.rep1, (t) => held(t) === String(before - 1));

    // Han gives 老王面馆 to Li Lei: Li Lei's Home counts it.
    const han = (await actorBySlackId(s.w.db, HAN))!;
    await assignStore(s.w.deps, han, laowang.id, (await s.w.actor('rep1')).id, 'new area');
    s.running.bot!.dispatcher.kick();
    await homeWhere(slackIds.rep1, (t) => held(t) === String(before));
  });

  it('is built fast for a manager of ~200 people', async () => {
    const unit = await s.w.db.orgUnit.findFirstOrThrow({ where: { key: 'hz-west-t2' } });
    await s.w.db.person.createMany({ data: Array.from({ length: 200 }, (_, i) => ({ name: `Team rep ${i}`, role: 'rep', unitId: unit.id })) });
    const reps = await s.w.db.person.findMany({ where: { name: { startsWith: 'Team rep ' } }, select: { id: true } });
    await s.w.db.store.createMany({ data: reps.map((r, i) => ({ code: `CRMH${String(i).padStart(6, '0')}`, name: `Home store ${i}`, nameKey: `homestore${i}`, ownerId: r.id, protectedUntil: new Date(t0.getTime() + (i % 10) * DAY_MS + 3_600_000) })) });
    const stores = await s.w.db.store.findMany({ where: { code: { startsWith: 'CRMH' } }, select: { id: true, ownerId: true } });
    await s.w.db.visit.createMany({ data: stores.flatMap((st, i) => [1, 2, 3].map((k) => ({ storeId: st.id, personId: st.ownerId!, at: new Date(t0.getTime() - (k + (i % 3)) * 3_600_000), method: 'in_person', summary: 'x' }))) });
    await s.w.db.followUp.createMany({ data: stores.flatMap((st, i) => [0, 1, 2, 3].map((k) => ({ storeId: st.id, personId: st.ownerId!, dueAt: new Date(t0.getTime() + (k - 2) * DAY_MS - (i % 5) * 3_600_000) }))) });
    await s.w.db.opportunity.createMany({ data: stores.flatMap((st, i) => ['needs_analysis', 'negotiation'].map((stage, k) => ({ storeId: st.id, ownerId: st.ownerId!, name: `H${i}-${k}`, amount: 100_000, expectedCloseAt: new Date(t0.getTime() + 30 * DAY_MS), stage }))) });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const n = publishes(WANG);
      const start = performance.now();
      await opened(WANG);
      await s.standin.waitFor(() => publishes(WANG) > n, WAIT_MS);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const home = homeOf(WANG)!;
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(textOf(home.blocks)).toMatch(/\*Visits today\* \(\d{3}\)/);
    console.log(`App Home of a manager of ${reps.length + 3} reps, app_home_opened to views.publish through the signed endpoint: median ${median.toFixed(0)} ms`);
    expect(median).toBeLessThan(1500);
  });
});
