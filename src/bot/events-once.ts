import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import { isUniqueViolation } from '../db/client.ts';
import type { BotDeps } from './deps.ts';

/**
 * Slack redelivers an event it thinks was missed (X-Slack-Retry-Num), with the same event_id: the
 * first delivery is handled, later ones are only acknowledged.
 */
export function eventsOnce(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { type?: string; event_id?: string }).type === 'event_callback' ? (body as { event_id?: string }).event_id : undefined;
    if (!eventId) return next();
    try {
      await deps.db.$transaction((tx) => tx.slackDelivery.create({ data: { key: `event:${eventId}`, createdAt: deps.clock.now() } }));
    } catch (e) {
      if (isUniqueViolation(e)) return; // a redelivery: Bolt has acknowledged it already
      throw e;
    }
    await next();
  };
}
