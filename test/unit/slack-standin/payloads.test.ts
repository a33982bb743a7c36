import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  blockSuggestionPayload,
  eventCallback,
  sign,
  slashCommandFields,
  viewAsSent,
  viewClosedPayload,
  viewSubmissionPayload,
  type Json,
} from '../../../src/slack-standin/payloads.ts';

// The payload builders shared by the tests and the sandbox: shaped like the payloads in Slack's own
// SDK tests (shared/slack/payloads), signed like Slack signs.

const shared = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/slack-payloads/${name}`, import.meta.url), 'utf8'));
const keys = (o: Json) => Object.keys(o).sort();
/** Every key Slack's sample has (the enterprise ones aside) is in ours. */
const hasSlackKeys = (ours: Json, slack: Json) => expect(keys(ours)).toEqual(expect.arrayContaining(keys(slack)));

const view = { id: 'V1', type: 'modal', callback_id: 'opportunity', title: { type: 'plain_text', text: 'New opportunity' }, close: { type: 'plain_text', text: 'Cancel' }, submit: { type: 'plain_text', text: 'Submit' }, blocks: [] };

describe('signing', () => {
  it('matches Slack’s published test vector', () => {
    const body = readFileSync(new URL('../../fixtures/slack-payloads/slash_command.form.txt', import.meta.url), 'utf8').trim();
    expect(sign(body, 1531420618, '8f742231b10e8888abcd99yyyzzz85a5')).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });
});

describe('payloads', () => {
  it('a slash command has the fields of Slack’s form post', () => {
    const sample = Object.fromEntries(new URLSearchParams(readFileSync(new URL('../../fixtures/slack-payloads/slash_command.form.txt', import.meta.url), 'utf8').trim()));
    const ours = slashCommandFields({ user: 'U0REP1', command: '/visit', text: '老王面馆', channel: 'DU0REP1', responseUrl: 'http://127.0.0.1/response/r1' });
    hasSlackKeys(ours, sample);
    expect(ours).toMatchObject({ user_id: 'U0REP1', command: '/visit', text: '老王面馆', channel_id: 'DU0REP1', channel_name: 'directmessage' });
    expect(ours.trigger_id).toMatch(/^\d+\.U0REP1\.trigger$/);
  });

  it('block_actions in a message and in a view', () => {
    const inMessage = blockActionsPayload({ user: 'U0SUP1', actions: [{ type: 'button', action_id: 'approval_approve', block_id: 'b', value: '9' }], container: { kind: 'message', channel: 'DU0SUP1', ts: '1.000002', blocks: [], responseUrl: 'http://r' } });
    hasSlackKeys(inMessage, shared('block_actions.message_button.json'));
    expect(inMessage.container).toEqual({ type: 'message', message_ts: '1.000002', channel_id: 'DU0SUP1', is_ephemeral: false });
    const inView = blockActionsPayload({ user: 'U0REP1', actions: [], container: { kind: 'view', view: viewAsSent(view) } });
    const sample = shared('block_actions.modal.json');
    hasSlackKeys(inView, sample);
    hasSlackKeys(inView.view, sample.view);
    expect(inView.container).toEqual({ type: 'view', view_id: 'V1' });
  });

  it('view_submission, view_closed and block_suggestion carry the view as Slack does', () => {
    const values = { name: { opp_name: { type: 'plain_text_input', value: 'Trial' } } };
    const sent = viewAsSent(view, { values, hash: '17.abc', rootViewId: 'V0', previousViewId: 'V0' });
    const submission = viewSubmissionPayload({ user: 'U0REP1', view: sent });
    hasSlackKeys(submission, shared('view_submission.json'));
    hasSlackKeys(submission.view, shared('view_submission.json').view);
    expect(submission.view).toMatchObject({ id: 'V1', hash: '17.abc', root_view_id: 'V0', previous_view_id: 'V0', state: { values }, callback_id: 'opportunity', private_metadata: '' });
    const closed = viewClosedPayload({ user: 'U0REP1', view: sent, isCleared: true });
    hasSlackKeys(closed, shared('view_closed.json'));
    expect(closed.is_cleared).toBe(true);
    const suggestion = blockSuggestionPayload({ user: 'U0REP1', actionId: 'store_select', blockId: 'storeId', value: '老王', view: sent });
    hasSlackKeys(suggestion, shared('block_suggestion.modal.json'));
  });

  it('app_home_opened in an event callback', () => {
    const callback = eventCallback(appHomeOpenedEvent('U0REP1', 'home', { id: 'V9', type: 'home' }));
    const sample = shared('event_callback.app_home_opened.json');
    hasSlackKeys(callback, sample);
    hasSlackKeys(callback.event, sample.event);
    expect(callback.event).toMatchObject({ type: 'app_home_opened', user: 'U0REP1', channel: 'DU0REP1', tab: 'home' });
    expect(eventCallback({ type: 'x' }).event_id).not.toBe(eventCallback({ type: 'x' }).event_id);
  });
});
