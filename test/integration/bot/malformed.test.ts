import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { decisionCommentModal } from '../../../src/bot/views/approval-card.ts';
import { opportunityModal } from '../../../src/bot/views/opportunity-modal.ts';
import { snoozeModal } from '../../../src/bot/views/today.ts';
import { visitModal } from '../../../src/bot/views/visit-modal.ts';
import { blockActionsPayload, FORM, formBody, slashCommandFields, viewAsSent, viewSubmissionPayload } from '../../../src/slack-standin/payloads.ts';
import { fingerprint } from '../../support/db-fingerprint.ts';
import { sign, SIGNING_SECRET, slackWorld, type Json, type SlackWorld } from '../../support/slack.ts';

// Issue 12, point 6: correctly signed requests that are not what Slack sends. Each is answered at
// once — 400 for a body that is not a Slack payload, else 200 — nothing is written, and an unknown
// action, view or command is acknowledged and logged. And a timestamp from the future is refused.

const QUICK_MS = 1000;
const reader = { locale: 'en' as const, timezone: 'Asia/Shanghai' };

let s: SlackWorld;
let before: Record<string, string>;
let warn: MockInstance;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());
beforeEach(async () => {
  await s.running.bot!.dispatcher.drain();
  before = await fingerprint(s.w.database);
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  warn.mockRestore();
  await s.running.bot!.dispatcher.drain();
  expect(await fingerprint(s.w.database)).toEqual(before); // nothing written
});

const warned = () => warn.mock.calls.map((c) => String(c[0])).join('\n');
const responseUrl = () => `${s.standin.url}/response/m${Math.random().toString(36).slice(2)}`;
const button = (user: string, action: Json) =>
  blockActionsPayload({ user, container: { kind: 'message', channel: 'C0SALES', ts: '1.0', responseUrl: responseUrl() }, actions: [{ type: 'button', block_id: 'b', action_ts: '1.1', ...action }] });
const interactive = (payload: unknown) => s.post(formBody({ payload: JSON.stringify(payload) }), FORM);
const command = (fields: Record<string, string>) => s.post(formBody(fields), FORM);
const quick = (r: { status: number; ms: number }, status: number) => {
  expect(r.status).toBe(status);
  expect(r.ms).toBeLessThan(QUICK_MS);
};

describe('a body that is not a Slack payload', () => {
  it('block_actions whose actions are a string, null or an object: 400 at once', async () => {
    for (const actions of ['approval_approve', null, { action_id: 'approval_approve', value: '1' }]) {
      quick(await interactive({ ...button('U0SUP1', { action_id: ids.actions.approve, value: '1' }), actions }), 400);
    }
    expect(warned()).toContain('refused a request: block_actions: actions');
  });

  it('payload=null, a number, an array: 400 at once', async () => {
    for (const p of ['null', '1', '[]', '"block_actions"']) quick(await s.post(formBody({ payload: p }), FORM), 400);
    quick(await s.post('null', 'application/json'), 400);
  });

  it('interactivity with no user, or a user id that is a number or an object: 400 at once, no person looked up', async () => {
    const { user: _user, ...noUser } = button('U0REP2', { action_id: ids.actions.homeRefresh });
    quick(await interactive(noUser), 400);
    quick(await interactive({ ...button('U0REP2', { action_id: ids.actions.homeRefresh }), user: { id: 12345 } }), 400);
    quick(await interactive({ ...button('U0REP2', { action_id: ids.actions.homeRefresh }), user: { id: { id: 'U0REP2' } } }), 400);
    quick(await command({ ...slashCommandFields({ user: 'U0REP2', command: '/crm', text: 'help', responseUrl: responseUrl() }), user_id: '' }), 400);
    quick(await s.event({ type: 'app_home_opened', user: { id: 'U0REP2' }, channel: 'DU0REP2', tab: 'home' }), 400);
  });

  it('view_submission with no view: 400 at once', async () => {
    const { view: _view, ...noView } = viewSubmissionPayload({ user: 'U0REP2', view: viewAsSent({ id: 'V0X', callback_id: ids.views.opportunity }) });
    quick(await interactive(noView), 400);
    quick(await interactive({ ...noView, view: 'V0X' }), 400);
  });
});

