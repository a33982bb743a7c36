import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import { claimOnce } from '../domain/once.ts';
import type { BotDeps } from './deps.ts';

/**
 * Slack redelivers an event it thinks was missed (X-Slack-Retry-Num), with the same event_id: the
 * first delivery is handled, later ones are only acknowledged (Bolt has acknowledged them already).
 */
export function eventsOnce(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { type?: string; event_id?: string }).type === 'event_callback' ? (body as { event_id?: string }).event_id : undefined;
    if (!eventId || (await claimOnce(deps, `event:${eventId}`))) await next();
  };
}
