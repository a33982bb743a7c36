import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { DAY_MS } from '../../../src/domain/clock.ts';
import { T0 } from '../../support/world.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../support/slack.ts';

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

const t0 = new Date(T0); // Sunday 2026-11-22 10:00 in Hangzhou
let rep2: number;
let grannys: number; // 外婆家（湖滨店）, Sam's (U0REP2)
let sunny: number; // Sunny Cafe, Li Lei's (U0REP1)

beforeEach(async () => {
  s.w.clock.set(T0);
  await s.w.db.followUp.deleteMany({});
  rep2 = (await s.w.actor('rep2')).id;
  grannys = (await s.w.store('外婆家（湖滨店）')).id;
  sunny = (await s.w.store('Sunny Cafe')).id;
});

async function followUp(storeId: number, personId: number, dueAt: Date, note?: string) {
  return s.w.db.followUp.create({ data: { storeId, personId, dueAt, note: note ?? null } });
}

/** Runs a request and returns what the app sent through a response_url because of it. */
async function responseTo(run: () => Promise<unknown>): Promise<Json> {
  const before = s.standin.responses.length;
  await run();
  return (await s.standin.waitFor(() => s.standin.responses[before])).body;
}

const snoozeAction = (id: number, choice: string) => ({
  type: 'static_select',
  action_id: ids.actions.followUpSnooze,
  block_id: `myday:followup:${id}`,
  selected_option: { text: { type: 'plain_text', text: choice }, value: `${id}:${choice}` },
});
const doneAction = (id: number) => ({ action_id: ids.actions.followUpDone, value: String(id), block_id: `myday:followup:${id}` });

describe('/crm today', () => {
  it('acks at once, then shows overdue and due follow-ups with Done and Snooze, protection ending, and pool usage', async () => {
    const overdue = await followUp(grannys, rep2, new Date(t0.getTime() - DAY_MS), 'Bring the menu');
    const today = await followUp(grannys, rep2, new Date(t0.getTime() + 6 * 3_600_000));
    await followUp(grannys, rep2, new Date(t0.getTime() + 3 * DAY_MS));
    await s.w.db.store.update({ where: { id: grannys }, data: { protectedUntil: new Date(t0.getTime() + 2 * DAY_MS + 3_600_000) } });
    let ack: Json | string | null = 'unset';
    const body = await responseTo(async () => {
      const r = await s.command('U0REP2', '/crm', 'today');
      expect(r.status).toBe(200);
      ack = r.body;
    });
    expect(ack).toBeNull();
    expect(body.response_type).toBe('ephemeral');
    const text = textOf(body.blocks);
    expect(text).toContain('My day · 2026-11-22');
    expect(text).toContain('My pool: *1 / 100* private stores');
    expect(text).toContain('*Overdue follow-ups* (1)');
    expect(text).toContain('🔴 *外婆家（湖滨店）* · overdue 1 day · was due 2026-11-21 10:00');
    expect(text).toContain('Bring the menu');
    expect(text).toContain('*Due today* (1)');
    expect(text).toContain('due 16:00');
    expect(text).toContain('*Protection ends within 3 days* (1)');
    expect(text).toContain('1 more follow-up in the next 14 days.');
    const rows = (body.blocks as Json[]).filter((b) => b.type === 'actions');
    expect(rows.map((b) => b.elements[0].value)).toEqual([String(overdue.id), String(today.id)]);
    expect(rows[0]!.elements[1].action_id).toBe(ids.actions.followUpSnooze);
  });

  it('speaks Chinese to a Chinese rep', async () => {
    await followUp(sunny, (await s.w.actor('rep1')).id, new Date(t0.getTime() + 3_600_000));
    const body = await responseTo(() => s.command('U0REP1', '/crm', 'today'));
    expect(textOf(body.blocks)).toContain('我的今天 · 2026-11-22');
    expect(textOf(body.blocks)).toContain('*今天到期*（1）');
    expect(JSON.stringify(body.blocks)).toContain('"完成"');
  });

  it('says so when nothing is due', async () => {
    const body = await responseTo(() => s.command('U0REP2', '/crm', 'today'));
    expect(textOf(body.blocks)).toContain('No follow-ups due today.');
  });
});