describe('Slack payloads with a part missing', () => {
  it('/store, /crm and /claim without a text field answer as with an empty one, at once', async () => {
    const noText = (cmd: string) => {
      const { text: _text, ...fields } = slashCommandFields({ user: 'U0REP2', command: cmd, responseUrl: responseUrl() });
      return command(fields);
    };
    const store = await noText('/store');
    quick(store, 200);
    expect((store.body as Json).text).toContain('/store');
    const crm = await noText('/crm');
    quick(crm, 200);
    expect((crm.body as Json).text).toContain('`/visit [store]` log a visit');
    quick(await noText('/claim'), 200);
  });

  it('a view_submission with no state, of the visit, opportunity, snooze and comment modals: inline errors at once', async () => {
    const views = [
      { ...visitModal(reader), id: 'V0VISIT' },
      { ...opportunityModal(reader), id: 'V0OPP' },
      { ...snoozeModal(reader, { f: 1 }, s.w.clock.now()), id: 'V0SNOOZE' },
      { ...decisionCommentModal(reader, { stepId: 1, decision: 'return' }), id: 'V0COMMENT' },
    ];
    for (const view of views) {
      const { state: _state, ...stateless } = viewAsSent(view);
      const r = await interactive(viewSubmissionPayload({ user: 'U0REP2', view: stateless }));
      quick(r, 200);
      expect(r.body, String((view as Json).callback_id)).toMatchObject({ response_action: 'errors' });
    }
    // Slack's own view without inputs sends `state: {}`.
    const r = await interactive(viewSubmissionPayload({ user: 'U0REP2', view: { ...viewAsSent(views[1]!), state: {} } }));
    quick(r, 200);
    expect(r.body).toMatchObject({ response_action: 'errors' });
  });
});

describe('what no listener answers', () => {
  it('an unknown action, view, command, shortcut or payload type is acknowledged at once and logged', async () => {
    quick(await interactive(button('U0REP2', { action_id: 'no_such_button', value: '1' })), 200);
    quick(await interactive(viewSubmissionPayload({ user: 'U0REP2', view: viewAsSent({ id: 'V0NONE', callback_id: 'no_such_view' }) })), 200);
    quick(await command(slashCommandFields({ user: 'U0REP2', command: '/nosuchcommand', text: 'x', responseUrl: responseUrl() })), 200);
    quick(await interactive({ type: 'shortcut', user: { id: 'U0REP2' }, team: { id: 'T0SEABOARD' }, callback_id: 'no_such_shortcut', trigger_id: '1.U0REP2.trigger' }), 200);
    quick(await s.post(JSON.stringify({ type: 'app_rate_limited', team_id: 'T0SEABOARD', minute_rate_limited: 1 }), 'application/json'), 200);
    const log = warned();
    for (const what of ['action no_such_button', 'view_submission no_such_view', 'command /nosuchcommand', 'shortcut no_such_shortcut', 'app_rate_limited']) expect(log).toContain(what);
  });
});

describe('request timestamps', () => {
  const post = (ts: number) => {
    const body = formBody(slashCommandFields({ user: 'U0REP2', command: '/crm', text: 'help', responseUrl: responseUrl() }));
    return fetch(`${s.running.url}/slack/events`, { method: 'POST', headers: { 'content-type': FORM, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts, SIGNING_SECRET) }, body });
  };
  const now = () => Math.floor(Date.now() / 1000);

  it('more than 5 minutes in the future are refused like stale ones (401)', async () => {
    expect((await post(now() + 6 * 60)).status).toBe(401);
    expect((await post(now() + 24 * 3600)).status).toBe(401);
    expect((await post(now() - 6 * 60)).status).toBe(401);
    expect(warned()).toContain('in the future');
  });

  it('within 5 minutes either way are served', async () => {
    expect((await post(now() + 4 * 60)).status).toBe(200);
    expect((await post(now() - 4 * 60)).status).toBe(200);
  });
});
