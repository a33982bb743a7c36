import { createHash } from 'node:crypto';
import type { SlackStandin, StoredMessage } from '../slack-standin/standin.ts';
import { st } from './i18n.ts';
import { home, message, modal, type RenderContext } from './render.ts';

// What one person sees of Slack right now, drawn: their conversation with the app (DMs and the
// ephemeral messages only they see, newest last), the modal on top of their stack, and their Home.
// Each part has a hash so that the page redraws only what changed.

/** The conversation shows this many latest messages. */
export const TIMELINE_MAX = 150;

export interface Part {
  key: string;
  hash: string;
  html: string;
}

export interface PersonState {
  version: number;
  user: string;
  timeline: Part[];
  modal: (Part & { viewId: string }) | null;
  home: (Part & { viewId: string }) | null;
}

const hashOf = (s: string) => createHash('sha1').update(s).digest('base64url').slice(0, 16);
const part = (key: string, html: string): Part => ({ key, hash: hashOf(html), html });

/** The messages a person sees: DMs with the app, and whatever ephemeral messages were shown to them. */
export function visibleMessages(standin: SlackStandin, user: string): StoredMessage[] {
  const dm = `D${user}`;
  return standin.messages.filter((m) => (m.ephemeral ? m.user === user : m.channel === dm)).slice(-TIMELINE_MAX);
}

export function personState(standin: SlackStandin, user: string, ctx: Omit<RenderContext, 'idPrefix' | 'errors'>, errorsOf: (viewId: string) => Record<string, string> | undefined): PersonState {
  const dm = `D${user}`;
  const fileUrl = (id: string) => `/sandbox/files/${encodeURIComponent(id)}`;
  const timeline = visibleMessages(standin, user).map((m) => {
    const key = `${m.channel}:${m.ts}`;
    return part(key, message(m, { ...ctx, idPrefix: `m${m.ts.replace('.', '-')}` }, { channelLabel: m.channel === dm ? null : m.channel.startsWith('D') ? st(ctx.locale ?? 'en', 'sb.a_dm') : `#${m.channel}`, fileUrl }).value);
  });
  const views = standin.openViews(user);
  const top = views.at(-1);
  let modalPart: PersonState['modal'] = null;
  if (top) {
    const stack = standin.stackOf(top);
    const errors = errorsOf(top.id);
    modalPart = { viewId: top.id, ...part(`view:${top.id}`, modal(top, stack, { ...ctx, idPrefix: 'v', ...(errors ? { errors } : {}) }).value) };
  }
  const h = standin.homes.get(user);
  const homePart = h ? { viewId: h.id, ...part(`home:${h.id}`, home(h, { ...ctx, idPrefix: 'h' }).value) } : null;
  return { version: standin.version, user, timeline, modal: modalPart, home: homePart };
}
