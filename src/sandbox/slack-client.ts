import {
  appHomeOpenedEvent,
  appLink,
  blockActionsPayload,
  blockSuggestionPayload,
  eventCallback,
  slashCommandFields,
  triggerIdFor,
  viewAsSent,
  viewClosedPayload,
  viewSubmissionPayload,
  type AppLink,
  type Json,
} from '../slack-standin/payloads.ts';
import type { SlackStandin, StoredMessage, StoredView } from '../slack-standin/standin.ts';
import type { MessageParams } from '../domain/errors.ts';
import { actionOf, findElement, stateValues, withBlockIds, type RawState, type RawValue } from './elements.ts';
import { localeOf, st, type SandboxKey } from './i18n.ts';

// The Slack client's part of the sandbox: what Slack does when a person types a command, clicks,
// picks, submits or closes. It sends the app the payload Slack would send (payloads.ts), signed, to
// the app's own /slack/events, and applies the answer as Slack would (an ack's message, a
// view_submission's response_action). What the app then calls goes to the stand-in as usual.

/** Slack gives an app 3 seconds to acknowledge; the sandbox still applies a late answer but says so. */
export const ACK_LIMIT_MS = 3000;

export class SandboxError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface Outcome {
  ms: number;
  /** Said to the person, as Slack would (an unknown command, a failed request, a slow ack). */
  notice?: string;
}

export type Where = { surface: 'message'; channel: string; ts: string } | { surface: 'view'; viewId: string };

const dm = (user: string) => `D${user}`;

export class SlackClient {
  private readonly link: AppLink;
  /** response_action: errors of a view's last submission, by view id, with the view's hash then. */
  private readonly errors = new Map<string, { hash: string; errors: Record<string, string> }>();

  constructor(
    readonly standin: SlackStandin,
    endpoint: string,
    secret: string,
    private readonly commands: readonly string[],
    private readonly timezoneOf: (user: string) => string,
  ) {
    this.link = appLink(endpoint, secret);
  }

  /** The sandbox's words in the language of the person acting (Slack's own chrome follows its user's). */
  private say(user: string, key: SandboxKey, params: MessageParams = {}): string {
    return st(localeOf(this.standin.users.get(user)?.locale), key, params);
  }

  private late(user: string, ms: number): string | undefined {
    return ms > ACK_LIMIT_MS ? this.say(user, 'sb.late', { ms: Math.round(ms) }) : undefined;
  }

  private failed(user: string, status: number): string {
    return this.say(user, 'sb.failed', { status });
  }

  /** `/visit 老王面馆`: a slash command typed in the person's DM with the app. */
  async command(user: string, line: string): Promise<Outcome> {
    const m = /^\s*(\/\S+)\s*([\s\S]*)$/.exec(line);
    if (!m) throw new SandboxError(this.say(user, 'sb.err.type_command'));
    const [, command, text] = m as unknown as [string, string, string];
    if (!this.commands.includes(command)) {
      return { ms: 0, notice: this.say(user, 'sb.unknown_command', { command, commands: this.commands.join(', ') }) };
    }
    const channel = dm(user);
    const reply = await this.link.command(slashCommandFields({ user, command, text: text.trim(), channel, responseUrl: this.standin.responseUrl({ user, channel }), triggerId: triggerIdFor(user) }));
    if (reply.status !== 200) return { ms: reply.ms, notice: this.failed(user, reply.status) };
    // An ack with a body is shown to the person (plain text too).
    if (typeof reply.body === 'string') this.standin.showAck({ user, channel }, { text: reply.body });
    else if (reply.body) this.standin.showAck({ user, channel }, reply.body);
    return { ms: reply.ms, ...(this.late(user, reply.ms) ? { notice: this.late(user, reply.ms) } : {}) };
  }

  /** A click, a pick or a change of an element that dispatches: block_actions. */
  async action(user: string, where: Where, blockId: string, actionId: string, value: RawValue | undefined, raw: RawState): Promise<Outcome> {
    const tz = this.timezoneOf(user);
    let reply;
    if (where.surface === 'message') {
      const m = this.visibleMessage(user, where.channel, where.ts);
      const placed = findElement(m.blocks, blockId, actionId);
      if (!placed) throw new SandboxError(this.say(user, 'sb.err.not_in_message'), 409);
      reply = await this.link.interactive(
        blockActionsPayload({
          user,
          triggerId: triggerIdFor(user),
          container: {
            kind: 'message',
            channel: m.channel,
            ts: m.ts,
            text: m.text ?? '',
            blocks: withBlockIds(m.blocks),
            ephemeral: m.ephemeral ?? false,
            responseUrl: this.standin.responseUrl({ user, channel: m.channel, source: { channel: m.channel, ts: m.ts } }),
            state: { values: stateValues(m.blocks, raw, tz) },
          },
          actions: [actionOf(placed, value, tz)],
        }),
      );
    } else {
      const v = this.ownView(user, where.viewId);
      const placed = findElement(v.view.blocks, blockId, actionId);
      if (!placed) throw new SandboxError(this.say(user, 'sb.err.not_in_view'), 409);
      reply = await this.link.interactive(blockActionsPayload({ user, triggerId: triggerIdFor(user), container: { kind: 'view', view: this.sent(v, raw, tz) }, actions: [actionOf(placed, value, tz)] }));
    }
    if (reply.status !== 200) return { ms: reply.ms, notice: this.failed(user, reply.status) };
    return { ms: reply.ms, ...(this.late(user, reply.ms) ? { notice: this.late(user, reply.ms) } : {}) };
  }

