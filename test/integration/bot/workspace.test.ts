import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { blockActionsPayload, eventCallback, FORM, formBody, slashCommandFields, viewAsSent, viewSubmissionPayload } from '../../../src/slack-standin/payloads.ts';
import { fingerprint } from '../../support/db-fingerprint.ts';
import { slackWorld, TEAM, type Json, type SlackWorld } from '../../support/slack.ts';
import { openOppModal, oppValues } from './opp-values.ts';

// Issue 12, point 8: the app's workspace is the one its bot token belongs to (auth.test, asked once at
// start). A correctly signed request from another workspace — the same app installed twice, or a
// signing secret reused — is refused: nothing runs for it and nothing is written.

const OTHER = 'T0ELSEWHERE';

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

const url = () => `${s.standin.url}/response/w${Math.random().toString(36).slice(2)}`;
const asTeam = (payload: Json, team: string): Json => JSON.parse(JSON.stringify(payload).replaceAll(TEAM, team));
const interactive = (payload: Json) => s.post(formBody({ payload: JSON.stringify(payload) }), FORM);

describe('a request from another workspace', () => {
  it('is refused: a command is told so, and does not run', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const before = await fingerprint(s.w.database);
    const help = await s.post(formBody({ ...slashCommandFields({ user: 'U0REP2', command: '/crm', text: 'help', responseUrl: url() }), team_id: OTHER }), FORM);
    expect(help.status).toBe(200);
    expect(help.body).toMatchObject({ response_type: 'ephemeral', text: 'Seaboard is not set up for this Slack workspace.' });
    // A change it asks for is not made.
    const lang = await s.post(formBody({ ...slashCommandFields({ user: 'U0REP2', command: '/crm', text: 'lang zh', responseUrl: url() }), team_id: OTHER }), FORM);
    expect(lang.status).toBe(200);
    expect((await s.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0REP2' } })).locale).not.toBe('zh-CN');
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toContain(`from workspace ${OTHER}`);
    warn.mockRestore();
    expect(await fingerprint(s.w.database)).toEqual(before);
  });

  it('is refused: a button, a modal submission and an event do nothing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = await s.w.store('老王面馆'); // public, in Li Lei's region
    const modal = await openOppModal(s, 'U0REP1');
    const before = await fingerprint(s.w.database);
    const calls = s.standin.calls.length;
    const claim = blockActionsPayload({
      user: 'U0REP1',
      container: { kind: 'message', channel: 'C0SALES', ts: '1.0', responseUrl: url() },
      actions: [{ type: 'button', action_id: ids.actions.claim, block_id: 'b', value: String(store.id), action_ts: '1.1' }],
    });
    expect((await interactive(asTeam(claim, OTHER))).status).toBe(200);
    const save = viewSubmissionPayload({ user: 'U0REP1', view: viewAsSent(modal, { values: oppValues({ store: (await s.w.store('Sunny Cafe')).id, name: 'From elsewhere' }) }) });
    expect((await interactive(asTeam(save, OTHER))).status).toBe(200);
    const home = eventCallback({ type: 'app_home_opened', user: 'U0REP1', channel: 'DU0REP1', tab: 'home' });
    expect((await s.post(JSON.stringify(asTeam(home, OTHER)), 'application/json')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.standin.calls.slice(calls).map((c) => c.method)).toEqual([]);
    expect((await s.w.db.store.findUniqueOrThrow({ where: { id: store.id } })).ownerId).toBeNull();
    expect(await fingerprint(s.w.database)).toEqual(before);
    vi.restoreAllMocks();

    // The same click from the app's own workspace claims the store.
    expect((await interactive(claim)).status).toBe(200);
    for (let i = 0; i < 100 && (await s.w.db.store.findUniqueOrThrow({ where: { id: store.id } })).ownerId === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await s.w.db.store.findUniqueOrThrow({ where: { id: store.id } })).ownerId).toBe(s.w.people.rep1.id);
  });

  it('the app’s own workspace is asked of Slack once, not per request', async () => {
    for (let i = 0; i < 3; i++) await s.command('U0REP2', '/crm', 'help');
    expect(s.standin.callsOf('auth.test')).toHaveLength(1);
  });
});