describe('Done', () => {
  it('completes the follow-up and redraws the message in place', async () => {
    const f = await followUp(grannys, rep2, new Date(t0.getTime() - 3_600_000));
    const body = await responseTo(() => s.action('U0REP2', doneAction(f.id)));
    expect(body.replace_original).toBe(true);
    expect(textOf(body.blocks)).toContain('✓ Done: *外婆家（湖滨店）*');
    expect(textOf(body.blocks)).not.toContain('Overdue');
    expect(await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).toMatchObject({ status: 'done', doneAt: t0 });
  });

  it('twice, or double-clicked, completes once and answers once', async () => {
    const f = await followUp(grannys, rep2, new Date(t0.getTime() + 3_600_000));
    const before = s.standin.responses.length;
    const clicks = await Promise.all([s.action('U0REP2', doneAction(f.id)), s.action('U0REP2', doneAction(f.id))]);
    await s.action('U0REP2', doneAction(f.id));
    for (const c of clicks) expect(c.status).toBe(200);
    await s.standin.waitFor(() => s.standin.responses.length > before);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.standin.responses.length - before).toBe(1);
    expect(await s.w.db.auditLog.count({ where: { action: 'followup.done', entityId: String(f.id) } })).toBe(1);
  });

  it('on someone else’s follow-up says why, changing nothing', async () => {
    const f = await followUp(sunny, (await s.w.actor('rep1')).id, new Date(t0.getTime() + 3_600_000));
    const body = await responseTo(() => s.action('U0REP2', doneAction(f.id)));
    expect(body.replace_original).toBe(false);
    expect(body.text).toContain('not in your team');
    expect((await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).status).toBe('open');
  });
});

describe('Snooze', () => {
  it('to tomorrow 09:00 local, once, and redraws', async () => {
    const f = await followUp(grannys, rep2, new Date(t0.getTime() - 3_600_000));
    const body = await responseTo(() => s.action('U0REP2', snoozeAction(f.id, 'tomorrow')));
    expect(textOf(body.blocks)).toContain('⏰ *外婆家（湖滨店）* snoozed to 2026-11-23 09:00');
    await s.action('U0REP2', snoozeAction(f.id, 'tomorrow'));
    expect(await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).toMatchObject({ dueAt: new Date('2026-11-23T01:00:00Z'), snoozes: 1 });
    await s.action('U0REP2', snoozeAction(f.id, 'in3days'));
    expect(await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).toMatchObject({ dueAt: new Date('2026-11-25T01:00:00Z'), snoozes: 2 });
  });

  it('pick a time: a modal with date and time; a time in the past is an inline error', async () => {
    const f = await followUp(grannys, rep2, new Date(t0.getTime() + 3_600_000));
    await s.action('U0REP2', snoozeAction(f.id, 'pick'));
    const stored = await s.standin.waitFor(() => s.standin.openViews('U0REP2').find((v) => v.view.callback_id === ids.views.snooze));
    const view = stored.view;
    expect(view.title.text).toBe('Snooze follow-up');
    const at = (date: string, time: string) => ({
      dueAt: { snooze_date: { type: 'datepicker', selected_date: date } },
      dueTime: { snooze_time: { type: 'timepicker', selected_time: time } },
    });
    const past = await s.submit('U0REP2', view, at('2026-11-22', '09:00'));
    expect(past.body).toEqual({ response_action: 'errors', errors: { dueAt: 'The follow-up must be in the future.' } });
    expect((await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).snoozes).toBe(0);
    const body = await responseTo(async () => {
      const ok = await s.submit('U0REP2', view, at('2026-11-24', '14:30'));
      expect(ok.body).toBeNull();
    });
    expect(body.replace_original).toBe(true);
    expect(textOf(body.blocks)).toContain('snoozed to 2026-11-24 14:30');
    expect(await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).toMatchObject({ dueAt: new Date('2026-11-24T06:30:00Z'), snoozes: 1 });
    // The same submission again (a retry) changes nothing more.
    await s.submit('U0REP2', view, at('2026-11-24', '14:30'));
    expect((await s.w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).snoozes).toBe(1);
  });
});

describe('/crm pool', () => {
  it('lists my private stores with the protection left', async () => {
    await s.w.db.store.update({ where: { id: grannys }, data: { protectedUntil: new Date(t0.getTime() + 20 * DAY_MS) } });
    const body = await responseTo(() => s.command('U0REP2', '/crm', 'pool'));
    const text = textOf(body.blocks);
    expect(text).toContain('My private stores');
    expect(text).toContain('My pool: *1 / 100* private stores');
    expect(text).toContain('*外婆家（湖滨店）*');
    expect(text).toContain('20 days left (until 2026-12-12)');
    const zh = await responseTo(() => s.command('U0REP1', '/crm', 'pool'));
    expect(textOf(zh.blocks)).toContain('我的私海门店');
    const none = await responseTo(() => s.command('U0SUP1', '/crm', 'pool'));
    expect(textOf(none.blocks)).toContain('You have no private stores yet'); // no locale of her own: Slack's (en-US)
  });
});