  /** Type-ahead of an external select: block_suggestion; the app's options (or groups) as it answered. */
  async options(user: string, where: Where, blockId: string, actionId: string, typed: string, raw: RawState): Promise<{ options: Json[]; option_groups?: Json[] }> {
    let payload: Json;
    if (where.surface === 'view') {
      const v = this.ownView(user, where.viewId);
      if (!findElement(v.view.blocks, blockId, actionId)) throw new SandboxError(this.say(user, 'sb.err.not_in_view'), 409);
      payload = blockSuggestionPayload({ user, actionId, blockId, value: typed, view: this.sent(v, raw, this.timezoneOf(user)) });
    } else {
      const m = this.visibleMessage(user, where.channel, where.ts);
      if (!findElement(m.blocks, blockId, actionId)) throw new SandboxError(this.say(user, 'sb.err.not_in_message'), 409);
      payload = blockSuggestionPayload({ user, actionId, blockId, value: typed, message: { channel: m.channel, ts: m.ts } });
    }
    const reply = await this.link.interactive(payload);
    const body = reply.status === 200 && reply.body && typeof reply.body === 'object' ? reply.body : {};
    return { options: Array.isArray(body.options) ? body.options : [], ...(Array.isArray(body.option_groups) ? { option_groups: body.option_groups } : {}) };
  }

  /** The submit button of the top modal: view_submission, then its response_action. */
  async submit(user: string, viewId: string, raw: RawState): Promise<Outcome & { errors?: Record<string, string> }> {
    const v = this.ownView(user, viewId);
    const reply = await this.link.interactive(viewSubmissionPayload({ user, triggerId: triggerIdFor(user), view: this.sent(v, raw, this.timezoneOf(user)) }));
    if (reply.status !== 200) return { ms: reply.ms, notice: this.failed(user, reply.status) };
    const body = reply.body && typeof reply.body === 'object' ? reply.body : undefined;
    if (body?.response_action === 'errors') {
      const errors = Object.fromEntries(Object.entries((body.errors ?? {}) as Record<string, unknown>).map(([k, e]) => [k, String(e)]));
      this.errors.set(viewId, { hash: v.hash, errors });
      this.standin.applyResponseAction(viewId, body); // nothing moves; readers see the errors
      return { ms: reply.ms, errors, ...(this.late(user, reply.ms) ? { notice: this.late(user, reply.ms) } : {}) };
    }
    this.errors.delete(viewId);
    this.standin.applyResponseAction(viewId, body);
    return { ms: reply.ms, ...(this.late(user, reply.ms) ? { notice: this.late(user, reply.ms) } : {}) };
  }

  /** The errors to show on a view's inputs: until it is submitted again or the app changes it. */
  errorsOf(viewId: string): Record<string, string> | undefined {
    const e = this.errors.get(viewId);
    return e && this.standin.views.get(viewId)?.hash === e.hash ? e.errors : undefined;
  }

  /** Close (this view: back to the one below) or × (the whole stack); view_closed when the app asked for it. */
  async close(user: string, viewId: string, all: boolean): Promise<Outcome> {
    const v = this.ownView(user, viewId);
    const stack = this.standin.stackOf(v);
    const closing = all ? stack : [v];
    const notify = closing.find((x) => x.view.notify_on_close);
    this.standin.closeView(viewId, all);
    for (const x of closing) this.errors.delete(x.id);
    if (!notify) return { ms: 0 };
    const reply = await this.link.interactive(viewClosedPayload({ user, view: this.sent(notify, {}, this.timezoneOf(user)), isCleared: all && stack.length > 1 }));
    return { ms: reply.ms, ...(reply.status !== 200 ? { notice: this.failed(user, reply.status) } : {}) };
  }

  /** Opening the app's Home or Messages tab: app_home_opened (with the Home view when there is one). */
  async openTab(user: string, tab: 'home' | 'messages'): Promise<Outcome> {
    const current = this.standin.homes.get(user);
    const view = tab === 'home' && current ? { ...this.sent(current, {}, this.timezoneOf(user)), type: 'home' } : undefined;
    const reply = await this.link.event(eventCallback(appHomeOpenedEvent(user, tab, view)));
    return { ms: reply.ms, ...(reply.status !== 200 ? { notice: this.failed(user, reply.status) } : {}) };
  }

  // ---- what the person may act on ----------------------------------------------------------------

  private visibleMessage(user: string, channel: string, ts: string): StoredMessage {
    const m = this.standin.messages.find((x) => x.channel === channel && x.ts === ts && (x.ephemeral ? x.user === user : x.channel === dm(user)));
    if (!m) throw new SandboxError(this.say(user, 'sb.err.message_gone'), 404);
    return m;
  }

  private ownView(user: string, viewId: string): StoredView {
    const v = this.standin.views.get(viewId);
    if (!v || v.user !== user || v.closed) throw new SandboxError(this.say(user, 'sb.err.view_closed'), 404);
    return v;
  }

  /** A stored view as Slack includes it in a payload: ids, hash, and the state of its inputs. */
  private sent(v: StoredView, raw: RawState, tz: string): Json {
    return viewAsSent({ ...v.view, id: v.id, blocks: withBlockIds(v.view.blocks) }, { values: stateValues(v.view.blocks, raw, tz), hash: v.hash, rootViewId: v.rootViewId, previousViewId: v.previousViewId });
  }
}
