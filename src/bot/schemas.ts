import { z } from 'zod';

// What a Slack request must look like before anything reads it: the parts of each payload that Bolt
// and the listeners read, checked at the edge (src/bot/edge.ts) with zod. A body that fails is not a
// Slack payload and is answered 400; one that passes is handed on in its parsed form, with Slack's
// optional parts filled in (a command without `text` has an empty one, a view without `state` has no
// values), so a listener never meets a number where it reads a string. Unknown keys are kept.

// ---- pieces -------------------------------------------------------------------------------------

/** A member id (`U…`, `W…` in Enterprise Grid): what the identify middleware looks a person up by. */
export const userId = z.string().regex(/^[UW][A-Z0-9]{1,40}$/);
const teamId = z.string().regex(/^[TE][A-Z0-9]{1,40}$/);
/** Where a team or an organization is only mentioned, Slack may leave it empty (`enterprise: { id: '' }`). */
const teamRef = z.string().regex(/^([TE][A-Z0-9]{1,40})?$/);
const enterpriseId = z.string().regex(/^(E[A-Z0-9]{1,40})?$/);
/** Ids Slack makes up (views, channels, triggers, timestamps): short printable strings. */
const slackToken = (max = 255) => z.string().min(1).max(max).regex(/^[\x21-\x7e]+$/);
const httpUrl = z.url({ protocol: /^https?$/ }).max(3000);

const user = z.looseObject({ id: userId, team_id: teamRef.nullish() });
const team = z.looseObject({ id: teamId, enterprise_id: enterpriseId.nullish() }).nullish();
const enterprise = z.looseObject({ id: enterpriseId }).nullish();

const option = z.looseObject({ value: z.string().max(2000), text: z.looseObject({ text: z.string().max(2000) }).optional() });

/** One input's state in `view.state.values[block][action]`: what the view readers take from it. */
const stateValue = z.looseObject({
  type: z.string().max(64).optional(),
  value: z.string().max(12_000).nullish(),
  selected_option: option.nullish(),
  selected_options: z.array(option).max(100).nullish(),
  selected_date: z.string().max(32).nullish(),
  selected_time: z.string().max(32).nullish(),
  selected_date_time: z.number().nullish(),
  selected_user: z.string().max(64).nullish(),
  selected_users: z.array(z.string().max(64)).max(100).nullish(),
  selected_conversation: z.string().max(64).nullish(),
  selected_channel: z.string().max(64).nullish(),
});
export const stateValues = z.record(z.string().max(255), z.record(z.string().max(255), stateValue));
export type StateValue = z.infer<typeof stateValue>;
/** `view.state.values` as the view readers get it (src/bot/views/*): `values[block][action]`. */
export type StateValues = z.infer<typeof stateValues>;

/** A block as the listeners look into one: its id and, for a section, its text. */
const block = z.looseObject({
  type: z.string().max(64).optional(),
  block_id: z.string().max(255).optional(),
  text: z.looseObject({ text: z.string().max(12_000).optional() }).nullish(),
});

/**
 * A view in a payload. A view without `state` (or with `state: {}`, as Slack sends for a view
 * without inputs) has no values; one without metadata has an empty one.
 */
export const view = z.looseObject({
  id: slackToken(64),
  type: z.string().max(32),
  callback_id: z.string().max(255).default(''),
  private_metadata: z.string().max(3000).default(''),
  hash: z.string().max(255).optional(),
  external_id: z.string().max(255).optional(),
  state: z.looseObject({ values: stateValues.default(() => ({})) }).default(() => ({ values: {} })),
  blocks: z.array(block).max(100).default(() => []),
  root_view_id: z.string().max(64).nullish(),
  previous_view_id: z.string().max(64).nullish(),
  team_id: teamRef.nullish(),
  app_installed_team_id: teamRef.nullish(),
});
type SlackView = z.infer<typeof view>;

/**
 * A submitted view's input values. The edge parsed the payload with `view` above, so a view that came
 * without `state` (or with `state: {}`) has empty values here, and every value has the types above.
 */
export const submittedValues = (v: { state?: unknown }): StateValues => (v as SlackView).state.values;

/** One element of `actions` (Slack sends exactly one): a button's value, a select's choice. */
const blockAction = z.looseObject({
  type: z.string().max(64),
  action_id: z.string().min(1).max(255),
  block_id: z.string().max(255).optional(),
  // A button's value (≤ 2,000), or what was typed in an input that dispatches its action.
  value: z.string().max(12_000).optional(),
  action_ts: z.string().max(64).optional(),
  selected_option: option.nullish(),
  selected_options: z.array(option).max(100).nullish(),
  selected_date: z.string().max(32).nullish(),
  selected_time: z.string().max(32).nullish(),
  selected_user: z.string().max(64).nullish(),
});
export type BlockAction = z.infer<typeof blockAction>;

/**
 * Bolt decides a payload's kind by which of these keys it has, before its `type`: a payload of one
 * kind must not carry another kind's key, or Bolt would hand it to listeners of that kind. Nor may it
 * carry a workflow function's token, which Bolt would call Slack with (this app has no functions).
 */
