import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { identityFromAuthTest, isOwnWorkspace } from '../../../src/bot/edge.ts';
import { readEnvelope, requestUser, requestWorkspace, type Envelope } from '../../../src/bot/schemas.ts';

// The edge of the Slack endpoint (src/bot/edge.ts, src/bot/schemas.ts): Slack's real payloads pass
// it, as Slack sends them; what is not a Slack payload does not; a request's workspace is read the
// way Bolt reads it, and Enterprise Grid organizations are one workspace for the app.

const dir = new URL('../../fixtures/slack-payloads/', import.meta.url);
const sample = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const envelope = (body: unknown): Envelope => {
  const r = readEnvelope(body);
  if (!r.ok || r.envelope.kind === 'unsupported') throw new Error(`not a payload: ${JSON.stringify(r)}`);
  return r.envelope;
};
const quiet = { warn: () => undefined, error: () => undefined };

describe('Slack’s own payloads', () => {
  it('all pass, as the kind they are', () => {
    const kinds: Record<string, string> = {};
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json') && x !== 'url_verification.json')) {
      const r = readEnvelope(sample(f));
      expect(r.ok, `${f}: ${JSON.stringify(r)}`).toBe(true);
      if (r.ok) kinds[f] = r.envelope.kind;
    }
    expect(kinds).toMatchObject({ 'block_actions.app_home.json': 'block_actions', 'view_submission.with_response_urls.json': 'view_submission', 'event_callback.app_home_opened.org_app.json': 'event_callback' });
    const form = Object.fromEntries(new URLSearchParams(readFileSync(new URL('slash_command.form.txt', dir), 'utf8').trim()));
    expect(readEnvelope(form)).toMatchObject({ ok: true, envelope: { kind: 'command' } });
  });

  it('fill in what Slack may leave out: a view without values, a command without text', () => {
    const v = envelope(sample('view_submission.with_response_urls.json'));
    expect(v.kind === 'view_submission' && v.body.view.state).toEqual({ values: {} });
    const { text: _text, ...noText } = Object.fromEntries(new URLSearchParams(readFileSync(new URL('slash_command.form.txt', dir), 'utf8').trim()));
    const c = envelope(noText);
    expect(c.kind === 'command' && c.body.text).toBe('');
  });
});

describe('what is not a Slack payload', () => {
  const button = sample('block_actions.message_button.json');
  it.each([
    ['null', null],
    ['an array', []],
    ['no type', { user: { id: 'U1' } }],
    ['actions a string', { ...button, actions: 'a' }],
    ['actions null', { ...button, actions: null }],
    ['actions an object', { ...button, actions: { action_id: 'a' } }],
    ['no actions', { ...button, actions: [] }],
    ['no user', { ...button, user: undefined }],
    ['a user id that is a number', { ...button, user: { id: 42 } }],
    ['a user id that is an object', { ...button, user: { id: { id: 'U111' } } }],
    ['a view submission without a view', { ...sample('view_submission.json'), view: undefined }],
    ['a view submission that also has actions', { ...sample('view_submission.json'), actions: [{ action_id: 'a', type: 'button' }] }],
    ['a workflow function’s token', { ...button, function_data: { execution_id: 'Fx1' }, bot_access_token: 'xwfp-1' }],
    ['an event whose user is an object', { ...sample('event_callback.app_home_opened.json'), event: { type: 'app_home_opened', user: { id: 'U1' }, tab: 'home' } }],
  ])('%s', (_name, body) => {
    expect(readEnvelope(JSON.parse(JSON.stringify(body ?? null)))).toMatchObject({ ok: false });
  });

  it('a payload type this app does not handle is acknowledged, not refused', () => {
    expect(readEnvelope({ type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: 1 })).toEqual({ ok: true, envelope: { kind: 'unsupported', type: 'app_rate_limited' } });
  });
});

describe('who and where', () => {
  it('reads the acting member only when it is a member id', () => {
    expect(requestUser({ user_id: 'U0REP1' })).toBe('U0REP1');
    expect(requestUser({ user: { id: 'W0REP1' } })).toBe('W0REP1');
    expect(requestUser({ event: { user: 'U0REP1' } })).toBe('U0REP1');
    expect(requestUser({ user: { id: 7 } })).toBeUndefined();
    expect(requestUser({ event: { user: { id: 'U1' } } })).toBeUndefined();
  });

  it('reads the workspace as Bolt does: the installation’s team of an org-wide app’s event, the view’s installed team', () => {
    expect(requestWorkspace(envelope(sample('event_callback.app_home_opened.org_app.json')))).toEqual({ teamId: 'T111', enterpriseId: 'E111' });
    expect(requestWorkspace(envelope(sample('block_actions.modal.json')))).toEqual({ teamId: 'T12345678', enterpriseId: null });
    const vs = sample('view_submission.raw_captured.json');
    expect(requestWorkspace(envelope({ ...vs, team: { id: 'T999', domain: 'x' }, view: { ...vs.view, app_installed_team_id: 'T123' } }))).toEqual({ teamId: 'T123', enterpriseId: null });
  });

  it('serves its own team, or any team of its Enterprise Grid organization, and nothing else', () => {
    const single = { teamId: 'T1', enterpriseId: null };
    expect(isOwnWorkspace(single, { teamId: 'T1', enterpriseId: null })).toBe(true);
    expect(isOwnWorkspace(single, { teamId: 'T2', enterpriseId: null })).toBe(false);
    expect(isOwnWorkspace(single, { teamId: null, enterpriseId: 'E1' })).toBe(false);
    const grid = { teamId: 'T1', enterpriseId: 'E1' };
    expect(isOwnWorkspace(grid, { teamId: 'T2', enterpriseId: 'E1' })).toBe(true);
    expect(isOwnWorkspace(grid, { teamId: null, enterpriseId: 'E1' })).toBe(true); // an org-wide install's payload
    expect(isOwnWorkspace(grid, { teamId: 'T3', enterpriseId: 'E2' })).toBe(false);
    expect(isOwnWorkspace(null, { teamId: 'T1', enterpriseId: null })).toBe(false); // not known: nothing is served
  });
});

describe('the bot token’s identity', () => {
  it('is asked once, and again after a failure only when the retry time has passed', async () => {
    let calls = 0;
    let fail = true;
    let now = 0;
    const identity = identityFromAuthTest(
      async () => {
        calls++;
        if (fail) throw new Error('slack is down');
        return { team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      },
      quiet,
      { retryMs: 10_000, now: () => now },
    );
    identity.load();
    expect(await identity.get()).toBeNull();
    expect(calls).toBe(1);
    now = 5_000;
    expect(await identity.get()).toBeNull();
    expect(calls).toBe(1);
    fail = false;
    now = 10_000;
    expect(await identity.get()).toEqual({ teamId: 'T1', enterpriseId: null, botId: 'BBOT', botUserId: 'UBOT' });
    expect(await identity.get()).toMatchObject({ teamId: 'T1' });
    expect(calls).toBe(2);
  });
});
