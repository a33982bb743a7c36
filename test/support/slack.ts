import { loadConfig } from '../../src/config.ts';
import { start, type Running } from '../../src/main.ts';
import {
  actionTs,
  appLink,
  blockActionsPayload,
  blockSuggestionPayload,
  eventCallback,
  messageShortcutPayload,
  sign as signWith,
  slashCommandFields,
  TEAM,
  viewAsSent,
  viewSubmissionPayload,
  type AppReply,
  type Json,
} from '../../src/slack-standin/payloads.ts';
import { SlackStandin } from '../../src/slack-standin/standin.ts';
import { world, type World } from './world.ts';

// The payloads themselves are built by src/slack-standin/payloads.ts, shared with the sandbox.

export const SIGNING_SECRET = 'test-signing-secret';
export { TEAM, type Json };

export type SlackReply = AppReply;

/** Signs a body as Slack does (v0, HMAC-SHA256 of `v0:timestamp:body`). */
export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return signWith(body, timestamp, secret);
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
  const link = appLink(`${running.url}/slack/events`, SIGNING_SECRET);
  const post = (body: string, contentType: string, headers: Record<string, string> = {}): Promise<SlackReply> => link.post(body, contentType, headers);
  const interactive = (payload: Json, headers?: Record<string, string>) => link.interactive(payload, headers);
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
      link.command(slashCommandFields({ user, command, text, responseUrl: responseUrl(), triggerId: trigger(user), extra })),
    /** A button or select in a message (container "message"), or in a view when `view` is given. */
    action: (user: string, action: Json, where: { view?: Json; message?: { channel: string; ts: string; blocks?: unknown[] } } = {}) =>
      interactive(
        blockActionsPayload({
          user,
          triggerId: trigger(user),
          container: where.view
            ? { kind: 'view', view: where.view }
            : { kind: 'message', channel: where.message?.channel ?? 'C0SALES', ts: where.message?.ts ?? '1.0', blocks: where.message?.blocks ?? [], ephemeral: false, responseUrl: responseUrl() },
          actions: [{ type: 'button', block_id: action.block_id ?? 'b', action_ts: actionTs(), ...action }],
        }),
      ),
    /** Submits an open view with these input values (`{ blockId: { actionId: value-object } }`). */
    submit: async (user: string, view: Json, values: Json, headers?: Record<string, string>) => {
      const reply = await interactive(viewSubmissionPayload({ user, triggerId: trigger(user), view: viewAsSent(view, { values }) }), headers);
      // What Slack does with the answer: close the modal, show errors, update or push.
      standin.applyResponseAction(view.id, typeof reply.body === 'object' && reply.body ? reply.body : undefined);
      return reply;
    },
    /** Type-ahead in an external select (`block_suggestion`). */
    suggest: (user: string, actionId: string, value: string, view?: Json) => interactive(blockSuggestionPayload({ user, actionId, blockId: 'store', value, ...(view ? { view } : {}) })),
    /** A message shortcut on a message in a channel. */
    messageShortcut: (user: string, callbackId: string, message: { text: string; ts?: string; user?: string }) =>
      interactive(messageShortcutPayload({ user, callbackId, message, responseUrl: responseUrl(), triggerId: trigger(user) })),
    /** An Events API callback, e.g. app_home_opened. */
    event: (event: Json, headers?: Record<string, string>, eventId = `Ev${next()}`) => link.event(eventCallback(event, eventId), headers),
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
