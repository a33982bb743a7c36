import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../domain/org/roles.ts';
import { slackUser } from '../domain/people/people.ts';
import { toLocale, type Reader } from '../i18n/index.ts';
import type { BotDeps } from './deps.ts';
import { t } from './i18n/index.ts';
import { postResponse } from './respond.ts';
import { requestUser } from './schemas.ts';

/** Set on Bolt's context for every request from a known, active person. */
export interface Who {
  actor: Actor;
  reader: Reader;
}

export const who = (context: Record<string, unknown>): Who => context.who as Who;

/** What `refuse` reads of any request's body (its kind, and where to answer). */
interface Body {
  type?: string;
  command?: string;
  event?: { type?: string };
  response_url?: string;
}
/** Bolt's middleware arguments without its deep generic types: the fields every request kind shares. */
type Loose = Omit<AllMiddlewareArgs, 'client'> & { client: WebClient; body: Body; ack?: (r?: unknown) => Promise<void> };

// users.info is slow and rate-limited: a person's Slack locale is remembered for an hour.
const slackLocales = new Map<string, { locale: string | null; at: number }>();
async function slackLocale(client: WebClient, user: string, now: number): Promise<string | null> {
  const hit = slackLocales.get(user);
  if (hit && now - hit.at < 3_600_000) return hit.locale;
  let locale: string | null = null;
  try {
    const r = await client.users.info({ user, include_locale: true });
    locale = (r.user as { locale?: string } | undefined)?.locale ?? null;
  } catch {
    locale = null; // English, as the product says, when Slack cannot tell
  }
  slackLocales.set(user, { locale, at: now });
  return locale;
}

/** The Slack locale seen for a user lately, if any: what messages sent later (the outbox) speak without a choice of their own. */
export function knownSlackLocale(user: string): string | null {
  return slackLocales.get(user)?.locale ?? null;
}

/**
 * Who is who: maps the Slack user to a person. Someone who is not a person of the company, or whose
 * account is closed, is told so in their language and nothing else runs.
 */
export function identify(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  return async (raw) => {
    const args = raw as unknown as Loose;
    const { body, context, next, client } = args;
    // A member id, checked at the edge (src/bot/schemas.ts); a request without one (an event about
    // no one) reaches only listeners that need no person.
    const user = requestUser(body);
    if (!user) return next();
    const { actor, timezone } = await slackUser(deps, user);
    if (actor && actor.active) {
      const locale = toLocale(actor.locale ?? (await slackLocale(client, user, deps.clock.now().getTime())));
      const reader: Reader = { locale, timezone: actor.timezone ?? timezone };
      context.who = { actor, reader } satisfies Who;
      return next();
    }
    const reader: Reader = { locale: toLocale(await slackLocale(client, user, deps.clock.now().getTime())), timezone };
    const text = actor ? t(reader, 'common.deactivated') : t(reader, 'common.not_registered', { slackId: user });
    await refuse(args, user, text);
  };
}

async function refuse(args: Loose, user: string, text: string): Promise<void> {
  const { body, client, ack } = args;
  switch (body.type ?? (body.command ? 'command' : undefined)) {
    case 'command':
      await ack?.({ response_type: 'ephemeral', text });
      return;
    case 'block_suggestion':
      await ack?.({ options: [] });
      return;
    case 'view_submission':
      await ack?.({ response_action: 'update', view: { type: 'modal', title: { type: 'plain_text', text: 'Seaboard' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] } });
      return;
    case 'event_callback':
      if (body.event?.type === 'app_home_opened') {
        await client.views.publish({ user_id: user, view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] } });
      }
      return;
    default:
      await ack?.();
      if (body.response_url) await postResponse(body.response_url, { response_type: 'ephemeral', replace_original: false, text });
      else await client.chat.postMessage({ channel: user, text });
  }
}
