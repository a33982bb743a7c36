import { createHmac } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { start, type Running } from '../../src/main.ts';
import { SlackStandin } from '../../src/slack-standin/standin.ts';
import { world, type World } from './world.ts';

export const SIGNING_SECRET = 'test-signing-secret';
export const TEAM = 'T0SEABOARD';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface SlackReply {
  status: number;
  /** The ack's body, parsed when it is JSON. */
  body: Json | string | null;
  ms: number;
}

/** Signs a body as Slack does (v0, HMAC-SHA256 of `v0:timestamp:body`). */
export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * The example company, the real server with its Slack endpoint, and a stand-in Slack API. Requests
 * are real-format Slack payloads, signed; what the app sends to Slack is read from the stand-in.
 */
export async function slackWorld(opts: { world?: World } = {}) {
  const w = opts.world ?? (await world());
  const standin = new SlackStandin();
  await standin.listen();
  const config = loadConfig({
    DATABASE_URL: w.database.url,
    PORT: '0',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_API_URL: `${standin.url}/api/`,
    OUTBOX_PACE_MS: '0', // notices at once: tests of pacing set their own
  });
  const running: Running = await start(config, { database: w.database, clock: w.clock });
  const people = await w.db.person.findMany();
  for (const p of people) if (p.slackId) standin.addUser({ id: p.slackId, name: p.name, locale: p.locale === 'zh-CN' ? 'zh-CN' : 'en-US' });

  let n = 0;
  const next = () => ++n;

  async function post(body: string, contentType: string, headers: Record<string, string> = {}): Promise<SlackReply> {
    const ts = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const res = await fetch(`${running.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts), ...headers },
      body,
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let parsed: Json | string | null = null;
    if (text) {
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, ms };
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const interactive = (payload: Json, headers?: Record<string, string>) =>
    post(form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', headers);

  const userOf = (user: string) => ({ id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM });
  const trigger = (user: string) => `${next()}.${user}.trigger`;
  const responseUrl = () => `${standin.url}/response/${next()}`;

  return {
    w,
    standin,
    running,
    post,
    sign,
    /** A slash command as Slack sends it: form fields, like shared/slack/payloads/slash_command.form.txt. */
    command: (user: string, command: string, text = '', extra: Record<string, string> = {}) =>
      post(
        form({
          token: 'legacy',
          team_id: TEAM,
          team_domain: 'seaboard',
          channel_id: 'C0SALES',
          channel_name: 'sales',
          user_id: user,
          user_name: user.toLowerCase(),
          command,
          text,
          api_app_id: 'A0SEABOARD',
          response_url: responseUrl(),
          trigger_id: trigger(user),
          ...extra,
        }),
        'application/x-www-form-urlencoded',
      ),
    /** A button or select in a message (container "message"), or in a view when `view` is given. */
    action: (user: string, action: Json, where: { view?: Json; message?: { channel: string; ts: string; blocks?: unknown[] } } = {}) =>
      interactive({
        type: 'block_actions',
        user: userOf(user),
        api_app_id: 'A0SEABOARD',
        token: 'legacy',
        team: { id: TEAM, domain: 'seaboard' },
        trigger_id: trigger(user),
        ...(where.view
          ? { container: { type: 'view', view_id: where.view.id }, view: where.view }
          : {
              container: { type: 'message', message_ts: where.message?.ts ?? '1.0', channel_id: where.message?.channel ?? 'C0SALES', is_ephemeral: false },
              channel: { id: where.message?.channel ?? 'C0SALES', name: 'sales' },
              message: { type: 'message', ts: where.message?.ts ?? '1.0', text: '', blocks: where.message?.blocks ?? [] },
              response_url: responseUrl(),
            }),
        actions: [{ type: 'button', block_id: action.block_id ?? 'b', action_ts: `${Date.now() / 1000}`, ...action }],
      }),
    /** Submits an open view with these input values (`{ blockId: { actionId: value-object } }`). */
    submit: async (user: string, view: Json, values: Json, headers?: Record<string, string>) => {
      const reply = await interactive(
        {
          type: 'view_submission',
          team: { id: TEAM, domain: 'seaboard' },
          user: userOf(user),
          api_app_id: 'A0SEABOARD',
          token: 'legacy',
          trigger_id: trigger(user),
          view: { ...view, team_id: TEAM, state: { values }, hash: view.hash ?? '1.hash', app_id: 'A0SEABOARD', bot_id: 'BBOT' },
          response_urls: [],
        },
        headers,
      );
      // What Slack does with the answer: close the modal, show errors, update or push.
      standin.applyResponseAction(view.id, typeof reply.body === 'object' && reply.body ? reply.body : undefined);
      return reply;
    },
    /** Type-ahead in an external select (`block_suggestion`). */
    suggest: (user: string, actionId: string, value: string, view?: Json) =>
      interactive({
        type: 'block_suggestion',
        user: userOf(user),
        container: view ? { type: 'view', view_id: view.id } : { type: 'message' },
        api_app_id: 'A0SEABOARD',
        token: 'legacy',
        action_id: actionId,
        block_id: 'store',
        value,
        team: { id: TEAM, domain: 'seaboard' },
        ...(view ? { view } : {}),
      }),
    /** A message shortcut on a message in a channel. */
    messageShortcut: (user: string, callbackId: string, message: { text: string; ts?: string; user?: string }) =>
      interactive({
        type: 'message_action',
        token: 'legacy',
        action_ts: `${Date.now() / 1000}`,
        team: { id: TEAM, domain: 'seaboard' },
        user: userOf(user),
        channel: { id: 'C0SALES', name: 'sales' },
        callback_id: callbackId,
        trigger_id: trigger(user),
        message_ts: message.ts ?? '1700000000.000100',
        message: { type: 'message', user: message.user ?? 'U0OTHER', ts: message.ts ?? '1700000000.000100', text: message.text },
        response_url: responseUrl(),
      }),
    /** An Events API callback, e.g. app_home_opened. */
    event: (event: Json, headers?: Record<string, string>, eventId = `Ev${next()}`) =>
      post(
        JSON.stringify({
          token: 'legacy',
          team_id: TEAM,
          api_app_id: 'A0SEABOARD',
          type: 'event_callback',
          event_id: eventId,
          event_time: Math.floor(Date.now() / 1000),
          event,
          authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: true }],
        }),
        'application/json',
        headers,
      ),
    /** The modal most recently opened for a user (top of its stack). */
    openView: (user: string) => standin.openViews(user).at(-1),
    close: async () => {
      await running.stop();
      await standin.close();
      if (!opts.world) await w.drop();
    },
  };
}
export type SlackWorld = Awaited<ReturnType<typeof slackWorld>>;

export { textOf } from './blocks.ts';
