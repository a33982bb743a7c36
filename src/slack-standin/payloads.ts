import { createHash, createHmac, randomBytes } from 'node:crypto';

// What Slack sends an app, built the way Slack builds it (the shapes of shared/slack/payloads/*, from
// Slack's SDK tests), and signed the way Slack signs it. The integration tests and the sandbox both
// speak to the app through these: to the app they are Slack, not a second code path.

export const TEAM = 'T0SEABOARD';
export const TEAM_DOMAIN = 'seaboard';
export const APP_ID = 'A0SEABOARD';
export const BOT_ID = 'BBOT';
export const BOT_USER = 'UBOT';

export type Json = Record<string, any>;

/** Signs a body as Slack does (v0, HMAC-SHA256 of `v0:timestamp:body`). */
export function sign(body: string, timestamp: number, secret: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

let counter = 0;
/** A number unique in this process: trigger ids, event ids. */
export const nextSeq = (): number => ++counter;

/** A trigger id that names its user (the stand-in reads who a views.open is for from it). */
export const triggerIdFor = (user: string): string => `${nextSeq()}.${user}.trigger`;

/** Event ids are remembered by the app across restarts (redeliveries are dropped): unique per process and run. */
const run = randomBytes(4).toString('hex');
export const eventIdFor = (): string => `Ev${run}${nextSeq()}`;

export const slackUser = (user: string): Json => ({ id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM });
const team = (): Json => ({ id: TEAM, domain: TEAM_DOMAIN });
const channelName = (channel: string) => (channel.startsWith('D') ? 'directmessage' : 'sales');
export const actionTs = (): string => `${Date.now() / 1000}`;

// ---- slash commands ------------------------------------------------------------------------------

export interface CommandInput {
  user: string;
  command: string;
  text?: string;
  responseUrl: string;
  triggerId?: string;
  channel?: string;
  extra?: Record<string, string>;
}

/** A slash command as Slack posts it: form fields, like shared/slack/payloads/slash_command.form.txt. */
export function slashCommandFields(c: CommandInput): Record<string, string> {
  const channel = c.channel ?? 'C0SALES';
  return {
    token: 'legacy',
    team_id: TEAM,
    team_domain: TEAM_DOMAIN,
    channel_id: channel,
    channel_name: channelName(channel),
    user_id: c.user,
    user_name: c.user.toLowerCase(),
    command: c.command,
    text: c.text ?? '',
    api_app_id: APP_ID,
    response_url: c.responseUrl,
    trigger_id: c.triggerId ?? triggerIdFor(c.user),
    ...c.extra,
  };
}

// ---- interactivity -------------------------------------------------------------------------------

/** Where a block action happened: a message (with its response_url) or a view (a modal or the Home tab). */
export type ActionContainer =
  | { kind: 'message'; channel: string; ts: string; text?: string; blocks?: unknown[]; ephemeral?: boolean; responseUrl: string; state?: Json }
  | { kind: 'view'; view: Json };

/** block_actions: `actions` as Slack lists them (type, action_id, block_id, the value or selection, action_ts). */
export function blockActionsPayload(o: { user: string; actions: Json[]; container: ActionContainer; triggerId?: string }): Json {
  const c = o.container;
  return {
    type: 'block_actions',
    user: slackUser(o.user),
    api_app_id: APP_ID,
    token: 'legacy',
    team: team(),
    enterprise: null,
    is_enterprise_install: false,
    trigger_id: o.triggerId ?? triggerIdFor(o.user),
    ...(c.kind === 'view'
      ? { container: { type: 'view', view_id: c.view.id }, view: c.view }
      : {
          container: { type: 'message', message_ts: c.ts, channel_id: c.channel, is_ephemeral: c.ephemeral ?? false },
          channel: { id: c.channel, name: channelName(c.channel) },
          message: { type: 'message', ts: c.ts, text: c.text ?? '', blocks: c.blocks ?? [] },
          ...(c.state ? { state: c.state } : {}),
          response_url: c.responseUrl,
        }),
    actions: o.actions,
  };
}

/**
 * A view's hash as Slack keeps one: it changes whenever the view does (an update, a response_action),
 * never with what is typed in it. Given no hash, one is made from the view's content.
 */
export function viewHash(view: Json): string {
  const { state: _state, hash: _hash, ...shown } = view;
  return `1.${createHash('sha1').update(JSON.stringify(shown)).digest('hex').slice(0, 8)}`;
}

/** A view as Slack includes it in a payload: the app's view, its ids and hash, and the state of its inputs. */
export function viewAsSent(view: Json, o: { values?: Json; hash?: string; rootViewId?: string; previousViewId?: string | null } = {}): Json {
  return {
    type: 'modal',
    private_metadata: '',
    callback_id: '',
    clear_on_close: false,
    notify_on_close: false,
    external_id: '',
    ...view,
    team_id: TEAM,
    state: { values: o.values ?? {} },
    hash: o.hash ?? view.hash ?? viewHash(view),
    root_view_id: o.rootViewId ?? view.root_view_id ?? view.id,
    previous_view_id: o.previousViewId !== undefined ? o.previousViewId : (view.previous_view_id ?? null),
    app_id: APP_ID,
    app_installed_team_id: TEAM,
    bot_id: BOT_ID,
  };
}

/** view_submission of a view already in Slack's shape (viewAsSent). */
export function viewSubmissionPayload(o: { user: string; view: Json; triggerId?: string }): Json {
  return {
    type: 'view_submission',
    team: team(),
    user: slackUser(o.user),
    api_app_id: APP_ID,
    token: 'legacy',
    trigger_id: o.triggerId ?? triggerIdFor(o.user),
    view: o.view,
    response_urls: [],
  };
}

/** view_closed: sent only for a view with notify_on_close; `isCleared` when the whole stack closed. */
export function viewClosedPayload(o: { user: string; view: Json; isCleared: boolean }): Json {
  return { type: 'view_closed', team: team(), user: slackUser(o.user), api_app_id: APP_ID, token: 'legacy', view: o.view, is_cleared: o.isCleared };
}

/** block_suggestion: type-ahead in an external select of a view or a message. */
export function blockSuggestionPayload(o: { user: string; actionId: string; blockId: string; value: string; view?: Json; message?: { channel: string; ts: string } }): Json {
  return {
    type: 'block_suggestion',
    user: slackUser(o.user),
    container: o.view ? { type: 'view', view_id: o.view.id } : { type: 'message', ...(o.message ? { message_ts: o.message.ts, channel_id: o.message.channel } : {}) },
    api_app_id: APP_ID,
    token: 'legacy',
    action_id: o.actionId,
    block_id: o.blockId,
    value: o.value,
    team: team(),
    ...(o.view ? { view: o.view } : {}),
    ...(o.message ? { channel: { id: o.message.channel, name: channelName(o.message.channel) } } : {}),
  };
}

/** A message shortcut on a message in a channel. */
export function messageShortcutPayload(o: { user: string; callbackId: string; message: { text: string; ts?: string; user?: string }; responseUrl: string; triggerId?: string }): Json {
  const ts = o.message.ts ?? '1700000000.000100';
  return {
    type: 'message_action',
    token: 'legacy',
    action_ts: actionTs(),
    team: team(),
    user: slackUser(o.user),
    channel: { id: 'C0SALES', name: 'sales' },
    callback_id: o.callbackId,
    trigger_id: o.triggerId ?? triggerIdFor(o.user),
    message_ts: ts,
    message: { type: 'message', user: o.message.user ?? 'U0OTHER', ts, text: o.message.text },
    response_url: o.responseUrl,
  };
}

// ---- events --------------------------------------------------------------------------------------

/** An Events API callback around one event. */
export function eventCallback(event: Json, eventId: string = eventIdFor()): Json {
  return {
    token: 'legacy',
    team_id: TEAM,
    api_app_id: APP_ID,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event,
    authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true }],
  };
}

