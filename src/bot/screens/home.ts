import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { listApprovals } from '../../domain/approvals/queries.ts';
import { loadMyDay } from '../../domain/followups/my-day.ts';
import { listMyOpportunities } from '../../domain/opportunities/opportunities.ts';
import { awayOf } from '../../domain/people/away.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { requestUser } from '../schemas.ts';
import { homeView } from '../views/home.ts';

/** How many open opportunities App Home lists. */
const HOME_OPPORTUNITIES = 5;
/** How many requests waiting for my decision App Home lists. */
const HOME_APPROVALS = 5;

/** Publishes a person's App Home (to its Slack user `slackId`): quick buttons, my day, my open opportunities. */
export async function publishHome(client: WebClient, deps: BotDeps, w: Who, slackId: string): Promise<void> {
  await client.views.publish({ user_id: slackId, view: await homeViewOf(deps, w) });
}

/** A person's App Home as it is now (the outbox publishes it too, after the morning digest). */
export async function homeViewOf(deps: BotDeps, w: Who): Promise<ReturnType<typeof homeView>> {
  const { actor, reader } = w;
  const [day, opportunities, approvals, away] = await Promise.all([
    loadMyDay(deps, actor),
    listMyOpportunities(deps, actor, { open: true, take: HOME_OPPORTUNITIES }),
    actor.role === 'rep' ? null : listApprovals(deps, actor, { box: 'todo', take: HOME_APPROVALS }),
    actor.role === 'rep' ? null : awayOf(deps.db, actor.id, deps.clock.now()),
  ]);
  return homeView(reader, { name: actor.name, day, opportunities, ...(approvals ? { approvals } : {}), ...(away ? { away } : {}) });
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
      // Set by the identify middleware (src/bot/context.ts) for a request from a known person.
      const w = context.who as Who | undefined;
      const slackId = requestUser(body);
      if (context.homeStale && w && slackId) {
        try {
          await publishHome(client, deps, w, slackId);
        } catch (e) {
          console.error('app home: refresh failed:', e);
        }
      }
    }
  };
}
