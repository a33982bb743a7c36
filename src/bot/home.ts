import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../domain/org/roles.ts';
import { listApprovals } from '../domain/approvals/queries.ts';
import { listMyOpportunities } from '../domain/opportunities/opportunities.ts';
import type { Reader } from '../i18n/index.ts';
import type { BotDeps } from './deps.ts';
import { requestUser } from './schemas.ts';
import { homeView } from './views/home.ts';
import { loadMyDay } from './views/today.ts';

type SlackHome = Parameters<WebClient['views']['publish']>[0]['view'];

/** How many open opportunities App Home lists. */
const HOME_OPPORTUNITIES = 5;
/** How many requests waiting for my decision App Home lists. */
const HOME_APPROVALS = 5;

/**
 * Publishes a person's App Home: quick buttons, my day, my open opportunities. `slackId` saves a
 * look-up when the caller knows it.
 */
export async function publishHome(client: WebClient, deps: BotDeps, actor: Actor, reader: Reader, slackId?: string): Promise<void> {
  const userId = slackId ?? (await deps.db.person.findUnique({ where: { id: actor.id }, select: { slackId: true } }))?.slackId;
  if (!userId) return;
  const [day, opportunities, approvals] = await Promise.all([
    loadMyDay(deps, actor),
    listMyOpportunities(deps, actor, { open: true, take: HOME_OPPORTUNITIES }),
    actor.role === 'rep' ? null : listApprovals(deps, actor, { box: 'todo', take: HOME_APPROVALS }),
  ]);
  const view = homeView(reader, { name: actor.name, day, opportunities, ...(approvals ? { approvals } : {}) });
  await client.views.publish({ user_id: userId, view: view as unknown as SlackHome });
}

/**
 * After every listener: when it set `context.homeStale = true` (it changed something my day shows),
 * the person's Home is published again. Runs after the listener has finished (and acknowledged),
 * so it never delays Slack's 3 seconds; a failure to publish is logged, never the listener's error.
 */
export function refreshHomeAfterChange(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ context, client, body, next }) => {
    try {
      await next();
    } finally {
      const w = context.who as { actor: Actor; reader: Reader } | undefined;
      if (context.homeStale && w) {
        const slackId = requestUser(body);
        try {
          await publishHome(client as unknown as WebClient, deps, w.actor, w.reader, slackId);
        } catch (e) {
          console.error('app home: refresh failed:', e);
        }
      }
    }
  };
}