/** app_home_opened, as Slack sends it when a person opens the app's Home (or Messages) tab. */
export function appHomeOpenedEvent(user: string, tab: 'home' | 'messages', view?: Json): Json {
  return { type: 'app_home_opened', user, channel: `D${user}`, tab, event_ts: actionTs(), ...(view ? { view } : {}) };
}

// ---- delivery ------------------------------------------------------------------------------------

export interface AppReply {
  status: number;
  /** The ack's body, parsed when it is JSON. */
  body: Json | string | null;
  ms: number;
}

export const formBody = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
export const FORM = 'application/x-www-form-urlencoded'; // exactly: Bolt reads a form only with this type

/** Posts a body to the app's Slack endpoint, signed with the app's signing secret, and reads the ack. */
export async function postToApp(endpoint: string, secret: string, body: string, contentType: string, headers: Record<string, string> = {}): Promise<AppReply> {
  const ts = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts, secret), ...headers },
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

/** The app's Slack endpoint as Slack reaches it: commands and interactivity as forms, events as JSON. */
export function appLink(endpoint: string, secret: string) {
  const post = (body: string, contentType: string, headers?: Record<string, string>) => postToApp(endpoint, secret, body, contentType, headers);
  return {
    post,
    command: (fields: Record<string, string>, headers?: Record<string, string>) => post(formBody(fields), FORM, headers),
    interactive: (payload: Json, headers?: Record<string, string>) => post(formBody({ payload: JSON.stringify(payload) }), FORM, headers),
    event: (callback: Json, headers?: Record<string, string>) => post(JSON.stringify(callback), 'application/json', headers),
  };
}
export type AppLink = ReturnType<typeof appLink>;