const routing = ['event', 'command', 'name', 'actions'] as const;
const without = (own: (typeof routing)[number] | null) => ({
  ...Object.fromEntries(routing.filter((k) => k !== own).map((k) => [k, z.undefined().optional()])),
  function_data: z.undefined().optional(),
  bot_access_token: z.undefined().optional(),
});

// ---- payloads ---------------------------------------------------------------------------------

/** A slash command (form fields). Slack always sends `text`, empty when nothing was typed. */
const commandBody = z.looseObject({
  ...without('command'),
  command: z.string().regex(/^\/[^\s/]{1,31}$/),
  text: z.string().max(8000).default(''),
  user_id: userId,
  team_id: teamId,
  enterprise_id: enterpriseId.nullish(),
  channel_id: slackToken(64).optional(),
  trigger_id: slackToken(),
  response_url: httpUrl,
});

const blockActionsBody = z.looseObject({
  ...without('actions'),
  type: z.literal('block_actions'),
  user,
  team,
  enterprise,
  trigger_id: slackToken().optional(),
  response_url: httpUrl.optional(),
  container: z
    .looseObject({
      type: z.string().max(64),
      view_id: z.string().max(64).optional(),
      message_ts: z.string().max(64).optional(),
      channel_id: z.string().max(64).optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  view: view.optional(),
  message: z.looseObject({ ts: z.string().max(64).optional(), text: z.string().max(40_000).optional(), blocks: z.array(block).max(100).optional() }).optional(),
  channel: z.looseObject({ id: slackToken(64) }).nullish(),
  state: z.looseObject({ values: stateValues.default(() => ({})) }).optional(),
  actions: z.array(blockAction).min(1).max(25),
});
export type BlockActionsBody = z.infer<typeof blockActionsBody>;

/**
 * A block_actions request's body and its action in the shapes the edge checked (src/bot/edge.ts):
 * Bolt's own types for them are wider than what can arrive here.
 */
export const checked = (args: { body: unknown; action: unknown }): { body: BlockActionsBody; action: BlockAction } => ({
  body: args.body as BlockActionsBody,
  action: args.action as BlockAction,
});

const viewSubmissionBody = z.looseObject({
  ...without(null),
  type: z.literal('view_submission'),
  user,
  team,
  enterprise,
  view,
  trigger_id: slackToken().optional(),
  response_urls: z.array(z.looseObject({ response_url: httpUrl })).max(10).default(() => []),
});

const viewClosedBody = z.looseObject({
  ...without(null),
  type: z.literal('view_closed'),
  user,
  team,
  enterprise,
  view,
  is_cleared: z.boolean().optional(),
});

/** Type-ahead of an external select (`block_suggestion`): the typed text, and the view it is in. */
const blockSuggestionBody = z.looseObject({
  ...without('name'),
  type: z.literal('block_suggestion'),
  user,
  team,
  enterprise,
  action_id: z.string().min(1).max(255),
  block_id: z.string().max(255).optional(),
  value: z.string().max(2000).default(''),
  view: view.optional(),
});

/** A message shortcut: the message's text becomes a visit's summary. */
const messageActionBody = z.looseObject({
  ...without(null),
  type: z.literal('message_action'),
  user,
  team,
  enterprise,
  callback_id: z.string().min(1).max(255),
  trigger_id: slackToken(),
  response_url: httpUrl.optional(),
  channel: z.looseObject({ id: slackToken(64) }).nullish(),
  message: z.looseObject({ text: z.string().max(40_000).default(''), ts: z.string().max(64).optional() }),
});

const shortcutBody = z.looseObject({
  ...without(null),
  type: z.literal('shortcut'),
  user,
  team,
  enterprise,
  callback_id: z.string().min(1).max(255),
  trigger_id: slackToken(),
});

/** app_home_opened: whose Home, and which tab. */
export const appHomeOpenedEvent = z.looseObject({ type: z.literal('app_home_opened'), user: userId, tab: z.string().max(32), channel: z.string().max(64).optional() });

/**
 * Any other event: only what Bolt itself reads of it (its user, channel and item, to find the
 * conversation and the user) must have the right type.
 */
const otherEvent = z.looseObject({
  type: z.string().min(1).max(64).refine((t) => t !== 'app_home_opened'),
  user: z.union([z.string().max(64), z.looseObject({ id: z.string().max(64) })]).optional(),
  channel: z.union([z.string().max(64), z.looseObject({})]).optional(),
  channel_id: z.string().max(64).optional(),
  item: z.looseObject({}).optional(),
  subteam: z.looseObject({}).optional(),
  bot_access_token: z.undefined().optional(),
});

const eventCallbackBody = z.looseObject({
  ...without('event'),
  type: z.literal('event_callback'),
  team_id: teamRef.nullish(),
  enterprise_id: enterpriseId.nullish(),
  event_id: slackToken(128),
  event: z.union([appHomeOpenedEvent, otherEvent]),
  authorizations: z.array(z.looseObject({ team_id: teamRef.nullish(), enterprise_id: enterpriseId.nullish() })).max(10).optional(),
});

// ---- the envelope ---------------------------------------------------------------------------------

export type Envelope =
  | { kind: 'command'; body: z.infer<typeof commandBody> }
  | { kind: 'block_actions'; body: BlockActionsBody }
  | { kind: 'view_submission'; body: z.infer<typeof viewSubmissionBody> }
  | { kind: 'view_closed'; body: z.infer<typeof viewClosedBody> }
  | { kind: 'block_suggestion'; body: z.infer<typeof blockSuggestionBody> }
  | { kind: 'message_action'; body: z.infer<typeof messageActionBody> }
  | { kind: 'shortcut'; body: z.infer<typeof shortcutBody> }
  | { kind: 'event_callback'; body: z.infer<typeof eventCallbackBody> };
type Kind = Envelope['kind'];

const byType: Partial<Record<string, z.ZodType>> = {
  block_actions: blockActionsBody,
  view_submission: viewSubmissionBody,
  view_closed: viewClosedBody,
  block_suggestion: blockSuggestionBody,
  message_action: messageActionBody,
  shortcut: shortcutBody,
  event_callback: eventCallbackBody,
};

/** Payload types Slack may send that this app does not answer (an Events API notice, legacy dialogs). */
type Unsupported = { kind: 'unsupported'; type: string };

export type Checked = { ok: true; envelope: Envelope } | { ok: true; envelope: Unsupported } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a parsed request body as Slack would have sent it: a command (form fields with `command`), an
 * event callback, or an interactive payload by its `type`. A type this app does not handle is
 * `unsupported` (answered 200 and logged); anything else that does not fit is refused.
 */
export function readEnvelope(body: unknown): Checked {
  if (!isRecord(body)) return { ok: false, reason: `the body is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}, not an object` };
  let kind: Kind;
  let schema: z.ZodType;
  if ('command' in body) {
    kind = 'command';
    schema = commandBody;
  } else if (typeof body.type === 'string' && byType[body.type]) {
    kind = body.type as Kind;
    schema = byType[body.type]!;
  } else if (typeof body.type === 'string' && /^[a-z_]{1,64}$/.test(body.type)) {
    // Never handed to Bolt: acknowledged and logged (src/bot/edge.ts).
    return { ok: true, envelope: { kind: 'unsupported', type: body.type } };
  } else {
    return { ok: false, reason: 'neither a command nor a payload type' };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return { ok: false, reason: `${kind}: ${issues.join('; ')}` };
  }
  return { ok: true, envelope: { kind, body: parsed.data } as Envelope };
}

/** What a request is about, for the log: its kind and the id listeners match on (control characters masked). */
export function describeEnvelope(e: Envelope | Unsupported): string {
  return about(e).replace(/[\x00-\x1f\x7f\u2028\u2029]/g, '?');
}

function about(e: Envelope | Unsupported): string {
  switch (e.kind) {
    case 'command':
      return `command ${e.body.command}`;
    case 'block_actions':
      return `action ${e.body.actions[0]!.action_id}`;
    case 'view_submission':
    case 'view_closed':
      return `${e.kind} ${e.body.view.callback_id || '(no callback_id)'}`;
    case 'block_suggestion':
      return `options ${e.body.action_id}`;
    case 'message_action':
    case 'shortcut':
      return `${e.kind} ${e.body.callback_id}`;
    case 'event_callback':
      return `event ${e.body.event.type}`;
    case 'unsupported':
      return `payload type ${JSON.stringify(e.type)}`;
  }
}

/** The member who acts in a request: commands name it `user_id`, interactivity `user.id`, events `event.user`. */
export function requestUser(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const candidates = [body.user_id, isRecord(body.user) ? body.user.id : undefined, isRecord(body.event) ? body.event.user : undefined];
  for (const c of candidates) if (c !== undefined) return userId.safeParse(c).success ? (c as string) : undefined;
  return undefined;
}

/** The workspace (and Enterprise Grid organization) a request comes from, as Bolt reads them. */
export function requestWorkspace(e: Envelope): { teamId: string | null; enterpriseId: string | null } {
  const b = e.body as Record<string, unknown> & { team?: { id?: string; enterprise_id?: string } | null; user?: { team_id?: string }; enterprise?: { id?: string } | null };
  const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
  switch (e.kind) {
    case 'command':
      return { teamId: e.body.team_id, enterpriseId: str(e.body.enterprise_id) };
    case 'event_callback': {
      const a = e.body.authorizations?.[0];
      return { teamId: str(a?.team_id) ?? str(e.body.team_id), enterpriseId: str(a?.enterprise_id) ?? str(e.body.enterprise_id) };
    }
    default: {
      // A view opened in another workspace of a Slack Connect channel names the installation's team.
      const installed = e.kind === 'view_submission' || e.kind === 'view_closed' ? str(e.body.view.app_installed_team_id) : null;
      return { teamId: installed ?? str(b.team?.id) ?? str(b.user?.team_id), enterpriseId: str(b.enterprise?.id) ?? str(b.team?.enterprise_id) };
    }
  }
}
